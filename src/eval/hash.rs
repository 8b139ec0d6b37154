//! Buckets (`docs/evaluation.md`): MurmurHash3 x86 32-bit over `"{salt}:{value}"`, as the
//! seed's `isFeatureEnabled` and Unleash's `normalizedHash` compute them, so a context
//! lands in the same bucket here as in every service using those SDKs.

/// The seed Unleash uses for variant buckets.
pub const VARIANT_SEED: u32 = 86_028_157;

/// MurmurHash3 x86 32-bit. Written in-house (it is twenty lines) and checked against
/// the published vectors and an independent crate in the tests.
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut h = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let k = tail
            .iter()
            .rev()
            .fold(0u32, |k, &b| (k << 8) | u32::from(b));
        h ^= k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
    }
    // The length is mixed in modulo 2^32, as in the reference implementation.
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Runs `f` over the bytes of `"{salt}:{value}"` without allocating when they fit in a
/// stack buffer (the batch path hashes millions of these).
pub fn with_key<T>(salt: &str, value: &str, f: impl FnOnce(&[u8]) -> T) -> T {
    let len = salt.len() + 1 + value.len();
    let mut stack = [0u8; 256];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if len <= stack.len() {
        &mut stack[..len]
    } else {
        heap.resize(len, 0);
        &mut heap
    };
    buf[..salt.len()].copy_from_slice(salt.as_bytes());
    buf[salt.len()] = b':';
    buf[salt.len() + 1..].copy_from_slice(value.as_bytes());
    f(buf)
}

/// The rollout bucket, 1..=100: `murmur3("{salt}:{value}", 0) % 100 + 1`.
pub fn rollout_bucket(salt: &str, value: &str) -> u8 {
    with_key(salt, value, |key| (murmur3_32(key, 0) % 100 + 1) as u8)
}

/// The variant bucket, 1..=total: `murmur3("{salt}:{value}", 86028157) % total + 1`.
/// `total` must be positive (validation rejects all-zero weights; callers check).
pub fn variant_bucket(salt: &str, value: &str, total: u32) -> u32 {
    with_key(salt, value, |key| {
        murmur3_32(key, VARIANT_SEED) % total.max(1) + 1
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vectors() {
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"", 1), 1_364_076_727);
        assert_eq!(murmur3_32(b"hello", 0), 613_153_351);
        assert_eq!(murmur3_32(b"Hello, world!", 1234), 0xfaf6_cdb3);
        assert_eq!(
            murmur3_32(b"The quick brown fox jumps over the lazy dog", 0x9747_b28c),
            0x2fa8_26cd
        );
    }

    #[test]
    fn documented_vectors() {
        assert_eq!(rollout_bucket("gr1", "123"), 73);
        assert_eq!(rollout_bucket("groupX", "999"), 25);
        assert_eq!(variant_bucket("gr1", "123", 100), 96);
        assert_eq!(variant_bucket("groupX", "999", 100), 60);
    }

    #[test]
    fn long_keys_use_the_heap_path() {
        let salt = "s".repeat(300);
        let key = format!("{salt}:v");
        assert_eq!(
            rollout_bucket(&salt, "v"),
            (murmur3_32(key.as_bytes(), 0) % 100 + 1) as u8
        );
    }

    /// 100,000 random inputs, ASCII and not, against the `murmur3` crate.
    #[test]
    fn agrees_with_an_independent_implementation() {
        let mut rng = fastrand::Rng::with_seed(0x5eed);
        let alphabet: Vec<char> = "aZ09-_:. éßøπЖ中文🙂\u{0}\u{7f}".chars().collect();
        for _ in 0..100_000 {
            let len = rng.usize(0..40);
            let text: String = if rng.bool() {
                (0..len)
                    .map(|_| alphabet[rng.usize(..alphabet.len())])
                    .collect()
            } else {
                (0..len).map(|_| rng.char(..)).collect()
            };
            let seed = if rng.bool() {
                rng.u32(..)
            } else {
                VARIANT_SEED
            };
            let expected = murmur3::murmur3_32(&mut std::io::Cursor::new(text.as_bytes()), seed)
                .expect("in-memory read");
            assert_eq!(
                murmur3_32(text.as_bytes(), seed),
                expected,
                "{text:?} seed {seed}"
            );
        }
    }
}
