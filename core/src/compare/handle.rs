//! Cross-kind evidence: an email address's local part against a username.
//!
//! `dark.angel99@gmail.com` on a payment export and the forum handle
//! `darkangel99` are one person's more often than chance: both reduce to the
//! username skeleton `darkangel99`. Likewise the cardholder `Sarah Anderson`
//! and the handle `s4r4h_anderson85` ([`name_level`]). The comparisons are
//! asymmetric by nature (`a` is an email or a name, `b` a username);
//! [`super::Comparison::across`] applies them in both directions between two
//! records.

use super::prepared::{NAME_HANDLES, Value};
use super::similarity::jaro_winkler_reaching;
use crate::normalize::username;

/// Level labels, best first.
pub const LEVELS: &[&str] = &["skeleton", "skeleton_but_digits", "jw>=0.94", "different"];

/// The level of an email's local part (`a`, normalized email) against a
/// username (`b`, normalized username).
pub fn level(a: &str, b: &str) -> usize {
    level_of(Value::plain(a), Value::plain(b))
}

/// [`level`] of two values with their prepared forms.
pub fn level_of(a: Value, b: Value) -> usize {
    let Some((_, _, local)) = a.email() else { return LEVELS.len() - 1 };
    let handle = b.skeleton();
    if local.is_empty() || handle.is_empty() {
        return LEVELS.len() - 1;
    }
    if local == handle {
        return 0;
    }
    let ((local_stem, local_digits), (handle_stem, handle_digits)) =
        (username::split_digits(&local), username::split_digits(&handle));
    if local_stem == handle_stem && local_stem.chars().count() >= 4 && local_digits != handle_digits {
        return 1;
    }
    if jaro_winkler_reaching(&local, &handle, 0.94).is_some_and(|s| s >= 0.94) {
        return 2;
    }
    LEVELS.len() - 1
}

/// Level labels of a name against a username, best first.
pub const NAME_LEVELS: &[&str] = &["name_is_handle", "jw>=0.94", "different"];

/// The handle stems a name is commonly turned into: its tokens run together
/// in order and reversed, and the first initial with the last token
/// (`sarah anderson` → `sarahanderson`, `andersonsarah`, `sanderson`), as
/// username skeletons.
pub fn name_handles(name: &str) -> Vec<String> {
    let tokens: Vec<&str> = name.split_whitespace().collect();
    if tokens.len() < 2 {
        return Vec::new();
    }
    let (first, last) = (tokens[0], tokens[tokens.len() - 1]);
    let initial: String = first.chars().take(1).collect();
    let forms = [tokens.concat(), format!("{last}{first}"), format!("{initial}{last}")];
    let mut handles: Vec<String> =
        forms.iter().map(|f| username::skeleton(f)).filter(|h| h.chars().count() >= 5).collect();
    handles.sort_unstable();
    handles.dedup();
    handles
}

/// The level of a person's name (`a`, normalized name) against a username
/// (`b`, normalized username): the handle's stem, without its digit suffix,
/// is one of the name's [`name_handles`].
pub fn name_level(a: &str, b: &str) -> usize {
    name_level_of(Value::plain(a), Value::plain(b))
}

/// [`name_level`] of two values with their prepared forms.
pub fn name_level_of(a: Value, b: Value) -> usize {
    let handle = b.skeleton();
    let (stem, _) = username::split_digits(&handle);
    let forms = a.name_forms();
    let forms = forms.of(NAME_HANDLES);
    if stem.is_empty() || forms.is_empty() {
        return NAME_LEVELS.len() - 1;
    }
    if forms.iter().any(|f| f == stem) {
        return 0;
    }
    if forms.iter().any(|f| jaro_winkler_reaching(f, stem, 0.94).is_some_and(|s| s >= 0.94)) {
        return 1;
    }
    NAME_LEVELS.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::email;

    fn email(raw: &str) -> String {
        email::normalize(raw).unwrap()
    }

    fn user(raw: &str) -> String {
        username::normalize(raw).unwrap()
    }

    #[test]
    fn an_email_local_part_meets_the_username_it_was_made_from() {
        let cases = [
            ("dark.angel99@gmail.com", "darkangel99", "skeleton"),
            ("D4RK_ANGEL99@outlook.com", "dark.angel99", "skeleton"),
            ("darkangel98@gmail.com", "darkangel99", "skeleton_but_digits"),
            ("sarah.anderson@gmail.com", "sarah_andersen", "jw>=0.94"),
            ("mike@gmail.com", "darkangel99", "different"),
            ("not an address", "darkangel99", "different"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(LEVELS[level(&email(a), &user(b))], expected, "{a} vs {b}");
        }
    }

    #[test]
    fn a_name_meets_the_handles_made_from_it() {
        let name = |raw: &str| crate::normalize::name::normalize(raw).unwrap();
        let cases = [
            ("Sarah Anderson", "s4r4h_anderson85", "name_is_handle"),
            ("ANDERSON, Sarah", "sarah.anderson", "name_is_handle"),
            ("Sarah Anderson", "sanderson1990", "name_is_handle"),
            ("Sarah Anderson", "sarah_andersen", "jw>=0.94"),
            ("Sarah Anderson", "darkangel99", "different"),
            ("Sarah", "sarah85", "different"),
        ];
        for (a, b, expected) in cases {
            assert_eq!(NAME_LEVELS[name_level(&name(a), &user(b))], expected, "{a} vs {b}");
        }
    }
}
