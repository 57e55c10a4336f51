//! Fuzzes the `card` normalizer: it never panics, and normalizing twice equals once.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sleuth_core::normalize;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(once) = &normalize::card::normalize(text) {
        assert_eq!(
            normalize::card::normalize(once).as_ref(),
            Some(once),
            "normalizing {text:?} twice differs from once"
        );
    }
});
