//! Compares usernames for equality (levels `same`, `different`), and panics
//! on a value containing `trap`: one batch fails, the rest must go on. On a
//! value containing `print` it prints to stdout, which the host links as a
//! trap: that batch fails with an error saying so.

use sleuth_sdk::{Declaration, Matcher, Subject, Verdict};

pub struct MatcherTraps;

impl Matcher for MatcherTraps {
    fn declare() -> Declaration {
        Declaration {
            kinds: vec!["username".into()],
            levels: vec!["same".into(), "different".into()],
            rules: vec!["equal".into(), "unequal".into()],
        }
    }

    fn compare(a: &Subject<'_>, b: &Subject<'_>) -> Verdict {
        if a.raw().chain(b.raw()).any(|v| v.contains("trap")) {
            panic!("refusing to compare a trap");
        }
        if a.raw().chain(b.raw()).any(|v| v.contains("print")) {
            println!("comparing a print");
        }
        let same = a.normalized().any(|x| b.normalized().any(|y| x == y));
        Verdict::level(if same { 0 } else { 1 }, if same { "equal" } else { "unequal" })
    }
}

sleuth_sdk::export!(matcher: MatcherTraps);

#[cfg(test)]
mod tests {
    use super::*;
    use sleuth_sdk::Subjects;

    #[test]
    fn equal_normalized_values_are_the_same_and_a_trap_panics() {
        let mut subjects = Subjects::default();
        let ann = subjects.push(&["Ann"], &["ann"]);
        let also_ann = subjects.push(&["ANN", "x"], &["x", "ann"]);
        let bob = subjects.push(&["Bob"], &["bob"]);
        let trap = subjects.push(&["a trap"], &["ann"]);
        let [ann, also_ann, bob, trap] = [ann, also_ann, bob, trap].map(|i| subjects.get(i).unwrap());
        assert_eq!(MatcherTraps::compare(&ann, &also_ann), Verdict::level(0, "equal"));
        assert_eq!(MatcherTraps::compare(&ann, &bob), Verdict::level(1, "unequal"));
        assert!(std::panic::catch_unwind(|| MatcherTraps::compare(&ann, &trap)).is_err());
    }
}
