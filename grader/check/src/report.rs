//! The result file: the one channel through which a check passes.
//!
//! The grader gives every check process a fresh file path and a random nonce. The harness writes
//! one JSON object there, with the nonce, when the check is over. Student code does not write to that
//! file by accident, so printing "test ... ok" or calling `std::process::exit(0)` never counts as a
//! pass: without the file (or with the wrong nonce) the grader reports what the process did instead.
//!
//! The JSON is written by hand: it is small and flat, and the harness stays free of serde.

use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Default)]
pub struct Report {
    pub passed: bool,
    pub kind: Option<&'static str>,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub transcript: Vec<String>,
    pub panics: Vec<String>,
    pub virtual_ms: f64,
    pub wall_ms: f64,
}

static WRITTEN: AtomicBool = AtomicBool::new(false);

impl Report {
    /// Writes the report once per process (the first writer wins: the check's end, or the blocking
    /// detector), atomically: to a temporary file, then renamed into place.
    pub fn write(&self) {
        if WRITTEN.swap(true, Ordering::SeqCst) {
            return;
        }
        let Some(path) = std::env::var_os("AWAITLINGS_REPORT") else {
            // Run by hand: say what happened on stderr instead.
            eprintln!("{}", self.to_json());
            return;
        };
        let path = std::path::PathBuf::from(path);
        let tmp = path.with_extension("partial");
        if std::fs::write(&tmp, self.to_json())
            .and_then(|()| std::fs::rename(&tmp, &path))
            .is_err()
        {
            eprintln!(
                "awaitlings: could not write the report to {}",
                path.display()
            );
        }
    }

    fn to_json(&self) -> String {
        let nonce = std::env::var("AWAITLINGS_NONCE").unwrap_or_default();
        let opt = |s: &Option<String>| s.as_deref().map_or("null".into(), string);
        let list = |v: &[String]| {
            format!(
                "[{}]",
                v.iter().map(|s| string(s)).collect::<Vec<_>>().join(",")
            )
        };
        format!(
            "{{\"nonce\":{},\"outcome\":{},\"kind\":{},\"message\":{},\"expected\":{},\"actual\":{},\
             \"transcript\":{},\"panics\":{},\"virtual_ms\":{:.3},\"wall_ms\":{:.3}}}\n",
            string(&nonce),
            string(if self.passed { "pass" } else { "fail" }),
            self.kind.map_or("null".into(), string),
            string(&self.message),
            opt(&self.expected),
            opt(&self.actual),
            list(&self.transcript),
            list(&self.panics),
            self.virtual_ms,
            self.wall_ms,
        )
    }
}

/// A JSON string literal.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn strings_are_escaped() {
        assert_eq!(
            super::string("a\"b\\c\nd\u{1}"),
            "\"a\\\"b\\\\c\\nd\\u0001\""
        );
    }
}
