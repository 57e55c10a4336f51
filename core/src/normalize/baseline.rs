//! The normalization every kind starts from.

use unicode_normalization::UnicodeNormalization;

/// NFKC, full Unicode case folding (`Straße` → `strasse`), then whitespace
/// trimmed and runs of it collapsed to one space. `None` for a blank value.
///
/// ```
/// use sleuth_core::normalize::baseline::normalize;
/// assert_eq!(normalize("  ＳＡＲＡＨ   Straße "), Some("sarah strasse".to_string()));
/// assert_eq!(normalize(" \t"), None);
/// ```
pub fn normalize(raw: &str) -> Option<String> {
    if raw.is_ascii() {
        return ascii(raw);
    }
    unicode(raw)
}

/// The same result for ASCII text, without the Unicode tables: NFKC leaves
/// ASCII as it is and case folding it is lowercasing. Most values are ASCII,
/// and this is most of the normalize stage's time at a million records.
fn ascii(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    }
    (!out.is_empty()).then_some(out)
}

fn unicode(raw: &str) -> Option<String> {
    let folded = caseless::default_case_fold_str(&raw.nfkc().collect::<String>());
    // Case folding can leave text that NFKC would change again; once more makes the result stable.
    let folded: String = folded.nfkc().collect();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{ascii, normalize, unicode};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_ascii_path_agrees_with_the_unicode_one(raw in "[\\x00-\\x7f]{0,24}") {
            prop_assert_eq!(ascii(&raw), unicode(&raw));
        }
    }

    #[test]
    fn normalizing_twice_equals_once() {
        for raw in ["ǅemal", "ﬁne", "ΣΊΣΥΦΟΣ", "İstanbul", "Å", "ｓａｒａｈ＿ａ", "x\u{0345}y", " a  b "]
        {
            let once = normalize(raw);
            assert_eq!(once.as_deref().and_then(normalize), once, "{raw}");
        }
    }
}
