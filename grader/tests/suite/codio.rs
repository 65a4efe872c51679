//! Codio, end to end: classroom/codio/grade.sh itself, run as an Advanced Code Test with partial
//! points runs it (https://docs.codio.com/instructors/authoring/assessments/partial-points.html):
//! with `CODIO_PARTIAL_POINTS_V2_URL` pointing at a stand-in for Codio on loopback, which
//! records what is posted: `points` (a percentage), `feedback` and `format`.
//!
//! These need bash and curl, which a machine with only Rust may lack: `.ci/run` runs them.

use crate::common::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// What the stand-in received: the request line and the form fields of its body.
struct Posted {
    request_line: String,
    content_type: String,
    fields: HashMap<String, String>,
}

/// A stand-in for Codio's partial-points endpoint on 127.0.0.1: answers one request and hands it
/// over. Returns its URL (with a query string, as Codio's has) and the request, once made.
fn codio() -> (String, std::thread::JoinHandle<Posted>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/api/v1/assessment/partial?token=abc",
        listener.local_addr().unwrap()
    );
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let (mut length, mut content_type) = (0, String::new());
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap(),
                "content-type" => content_type = value.trim().to_string(),
                // curl waits for this before a large body.
                "expect" => (&stream)
                    .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                    .unwrap(),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        (&stream)
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
            .unwrap();
        Posted {
            request_line: request_line.trim_end().to_string(),
            content_type,
            fields: form(&String::from_utf8(body).unwrap()),
        }
    });
    (url, handle)
}

/// An `application/x-www-form-urlencoded` body, decoded.
fn form(body: &str) -> HashMap<String, String> {
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    };
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn grade_sh(course: &Path, workspace: &Path, url: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("classroom/codio/grade.sh"))
        .arg("02")
        .env("COURSE", course)
        .env("WORKSPACE", workspace)
        .env("AWAITLINGS_GRADER", env!("CARGO_BIN_EXE_grader"))
        .env("AWAITLINGS_TARGET_DIR", state_dir())
        .env("AWAITLINGS_SEED", "1")
        .env_remove("AWAITLINGS_COURSE")
        .env_remove("CODIO_PARTIAL_POINTS_V2_URL");
    if let Some(url) = url {
        cmd.env("CODIO_PARTIAL_POINTS_V2_URL", url);
    }
    cmd.output().unwrap()
}

#[test]
#[ignore = "needs bash and curl: .ci/run runs it"]
fn grade_sh_posts_a_percentage_and_markdown_with_the_flags() {
    let course = course();
    let home = tempfile::tempdir().unwrap();
    let workspace = home.path().join("workspace");
    copy_course(&workspace);
    // Exercise 02 as handed out (1 of its 3 points), and an edit to the checks: a flag.
    let checks = workspace.join("grader/checks/answer.rs");
    let text = std::fs::read_to_string(&checks).unwrap();
    std::fs::write(&checks, format!("{text}\n// mine\n")).unwrap();

    let (url, posted) = codio();
    let out = grade_sh(course.path(), &workspace, Some(&url));
    assert!(
        out.status.success(),
        "Codio wants exit 0 whatever the grade: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let posted = posted.join().unwrap();
    assert_eq!(
        posted.request_line,
        "POST /api/v1/assessment/partial?token=abc HTTP/1.1"
    );
    assert_eq!(posted.content_type, "application/x-www-form-urlencoded");
    assert_eq!(
        posted.fields["points"], "33",
        "1 of 3 points, as a percentage"
    );
    assert_eq!(posted.fields["format"], "md");
    let feedback = &posted.fields["feedback"];
    assert!(feedback.contains(": 1/3 points"), "{feedback}");
    assert!(
        feedback.contains("- **02 wrong-value answer-is-42**: wrong value"),
        "{feedback}"
    );
    assert!(
        feedback.contains("### Integrity") && feedback.contains("changed grader/checks/answer.rs"),
        "{feedback}"
    );
}

#[test]
#[ignore = "needs bash and curl: .ci/run runs it"]
fn grade_sh_without_partial_points_says_what_to_turn_on() {
    let course = course();
    let out = grade_sh(course.path(), course.path(), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Allow Partial Points"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
