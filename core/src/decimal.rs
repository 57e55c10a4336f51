//! Numbers written to a fixed number of decimals, as `format!("{:.N}")`
//! writes them, faster.
//!
//! std writes a float to `N` decimals exactly: the decimal rounding of its
//! binary value, ties to even. Its fast algorithm (Grisu) gives up on many
//! values and falls back to big-number arithmetic (Dragon4): at a million
//! records a run writes some five million such numbers (each link's weight
//! and probability, the weights in its evidence, each relationship's
//! strength), and formatting them took a core-second. No crate writes fixed
//! decimals (`ryu` and its kin write the shortest form that reads back), so
//! this module scales the value by `10^N` and rounds it whenever the scaled
//! value lies far enough from a tie for that rounding to be the exact one,
//! and leaves the rest to std: the text is std's in every case (tested
//! against it).

use std::fmt::Write;

/// Scaled values at most this large have a rounding error of at most
/// 2^-13, far below [`TIE_MARGIN`].
const MAX_SCALED: f64 = (1u64 << 40) as f64;

/// How far from a tie (a fraction of one half) a scaled value must be for
/// its rounding to be the exact value's.
const TIE_MARGIN: f64 = 1.0 / 1024.0;

/// `10^decimals` for the decimals written here; more are left to std.
const POWERS: [u64; 10] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/// `value` with `decimals` decimals: `format!("{value:.decimals$}")`.
///
/// ```
/// use sleuth_core::decimal::fixed;
/// assert_eq!(fixed(0.9999984, 6), "0.999998");
/// assert_eq!(fixed(0.125, 2), "0.12"); // a tie, to even
/// assert_eq!(fixed(-3.14159, 2), "-3.14");
/// ```
pub fn fixed(value: f64, decimals: usize) -> String {
    let mut out = String::with_capacity(16);
    push_fixed(&mut out, value, decimals, false);
    out
}

/// Appends `value` with `decimals` decimals to `out`, with a `+` before a
/// positive value when `plus`: `format!("{value:.decimals$}")`, or
/// `format!("{value:+.decimals$}")`.
///
/// ```
/// let mut evidence = String::from("ip=exact(");
/// sleuth_core::decimal::push_fixed(&mut evidence, 25.625, 1, true);
/// assert_eq!(evidence, "ip=exact(+25.6");
/// ```
pub fn push_fixed(out: &mut String, value: f64, decimals: usize, plus: bool) {
    let Some(&power) = POWERS.get(decimals) else { return std_fixed(out, value, decimals, plus) };
    let scaled = (value * power as f64).abs();
    let fraction = scaled.fract();
    if !scaled.is_finite() || scaled > MAX_SCALED || (fraction - 0.5).abs() <= TIE_MARGIN {
        return std_fixed(out, value, decimals, plus);
    }
    let rounded = scaled.round() as u64;
    if value.is_sign_negative() {
        out.push('-');
    } else if plus {
        out.push('+');
    }
    let _ = write!(out, "{}", rounded / power);
    if decimals > 0 {
        let _ = write!(out, ".{:0decimals$}", rounded % power);
    }
}

/// What std writes.
fn std_fixed(out: &mut String, value: f64, decimals: usize, plus: bool) {
    let _ = if plus { write!(out, "{value:+.decimals$}") } else { write!(out, "{value:.decimals$}") };
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn both(value: f64, decimals: usize) {
        assert_eq!(fixed(value, decimals), format!("{value:.decimals$}"), "{value:e} to {decimals}");
        let mut plus = String::new();
        push_fixed(&mut plus, value, decimals, true);
        assert_eq!(plus, format!("{value:+.decimals$}"), "{value:e} to {decimals} with a sign");
    }

    #[test]
    fn edges_are_written_as_std_writes_them() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.25,
            0.125,
            0.375,
            -0.01,
            1e-7,
            -1e-7,
            0.999_999_949_999,
            0.999_999_5,
            9.999_95,
            1.0,
            -1.0,
            1e12,
            -1e12,
            1.1e12,
            123_456.789,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for value in edges {
            for decimals in 0..12 {
                both(value, decimals);
            }
        }
    }

    proptest! {
        #[test]
        fn any_value_is_written_as_std_writes_it(value in proptest::num::f64::ANY, decimals in 0..11usize) {
            both(value, decimals);
        }

        /// Probabilities near 1 and weights in bits, as the outputs have them.
        #[test]
        fn outputs_numbers_are_written_as_std_writes_them(
            probability in 0.5..1.0f64,
            weight in -60.0..60.0f64,
            ties in 0..100_000_000i64,
        ) {
            both(probability, 6);
            both(weight, 4);
            both(weight, 1);
            // Values a tie away from a rounding at 4 and 6 decimals.
            both(ties as f64 / 1e8 + 5e-7, 6);
            both(ties as f64 / 1e6 + 5e-5, 4);
        }
    }
}
