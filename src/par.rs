//! The one way flagctl spreads work over cores: scoped threads, one per item, with
//! the first item done on the calling thread. A thread the operating system refuses
//! is not an error: its item is done on the calling thread instead.
//!
//! The one exception is the usage reader (`usage/lines.rs`), which streams input of
//! unknown length through a bounded queue to long-lived workers: a map over a known
//! list of items cannot express that, but it sizes its pool with [`threads`] too.

/// How many threads are worth starting: one per core, at most 8 (beyond that, memory
/// bandwidth rather than cores limits every parallel job flagctl has).
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `f` applied to every item, on scoped threads, results in item order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let Some((first, rest)) = items.split_first() else {
        return Vec::new();
    };
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = rest
            .iter()
            .map(|item| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || f(item))
                    .map_err(|_| item)
            })
            .collect();
        let mut out = Vec::with_capacity(items.len());
        out.push(f(first));
        // A panic in a worker is a bug; re-raise it rather than lose its result.
        out.extend(handles.into_iter().map(|h| {
            match h {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                Err(item) => f(item),
            }
        }));
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u32> = (0..20).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            (0..20).map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u32], |x| *x).is_empty());
    }
}
