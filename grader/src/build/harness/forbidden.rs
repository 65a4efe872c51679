//! Unsafe code the `unsafe_code` lint lets through, found in every file rustc read.
//!
//! A crate under test is built with `unsafe_code` forbidden (see [`crate::build::stage`]): no `unsafe`
//! block, no `#[no_mangle]`, `#[link_section]`, `#[export_name]`, `global_asm!` or `unsafe impl`.
//! One construct escapes the lint: a naked function (`#[unsafe(naked)]` with `naked_asm!`) is
//! assembly the lint does not count as unsafe code, and assembly can put a function in the
//! initialisers' section (to run before `main`) or read any memory (the report's nonce).
//!
//! So once a crate under test is built, and before its harness may run, every file rustc read
//! for it (its dep-info lists them all: modules found through `#[path]`, files pulled in with
//! `include!`) is read as Rust tokens, and a crate that names one of [`FORBIDDEN`] anywhere
//! outside comments and strings is treated as not compiling. Names, because a `macro_rules!`
//! macro can only paste identifiers it was given, and nothing else a crate under test can use
//! (no proc macro, no build script of its own) makes an identifier out of pieces.

use std::path::{Path, PathBuf};

/// The first words of the report when a crate needs unsafe code: said plainly, before rustc's
/// own errors, so the student learns the rule, not only the error.
pub const UNSAFE_FORBIDDEN: &str = "Your code uses unsafe code, which the grader forbids: no \
     exercise needs it. That means `unsafe` blocks, functions and impls, `#[no_mangle]`, \
     `#[export_name]`, `#[link_section]`, assembly, and any `#![allow(unsafe_code)]` meant to \
     lift the rule. Write it in safe Rust.";

/// Identifiers a crate under test may not name, with what they are, for the message.
const FORBIDDEN: &[(&str, &str)] = &[
    (
        "naked",
        "a naked function (`#[unsafe(naked)]`) is assembly: unsafe code",
    ),
    ("naked_asm", "`naked_asm!` is assembly: unsafe code"),
    // The lint catches this one (rustc 1.95); it stays here in case an older rustc does not.
    ("global_asm", "`global_asm!` is assembly: unsafe code"),
];

/// One use of a forbidden name: where, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub file: PathBuf,
    pub line: usize,
    pub what: &'static str,
}

/// The files rustc read to compile a crate, from its dep-info file (see
/// [`super::reads::of_library`]). `None` when there is no such file.
pub fn sources(artifact: &Path) -> Option<Vec<PathBuf>> {
    super::reads::of_library(artifact).map(|info| info.files)
}

/// Every use of a forbidden name in `files`.
pub fn scan(files: &[PathBuf]) -> Vec<Found> {
    let mut found = Vec::new();
    for file in files {
        // A file that is not UTF-8 cannot be Rust (it came through `include_bytes!`).
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        for (line, what) in in_text(&text) {
            found.push(Found {
                file: file.clone(),
                line,
                what,
            });
        }
    }
    found
}

/// The forbidden names in one file, by line. Read as tokens, so comments and strings do not
/// count; a file that is not Rust tokens (text for `include_str!`) is searched word by word.
fn in_text(text: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    match text.parse::<proc_macro2::TokenStream>() {
        Ok(tokens) => walk(tokens, &mut found),
        Err(_) => {
            for (n, line) in text.lines().enumerate() {
                for word in line.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                    if let Some(what) = forbidden(word) {
                        found.push((n + 1, what));
                    }
                }
            }
        }
    }
    found
}

fn walk(tokens: proc_macro2::TokenStream, found: &mut Vec<(usize, &'static str)>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Group(group) => walk(group.stream(), found),
            proc_macro2::TokenTree::Ident(ident) => {
                let name = ident.to_string();
                // `r#naked` is `naked` too.
                if let Some(what) = forbidden(name.strip_prefix("r#").unwrap_or(&name)) {
                    found.push((ident.span().start().line, what));
                }
            }
            _ => {}
        }
    }
}

fn forbidden(word: &str) -> Option<&'static str> {
    FORBIDDEN
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, what)| *what)
}

/// The report for a crate that uses forbidden names: the rule first, then where. `shown` turns
/// a staged path into the one the student knows.
pub fn message(found: &[Found], shown: &dyn Fn(&str) -> String) -> String {
    let mut text = format!("{UNSAFE_FORBIDDEN}\n\n");
    for f in found {
        text.push_str(&format!(
            "error: {}\n --> {}:{}\n",
            f.what,
            shown(&super::reads::tidy(&f.file).display().to_string()),
            f.line
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_naked_function_is_found_where_it_is_written() {
        let text = "// a comment may say naked\nconst S: &str = \"naked\";\n\n\
                    #[unsafe(naked)]\npub extern \"C\" fn f() {\n    core::arch::naked_asm!(\"ret\")\n}\n";
        assert_eq!(
            in_text(text),
            vec![(4, FORBIDDEN[0].1), (6, FORBIDDEN[1].1),]
        );
        assert_eq!(
            in_text("#[unsafe(r#naked)] fn f() {}"),
            vec![(1, FORBIDDEN[0].1)]
        );
        assert!(in_text("/// Stays dressed.\npub fn nakedness() {}\n").is_empty());
    }

    #[test]
    fn text_that_is_not_rust_is_searched_by_word() {
        assert_eq!(
            in_text("an \"unclosed string\nglobal_asm\n"),
            vec![(2, FORBIDDEN[2].1)]
        );
    }
}
