//! Errors in a job file, pointing at the file, line and column, with a
//! did-you-mean suggestion where a name was misspelt.
//!
//! Unknown keys and kinds are caught by serde (`deny_unknown_fields`, enum
//! variants), whose messages list the accepted names (`unknown field `x`,
//! expected one of `a`, `b``); serde's wording of these two messages has been
//! stable since 1.0, and we read the accepted names from it to suggest the
//! closest one. strsim is used here, outside `compare/`, only for that.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A problem in a job file that its author must fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The job file.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
    /// Where in the file, when known.
    pub position: Option<Box<Position>>,
    /// A suggestion, such as the key that was probably meant.
    pub help: Option<String>,
}

/// Where in a job file an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of the line.
    pub text: String,
    /// How many characters to underline from `column`.
    pub width: usize,
}

impl ConfigError {
    /// An error about the file as a whole (it cannot be read, say).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        ConfigError { file: file.to_path_buf(), message: message.into(), position: None, help: None }
    }

    /// An error about the text at `span` (byte offsets into `text`).
    pub fn at(file: &Path, text: &str, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        let mut error = ConfigError::whole_file(file, message);
        if let Some(span) = span {
            let start = span.start.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let line_text = text[line_start..line_end].trim_end_matches('\r');
            let column = text[line_start..start].chars().count() + 1;
            let end = span.end.clamp(start, line_end);
            let width = text[start..end].chars().count().max(1);
            error.position = Some(Box::new(Position {
                line: text[..start].matches('\n').count() + 1,
                column,
                text: line_text.to_string(),
                width,
            }));
        }
        error
    }

    /// Adds a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Turns a TOML or serde error into one pointing at the file, with a
    /// did-you-mean suggestion for unknown keys and names.
    pub fn from_toml(file: &Path, text: &str, error: &toml::de::Error) -> Self {
        let message = error.message().trim_end().to_string();
        let help = suggestion_for(&message).map(|name| format!("did you mean `{name}`?"));
        let mut error = ConfigError::at(file, text, error.span(), message);
        error.help = help;
        error
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = &self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(p) = &self.position {
            let (text, width, line, column) = (&p.text, p.width, p.line, p.column);
            let gutter = line.to_string().len();
            write!(
                f,
                "\n{:gutter$} |\n{line} | {text}\n{:gutter$} | {:pad$}{}",
                "",
                "",
                "",
                "^".repeat(width),
                pad = column - 1
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\nhelp: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// The closest of `candidates` to `name`, if one is close enough to be a
/// likely misspelling.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" (or "unknown
/// variant …") and returns the accepted name closest to `x`.
fn suggestion_for(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("unknown variant `"))?;
    let (unknown, expected) = rest.split_once('`')?;
    let names: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    closest(unknown, names).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_accepted_name() {
        let message = "unknown field `treshold`, expected `threshold` or `within_source`";
        assert_eq!(suggestion_for(message).as_deref(), Some("threshold"));
        let message = "unknown variant `emial`, expected one of `username`, `email`, `phone`";
        assert_eq!(suggestion_for(message).as_deref(), Some("email"));
    }

    #[test]
    fn suggests_nothing_for_a_name_far_from_all() {
        let message = "unknown field `colour`, expected `threshold` or `within_source`";
        assert_eq!(suggestion_for(message), None);
        assert_eq!(suggestion_for("invalid type: string"), None);
    }

    #[test]
    fn locates_a_span_by_line_and_column() {
        let text = "[job]\nname = \"x\"\n  treshold = 1\n";
        let start = text.find("treshold").unwrap();
        let error = ConfigError::at(Path::new("job.toml"), text, Some(start..start + 8), "unknown field");
        let position = error.position.as_deref().unwrap();
        assert_eq!((position.line, position.column), (3, 3));
        let shown = error.to_string();
        assert!(shown.starts_with("job.toml:3:3: unknown field"), "{shown}");
        assert!(shown.contains("3 |   treshold = 1\n  |   ^^^^^^^^"), "{shown}");
    }
}
