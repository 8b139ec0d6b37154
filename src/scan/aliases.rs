//! Generated aliases: the spellings of a flag key in the naming styles of
//! `settings.scan.aliases` (`new-payment-processor` → `newPaymentProcessor`, ...).
//!
//! A key is first split into words, then the words are joined in each style. Words
//! are separated by `-`, `_`, `.` and `:`, and by case changes (`newPayment` →
//! `new`, `Payment`; `HTTPServer` → `HTTP`, `Server`). Digits never start a word: they
//! stay with the word before them, so `sdk-v2` → `sdk`, `v2` → `SDK_V2` and `sdkV2`,
//! and `oauth2Login` → `oauth2`, `Login`.

use crate::model::AliasStyle;

/// Splits a flag key into lowercase words.
pub fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '-' | '_' | '.' | ':') || c.is_whitespace() {
            flush(&mut words, &mut current);
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // `newPayment`, `v2Beta`: a capital after a lowercase letter or a digit
            // starts a word; `HTTPServer`: the last capital of a run starts one when a
            // lowercase letter follows it.
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_is_lower)
            {
                flush(&mut words, &mut current);
            }
        }
        current.extend(c.to_lowercase());
    }
    flush(&mut words, &mut current);
    words
}

fn flush(words: &mut Vec<String>, current: &mut String) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
    }
}

/// `word` with its first character in upper case (the rest is already lowercase).
fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The spelling of `key` in `style`, or `None` when the key has no words (it is made
/// of separators only).
pub fn generate(key: &str, style: AliasStyle) -> Option<String> {
    let words = words(key);
    if words.is_empty() {
        return None;
    }
    Some(match style {
        AliasStyle::Kebab => words.join("-"),
        AliasStyle::Snake => words.join("_"),
        AliasStyle::ScreamingSnake => words
            .iter()
            .map(|w| w.to_uppercase())
            .collect::<Vec<_>>()
            .join("_"),
        AliasStyle::Dot => words.join("."),
        AliasStyle::Camel => {
            let mut s = words[0].clone();
            for w in &words[1..] {
                s.push_str(&capitalize(w));
            }
            s
        }
        AliasStyle::Pascal => words.iter().map(|w| capitalize(w)).collect(),
    })
}

/// Every distinct generated alias of `key` in `styles`, in style order, without the
/// key itself (it is matched as `kind: key`).
pub fn all(key: &str, styles: &[AliasStyle]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &style in styles {
        if let Some(alias) = generate(key, style) {
            if alias != key && !out.contains(&alias) {
                out.push(alias);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use AliasStyle::*;

    fn styles(key: &str) -> Vec<String> {
        [Kebab, Snake, ScreamingSnake, Camel, Pascal, Dot]
            .iter()
            .map(|&s| generate(key, s).unwrap_or_default())
            .collect()
    }

    #[test]
    fn kebab_key_in_every_style() {
        assert_eq!(
            styles("new-payment-processor"),
            [
                "new-payment-processor",
                "new_payment_processor",
                "NEW_PAYMENT_PROCESSOR",
                "newPaymentProcessor",
                "NewPaymentProcessor",
                "new.payment.processor",
            ]
        );
    }

    #[test]
    fn digits_stay_with_the_word_before_them() {
        assert_eq!(
            styles("sdk-v2"),
            ["sdk-v2", "sdk_v2", "SDK_V2", "sdkV2", "SdkV2", "sdk.v2"]
        );
        assert_eq!(
            styles("checkout-v2-beta"),
            [
                "checkout-v2-beta",
                "checkout_v2_beta",
                "CHECKOUT_V2_BETA",
                "checkoutV2Beta",
                "CheckoutV2Beta",
                "checkout.v2.beta"
            ]
        );
        assert_eq!(words("oauth2Login"), ["oauth2", "login"]);
        assert_eq!(words("v2Beta"), ["v2", "beta"]);
        assert_eq!(words("h2o"), ["h2o"]);
    }

    #[test]
    fn keys_in_other_styles_are_split_the_same_way() {
        for key in [
            "newPaymentProcessor",
            "NewPaymentProcessor",
            "NEW_PAYMENT_PROCESSOR",
            "new.payment.processor",
            "new_payment:processor",
        ] {
            assert_eq!(words(key), ["new", "payment", "processor"], "{key}");
        }
        assert_eq!(words("HTTPServerTimeout"), ["http", "server", "timeout"]);
        assert_eq!(words("--"), Vec::<String>::new());
        assert_eq!(generate("--", Camel), None);
    }

    #[test]
    fn all_skips_the_key_and_duplicates() {
        assert_eq!(
            all("search-cache-ttl", &[Kebab, Snake, Camel]),
            ["search_cache_ttl", "searchCacheTtl"]
        );
        assert_eq!(
            all("ttl", &[Kebab, Snake, Camel, Dot]),
            Vec::<String>::new()
        );
        assert_eq!(all("ttl", &[ScreamingSnake, Pascal]), ["TTL", "Ttl"]);
    }
}
