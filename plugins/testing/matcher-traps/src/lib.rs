//! Compares usernames for equality (levels `same`, `different`), and panics
//! on a value containing `trap`: one batch fails, the rest must go on.

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

    fn compare(a: &Subject, b: &Subject) -> Verdict {
        if a.raw.iter().chain(&b.raw).any(|v| v.contains("trap")) {
            panic!("refusing to compare a trap");
        }
        let same = a.normalized.iter().any(|x| b.normalized.contains(x));
        Verdict::level(if same { 0 } else { 1 }, if same { "equal" } else { "unequal" })
    }
}

sleuth_sdk::export!(matcher: MatcherTraps);
