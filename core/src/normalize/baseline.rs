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
    use super::normalize;

    #[test]
    fn normalizing_twice_equals_once() {
        for raw in ["ǅemal", "ﬁne", "ΣΊΣΥΦΟΣ", "İstanbul", "Å", "ｓａｒａｈ＿ａ", "x\u{0345}y", " a  b "]
        {
            let once = normalize(raw);
            assert_eq!(once.as_deref().and_then(normalize), once, "{raw}");
        }
    }
}
