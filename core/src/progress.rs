//! Progress bars on stderr for long stages, hidden when stderr is not a
//! terminal (in CI, in pipes, in tests).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar for `stage` over `len` items.
pub fn bar(stage: &str, len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{prefix:>10} [{bar:40}] {human_pos}/{human_len} ({eta})")
        .expect("the template is valid")
        .progress_chars("=> ");
    ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
        .with_style(style)
        .with_prefix(stage.to_string())
}
