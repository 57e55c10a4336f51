//! Cross-kind evidence: an email address's local part against a username.
//!
//! `dark.angel99@gmail.com` on a payment export and the forum handle
//! `darkangel99` are one person's more often than chance: both reduce to the
//! username skeleton `darkangel99`. The comparison is asymmetric by nature
//! (`a` is an email, `b` a username); [`super::Comparison::across`] applies it
//! in both directions between two records.

use crate::normalize::{email, username};

/// Level labels, best first.
pub const LEVELS: &[&str] = &["skeleton", "skeleton_but_digits", "jw>=0.94", "different"];

/// The level of an email's local part (`a`, normalized email) against a
/// username (`b`, normalized username).
pub fn level(a: &str, b: &str) -> usize {
    let Some(local) = email::local_skeleton(a) else { return LEVELS.len() - 1 };
    let handle = username::skeleton(b);
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
    if strsim::jaro_winkler(&local, &handle) >= 0.94 {
        return 2;
    }
    LEVELS.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
