//! "Did you mean ...?" for misspelled field names, flag keys and options.

/// Inputs longer than this get no suggestion: a typo of a name that long is unlikely,
/// and comparing very long strings is the costly part.
const MAX_INPUT_CHARS: usize = 100;

/// The candidate closest to `input` by edit distance, if it is close enough to be a
/// plausible typo (at most a third of the input's length, and at most 3 edits).
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let len = input.chars().count();
    if len > MAX_INPUT_CHARS {
        return None;
    }
    let limit = (len / 3).clamp(1, 3);
    let input: Vec<char> = input.chars().flat_map(char::to_lowercase).collect();
    let bytes = input.iter().map(|c| c.len_utf8()).sum::<usize>();
    let mut candidate = Vec::new();
    candidates
        .into_iter()
        // More characters apart than the limit cannot be within it.
        .filter(|c| c.len().abs_diff(bytes) <= 4 * limit)
        .filter_map(|c| {
            candidate.clear();
            candidate.extend(c.chars().flat_map(char::to_lowercase));
            Some((band_distance(&input, &candidate, limit)?, c))
        })
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

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, so
/// `ownre` is one edit from `owner`.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// [`distance`] when it is at most `limit`, computed only on the diagonal band the
/// answer can lie in, so two long strings cost their length times the band, not the
/// product of their lengths.
pub fn distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    band_distance(&a, &b, limit)
}

fn band_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Cells off the band are never written; reading one yields "too far".
    let far = limit + 1;
    let at = |row: &[usize], r: usize, j: usize| {
        if r.abs_diff(j) > limit { far } else { row[j] }
    };
    let mut prev2: Vec<usize> = vec![far; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).map(|j| j.min(far)).collect();
    let mut cur = vec![far; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i.min(far);
        let mut best = cur[0];
        for j in i.saturating_sub(limit).max(1)..=(i + limit).min(b.len()) {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (at(&prev, i - 1, j) + 1)
                .min(at(&cur, i, j - 1) + 1)
                .min(at(&prev, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(at(&prev2, i - 2, j - 2) + 1);
            }
            cur[j] = d.min(far);
            best = best.min(cur[j]);
        }
        // A row entirely past the limit means every later row is too.
        if best > limit {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = at(&prev, a.len(), b.len());
    (d <= limit).then_some(d)
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

    #[test]
    fn banded_distance_agrees_with_the_full_one() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "owner", "ownre", "onwer", "rollout", "rolout",
            "kitten", "sitting", "élan", "elan", "flagctl", "flgactl", "abcdef", "badcfe",
        ];
        for a in words {
            for b in words {
                for limit in 0..=4 {
                    let full = distance(a, b);
                    let want = (full <= limit).then_some(full);
                    assert_eq!(distance_within(a, b, limit), want, "{a:?} {b:?} {limit}");
                }
            }
        }
    }

    #[test]
    fn long_inputs_are_cheap() {
        let long = "x".repeat(200_000);
        assert_eq!(closest(&long, [long.as_str()]), None);
        let a = "y".repeat(90);
        let b = format!("{}z", "y".repeat(89));
        assert_eq!(closest(&a, [b.as_str()]), Some(b.as_str()));
    }
}
