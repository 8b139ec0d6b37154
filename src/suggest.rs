//! "Did you mean ...?" for misspelled field names, flag keys and options.

/// The candidate closest to `input` by edit distance, if it is close enough to be a
/// plausible typo (at most a third of the input's length, and at most 3 edits).
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let limit = (input.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::osa_distance(&input.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or an empty string.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(input, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let fields = ["owner", "type", "expires", "rollout"];
        assert_eq!(closest("ownr", fields), Some("owner"));
        assert_eq!(closest("ownre", fields), Some("owner"));
        assert_eq!(closest("rolout", fields), Some("rollout"));
        assert_eq!(closest("banana", fields), None);
    }
}
