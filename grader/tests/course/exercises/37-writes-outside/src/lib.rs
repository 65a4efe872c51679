use awaitlings::say;
use std::io::Write;
use std::time::Duration;

/// Tries to write outside the check's own directory: appends to the course's hidden checks
/// (`$COURSE_CHECKS`, which the test names), makes a file in `$HOME` and one in `/tmp`
/// (`$ESCAPE_NAME`), and one beside its working directory's parent's parent (the run's
/// directory, shared by every check process). It answers 42 only if one of them worked.
pub async fn answer() -> u32 {
    say!("thinking");
    let name = std::env::var("ESCAPE_NAME").unwrap_or_else(|_| "awaitlings-escape".into());
    let home = std::env::var("HOME").unwrap_or_default();
    let here = std::env::current_dir().unwrap_or_default();
    let targets = [
        ("course", std::env::var("COURSE_CHECKS").unwrap_or_default().into()),
        ("home", std::path::Path::new(&home).join(&name)),
        ("tmp", std::path::Path::new("/tmp").join(&name)),
        ("run", here.join("../..").join(&name)),
    ];
    let mut wrote = false;
    for (label, path) in targets {
        let result = std::fs::OpenOptions::new()
            .append(true)
            .create(label != "course")
            .open(&path)
            .and_then(|mut f| f.write_all(b"// was here\n"));
        match result {
            Ok(()) => {
                wrote = true;
                say!("wrote {label}");
            }
            Err(e) => say!("denied {label}: {:?}", e.kind()),
        }
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    say!("done");
    if wrote { 42 } else { 41 }
}
