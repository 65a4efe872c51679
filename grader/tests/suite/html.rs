//! `grade --html DIR`, end to end: a small class of the test course (one student's folder named
//! to inject markup, one whose transcript does), graded into a static site. Its pages exist,
//! every link and picture resolves to a file (and every `#fragment` to an id), student text is
//! text, and the groups come wrong-first with their pictures and diffs.
//!
//! `a_real_browser_renders_the_report` opens the site in headless Chromium (Debian's `chromium`
//! package, which a machine with only Rust lacks: it is `#[ignore]`d, and `.ci/run` installs
//! Chromium and runs it) over the DevTools protocol, and checks what only a browser can say: the
//! pages render, the pictures load with a size, the sort script runs, and nothing is logged as an
//! error (a failed load, a script error, a Content-Security-Policy violation).

use crate::common::*;
use predicates::prelude::PredicateBooleanExt;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A folder name that is markup, and one that breaks out of an attribute.
const IMG: &str = "<img src=x onerror=alert(1)>";
const QUOTE: &str = "\"'><script>alert(2)<";
/// What a hostile submission's main scenario says.
const SAYS: &str = "</pre><script>alert(3)</script>";

/// The class: `ana` (the test course as shipped: 02 returns 41, 48 fails its hidden check, 35
/// passes); `Ana` (the same, a name equal to ana's but for case); `ben` and `cy` (02 right, 35's
/// `tock` a step of 400 ms: wrong order, one group of two); and the two hostile names, ana's
/// copies but for [`QUOTE`]'s 35, which says [`SAYS`] first.
fn class() -> tempfile::TempDir {
    let class = tempfile::tempdir().unwrap();
    for name in ["ana", "Ana", "ben", "cy", IMG, QUOTE] {
        let dir = class.path().join(name);
        copy_course(&dir);
        let two = dir.join("exercises/35-two-tasks/src/lib.rs");
        let code = std::fs::read_to_string(&two).unwrap();
        match name {
            "ben" | "cy" => {
                std::fs::write(
                    dir.join("exercises/02-wrong-value/src/lib.rs"),
                    "pub async fn answer() -> u32 {\n    awaitlings::say!(\"thinking\");\n    \
                     tokio::time::sleep(std::time::Duration::from_secs(1)).await;\n    \
                     awaitlings::say!(\"done\");\n    42\n}\n",
                )
                .unwrap();
                std::fs::write(
                    &two,
                    code.replace("(\"tock\", 500, 3)", "(\"tock\", 400, 3)"),
                )
                .unwrap();
            }
            QUOTE => std::fs::write(
                &two,
                code.replace(
                    "say!(\"start\");",
                    &format!("say!(\"{}\");", SAYS.replace('"', "\\\"")),
                ),
            )
            .unwrap(),
            _ => {}
        }
    }
    class
}

/// Grades `class` on exercises 02, 35 and 48 with `--html site`.
fn grade_html(class: &Path, site: &Path) {
    let instructor = course();
    let mut submissions: Vec<PathBuf> = std::fs::read_dir(class)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    submissions.sort();
    grader(instructor.path())
        .arg("grade")
        .args(&submissions)
        .args(["-e", "2", "-e", "35", "-e", "48", "--html"])
        .arg(site)
        .assert()
        .success()
        .stdout(predicates::str::contains(format!(
            "The class report: {}",
            site.join("index.html").display()
        )));
}

/// Every page of the site, by its path relative to the site.
fn pages(site: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for sub in ["", "exercises", "students"] {
        for entry in std::fs::read_dir(site.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "html") {
                let rel = path
                    .strip_prefix(site)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    out
}

/// The values of every `name="..."` attribute in `html`. Sound for these pages: every value is
/// escaped, so none holds a `"`.
fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let key = format!(" {name}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn the_class_report_links_every_page_and_picture_and_keeps_student_text_as_text() {
    let class = class();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("report");
    grade_html(class.path(), &site);

    let pages = pages(&site);
    let names: BTreeSet<&str> = pages.keys().map(String::as_str).collect();
    for page in [
        "index.html",
        "exercises/02-wrong-value.html",
        "exercises/35-two-tasks.html",
        "exercises/48-hidden-checks.html",
        // In the order of the submissions: `Ana` sorts first.
        "students/Ana.html",
        "students/ana-2.html",
        "students/ben.html",
        "students/cy.html",
        "students/_img_src_x_onerror_alert_1__.html",
        "students/____script_alert_2__.html",
    ] {
        assert!(names.contains(page), "no {page} in {names:?}");
    }
    assert_eq!(names.len(), 10, "{names:?}");

    // Every link and picture is a file of the site, and every #fragment an id of its page.
    for (page, html) in &pages {
        let dir = site.join(page).parent().unwrap().to_path_buf();
        let mut targets = attributes(html, "href");
        targets.extend(attributes(html, "src"));
        assert!(!targets.is_empty(), "{page} links nothing");
        for target in targets {
            assert!(
                !target.contains("://") && !target.starts_with('/'),
                "{page} links outside the site: {target}"
            );
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let path = if file.is_empty() {
                site.join(page)
            } else {
                dir.join(file)
            };
            assert!(
                path.is_file(),
                "{page} links {target}: no {}",
                path.display()
            );
            if !fragment.is_empty() && path.extension().is_some_and(|e| e == "html") {
                let linked = std::fs::read_to_string(&path).unwrap();
                assert!(
                    linked.contains(&format!(" id=\"{fragment}\"")),
                    "{page} links {target}: no id {fragment} there"
                );
            }
        }
    }

    // Student text is text: the only elements are ours.
    for (page, html) in &pages {
        let scripts: Vec<&str> = html.matches("<script").collect();
        let expected = usize::from(page == "index.html");
        assert_eq!(scripts.len(), expected, "{page}: {html}");
        for raw in ["<img src=x", "alert(1)>", "\"'>", "</pre><script>"] {
            assert!(!html.contains(raw), "{page} holds {raw:?} raw:\n{html}");
        }
        for src in attributes(html, "src") {
            assert!(
                src.ends_with(".svg") || src.ends_with("sort.js"),
                "{page}: {src}"
            );
        }
    }
    let index = &pages["index.html"];
    assert!(
        index.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{index}"
    );
    assert!(
        index.contains("&quot;&#39;&gt;&lt;script&gt;alert(2)&lt;"),
        "{index}"
    );
    let two = &pages["exercises/35-two-tasks.html"];
    assert!(
        two.contains("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;"),
        "the hostile transcript is in the diff, as text:\n{two}"
    );

    // The groups: the biggest wrong one first (ben and cy: wrong order), then QUOTE's, then the
    // passing one; each wrong group with its picture and its diff.
    let g1 = &two[two.find("id=\"g1\"").unwrap()..two.find("id=\"g2\"").unwrap()];
    assert!(g1.contains("2 students: wrong order"), "{g1}");
    assert!(
        g1.contains(">ben</a>, <a") && g1.contains(">cy</a>"),
        "{g1}"
    );
    assert!(g1.contains("<img src=\"35-two-tasks/g1.svg\""), "{g1}");
    assert!(
        g1.contains(r#"<span class="del">-   0.500s  tock 1</span>"#)
            && g1.contains(r#"<span class="ins">+   0.400s  tock 1</span>"#),
        "{g1}"
    );
    let last = &two[two.rfind("<section").unwrap()..];
    assert!(
        last.contains("class=\"group pass\"") && last.contains("main scenario passes"),
        "{last}"
    );
    // Every picture is well-formed SVG; the wrong group's draws the expected run above its own.
    let pictures: Vec<PathBuf> = std::fs::read_dir(site.join("exercises/35-two-tasks"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(pictures.len() >= 3, "{pictures:?}");
    for p in &pictures {
        let text = std::fs::read_to_string(p).unwrap();
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{} is not XML ({e})", p.display()));
        assert!(doc.descendants().all(|n| !n.has_tag_name("script")));
    }
    let g1_svg = std::fs::read_to_string(site.join("exercises/35-two-tasks/g1.svg")).unwrap();
    let titles: Vec<&str> = ["expected", "2 students (wrong order)"]
        .into_iter()
        .filter(|t| g1_svg.contains(&format!(">{t}</text>")))
        .collect();
    assert_eq!(titles.len(), 2, "{g1_svg}");
    let hostile_svg = std::fs::read_to_string(site.join("exercises/35-two-tasks/g2.svg")).unwrap();
    assert!(
        hostile_svg.contains("&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;"),
        "{hostile_svg}"
    );

    // A student's page: every failing check's report, the hidden one's in full, with the
    // check's hints.
    let ana = &pages["students/Ana.html"];
    assert!(ana.contains("<strong>6/"), "{ana}");
    let hidden = &ana[ana.find("<code>answer-takes-a-second</code>").unwrap()..];
    assert!(
        hidden.contains("<span class=\"badge\">hidden</span>") && hidden.contains("never waited"),
        "{hidden}"
    );
    assert!(
        !ana.contains("its details are in your instructor"),
        "the instructor's report withholds nothing:\n{ana}"
    );
    assert!(
        ana.contains("The answer is one more than yours."),
        "02's check hints: {ana}"
    );
    assert!(ana.contains("wrong value"), "{ana}");
}

#[test]
fn a_folder_that_is_not_a_report_is_refused_before_grading() {
    let instructor = course();
    let out = tempfile::tempdir().unwrap();
    std::fs::write(out.path().join("notes.txt"), "mine").unwrap();
    grader(instructor.path())
        .arg("grade")
        .arg(instructor.path())
        .args(["-e", "1", "--html"])
        .arg(out.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("not a class report"))
        .stderr(predicates::str::contains("grading with seed").not());
    assert_eq!(
        std::fs::read_to_string(out.path().join("notes.txt")).unwrap(),
        "mine"
    );
    // The reports of --out in the same folder would be "files that are not a report" once
    // written: said before grading too.
    let same = out.path().join("same");
    grader(instructor.path())
        .arg("grade")
        .arg(instructor.path())
        .args(["-e", "1", "--out"])
        .arg(&same)
        .arg("--html")
        .arg(&same)
        .assert()
        .failure()
        .stderr(predicates::str::contains(
            "--html and --out name the same folder",
        ))
        .stderr(predicates::str::contains("grading with seed").not());
}

/// A result `grade` kept (its submission unchanged since the last grade) is read back from its
/// JSON, which says which task said each line: the class report drawn from it has a lane per
/// task, as the one drawn from a fresh run has.
#[test]
fn kept_results_draw_their_lanes_in_the_class_report() {
    let instructor = course();
    let state = fresh_state();
    let class = tempfile::tempdir().unwrap();
    let ben = class.path().join("ben");
    copy_course(&ben);
    let two = ben.join("exercises/35-two-tasks/src/lib.rs");
    let code = std::fs::read_to_string(&two).unwrap();
    std::fs::write(
        &two,
        code.replace("(\"tock\", 500, 3)", "(\"tock\", 400, 3)"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    for (run, kept) in [("fresh", 0), ("kept", 1)] {
        let site = out.path().join(run);
        grader(instructor.path())
            .env("AWAITLINGS_TARGET_DIR", state.path())
            .arg("grade")
            .arg(&ben)
            .args(["-e", "35", "--html"])
            .arg(&site)
            .assert()
            .success()
            .stdout(predicates::str::contains(format!(
                "({kept} unchanged since the last grade, kept)"
            )));
        let svg = std::fs::read_to_string(site.join("exercises/35-two-tasks/g1.svg")).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        for lane in ["main", "tick", "tock"] {
            assert!(
                texts.contains(&lane),
                "{run}: no lane {lane:?} in {texts:?}"
            );
        }
    }
}

#[test]
#[ignore = "needs Chromium (Debian: apt-get install -y chromium), which .ci/run installs; run with -- --ignored"]
fn a_real_browser_renders_the_report() {
    let class = class();
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("report");
    grade_html(class.path(), &site);
    let site = site.canonicalize().unwrap();

    let mut browser = cdp::Browser::launch();
    let mut queue = vec![site.join("index.html")];
    let mut seen = BTreeSet::new();
    while let Some(page) = queue.pop() {
        if !seen.insert(page.clone()) {
            continue;
        }
        let url = format!("file://{}", page.display());
        let (facts, trouble) = browser.open(&url);
        assert!(trouble.is_empty(), "{url}: {trouble:#?}");
        // It rendered: a heading, and (the class, a student's exercises) a table.
        assert_eq!(facts["headings"], 1, "{url}: {facts:#}");
        if !page.parent().unwrap().ends_with("exercises") {
            let tables = facts["tables"].as_u64().unwrap();
            assert!(tables >= 1, "{url} has no table: {facts:#}");
        }
        for img in facts["images"].as_array().unwrap() {
            assert!(
                img["complete"] == true
                    && img["w"].as_f64().unwrap() > 0.0
                    && img["h"].as_f64().unwrap() > 0.0
                    && img["shown"].as_f64().unwrap() > 0.0,
                "{url}: a picture that does not show: {img:#}"
            );
        }
        assert_eq!(facts["injected"], 0, "{url}: {facts:#}");
        for link in facts["links"].as_array().unwrap() {
            let link = link.as_str().unwrap();
            let file = link.strip_prefix("file://").unwrap_or_else(|| {
                panic!("{url} links outside the disk: {link}");
            });
            let file = file.split('#').next().unwrap();
            let path = PathBuf::from(percent_decoded(file));
            assert!(path.is_file(), "{url} links {link}: no such file");
            if path.extension().is_some_and(|e| e == "html") {
                queue.push(path);
            }
        }
        if page.ends_with("index.html") {
            assert_eq!(facts["rows"], 6, "{facts:#}");
            // The script ran: every heading has its sort button.
            assert!(facts["sort_buttons"].as_u64().unwrap() >= 5, "{facts:#}");
            let totals = browser.evaluate(
                "(() => { const th = [...document.querySelectorAll('table.class thead th')]\
                 .find(h => h.textContent.startsWith('total')); th.querySelector('button').click(); \
                 return [...document.querySelectorAll('table.class tbody td.total')]\
                 .map(td => Number(td.dataset.v)); })()",
            );
            let totals: Vec<u64> = totals
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            let mut sorted = totals.clone();
            sorted.sort_by(|a, b| b.cmp(a));
            assert_eq!(totals, sorted, "sorted by total, highest first");
            assert!(totals[0] > totals[totals.len() - 1], "{totals:?}");
        }
    }
    // index, three exercises, six students.
    assert_eq!(seen.len(), 10, "{seen:#?}");
    let trouble = browser.close();
    assert!(trouble.is_empty(), "{trouble:#?}");
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// A small client of the Chrome DevTools Protocol over `--remote-debugging-pipe` (the browser
/// reads commands from fd 3 and writes replies and events to fd 4, each message JSON ended by a
/// NUL: Chromium's components/devtools/devtools_pipe/devtools_pipe.h (`kReadFD = 3`,
/// `kWriteFD = 4`, as content/browser/devtools/devtools_pipe_handler.cc reads them); the methods
/// and events are https://chromedevtools.github.io/devtools-protocol/ (Target, Page, Runtime,
/// Log). A browser run without those fds open exits at once with "Remote debugging pipe file
/// descriptors are not open".
mod cdp {
    use serde_json::{Value, json};
    use std::io::{BufRead, BufReader, Write};
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc::{Receiver, channel};
    use std::time::Duration;

    /// A guard against a browser that never answers: far longer than any page here takes, so it
    /// only turns a hang into a failure that says so.
    const HANG: Duration = Duration::from_secs(120);

    pub struct Browser {
        child: Child,
        to: std::fs::File,
        from: Receiver<Value>,
        next: u64,
        session: String,
        /// Errors seen so far: console errors, exceptions, failed loads, dialogs.
        trouble: Vec<String>,
        _profile: tempfile::TempDir,
    }

    #[allow(unsafe_code)]
    fn pipe() -> (OwnedFd, OwnedFd) {
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills two new descriptors, which we then own.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
    }

    impl Browser {
        pub fn launch() -> Browser {
            use std::os::fd::AsRawFd;
            let profile = tempfile::tempdir().unwrap();
            let (their_in, our_out) = pipe();
            let (our_in, their_out) = pipe();
            let (cin, cout) = (their_in.as_raw_fd(), their_out.as_raw_fd());
            let program = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
            let mut cmd = Command::new(&program);
            cmd.args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-pipe",
                "--window-size=1400,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Kept, for a failure to show: the browser logs much that is no error of the page's
            // (D-Bus, which a container lacks), so the page's errors come from the protocol.
            .stderr(std::fs::File::create(profile.path().join("stderr.txt")).unwrap());
            // SAFETY: only fcntl and dup2 between fork and exec. The pipe's ends may themselves
            // be fds 3 or 4 (then a dup2 onto itself would keep close-on-exec, or one end would
            // overwrite the other): each is first copied above 10, then onto 3 and 4, and dup2
            // clears close-on-exec on its copy.
            #[allow(unsafe_code)]
            unsafe {
                cmd.pre_exec(move || {
                    let high_in = libc::fcntl(cin, libc::F_DUPFD_CLOEXEC, 10);
                    let high_out = libc::fcntl(cout, libc::F_DUPFD_CLOEXEC, 10);
                    if high_in < 0
                        || high_out < 0
                        || libc::dup2(high_in, 3) < 0
                        || libc::dup2(high_out, 4) < 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            let child = cmd.spawn().unwrap_or_else(|e| {
                panic!("cannot run {program} ({e}): install Chromium (apt-get install -y chromium) or set CHROMIUM")
            });
            drop((their_in, their_out));
            let (tx, rx) = channel();
            let reader = std::fs::File::from(our_in);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(reader);
                let mut buf = Vec::new();
                while reader.read_until(0, &mut buf).unwrap_or(0) > 0 {
                    if buf.last() == Some(&0) {
                        buf.pop();
                    }
                    if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                        && tx.send(v).is_err()
                    {
                        break;
                    }
                    buf.clear();
                }
            });
            let mut b = Browser {
                child,
                to: std::fs::File::from(our_out),
                from: rx,
                next: 0,
                session: String::new(),
                trouble: Vec::new(),
                _profile: profile,
            };
            let target = b.call("Target.createTarget", json!({"url": "about:blank"}), false);
            let target = target["targetId"].as_str().unwrap().to_string();
            let attached = b.call(
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
                false,
            );
            b.session = attached["sessionId"].as_str().unwrap().to_string();
            for domain in ["Page.enable", "Runtime.enable", "Log.enable"] {
                b.call(domain, json!({}), true);
            }
            b
        }

        /// Sends a command (to the page's session, or the browser) and waits for its reply,
        /// noting every event meanwhile.
        fn call(&mut self, method: &str, params: Value, page: bool) -> Value {
            self.next += 1;
            let id = self.next;
            let mut msg = json!({"id": id, "method": method, "params": params});
            if page {
                msg["sessionId"] = json!(self.session);
            }
            let mut bytes = serde_json::to_vec(&msg).unwrap();
            bytes.push(0);
            if let Err(e) = self.to.write_all(&bytes) {
                panic!("the browser is gone ({e}); it said:\n{}", self.stderr());
            }
            loop {
                let v = self.receive(method);
                if v["id"] == id {
                    assert!(v.get("error").is_none(), "{method}: {v}");
                    return v["result"].clone();
                }
            }
        }

        fn receive(&mut self, waiting_for: &str) -> Value {
            let v = self.from.recv_timeout(HANG).unwrap_or_else(|_| {
                panic!(
                    "the browser did not answer {waiting_for}; it said:\n{}",
                    self.stderr()
                )
            });
            self.note(&v);
            v
        }

        fn stderr(&self) -> String {
            std::fs::read_to_string(self._profile.path().join("stderr.txt")).unwrap_or_default()
        }

        /// Keeps what an event says went wrong.
        fn note(&mut self, v: &Value) {
            let p = &v["params"];
            match v["method"].as_str().unwrap_or("") {
                "Runtime.exceptionThrown" => self.trouble.push(format!("exception: {p}")),
                "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => self
                    .trouble
                    .push(format!("console.{}: {}", p["type"], p["args"])),
                "Log.entryAdded" if p["entry"]["level"] == "error" => {
                    self.trouble.push(format!("log: {}", p["entry"]["text"]));
                }
                "Page.javascriptDialogOpening" => {
                    self.trouble.push(format!("a dialog opened: {p}"));
                }
                _ => {}
            }
        }

        /// Opens `url`, waits for its load event (which waits for its pictures), and returns what
        /// the page holds and what went wrong while it loaded.
        pub fn open(&mut self, url: &str) -> (Value, Vec<String>) {
            self.trouble.clear();
            self.call("Page.navigate", json!({"url": url}), true);
            loop {
                let v = self.receive("Page.loadEventFired");
                if v["method"] == "Page.loadEventFired" {
                    break;
                }
            }
            let facts = self.evaluate(
                "(() => ({ \
                   headings: document.querySelectorAll('main h1').length, \
                   tables: document.querySelectorAll('table').length, \
                   rows: document.querySelectorAll('table.class tbody tr').length, \
                   sort_buttons: document.querySelectorAll('button.sort').length, \
                   images: [...document.images].map(i => ({ src: i.src, complete: i.complete, \
                     w: i.naturalWidth, h: i.naturalHeight, shown: i.getBoundingClientRect().width })), \
                   links: [...document.querySelectorAll('a[href]')].map(a => a.href), \
                   injected: document.querySelectorAll('[onerror], [onload], script:not([src$=\"sort.js\"])').length \
                 }))()",
            );
            (facts, std::mem::take(&mut self.trouble))
        }

        pub fn evaluate(&mut self, expression: &str) -> Value {
            let r = self.call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true}),
                true,
            );
            assert!(r.get("exceptionDetails").is_none(), "{expression}: {r}");
            r["result"]["value"].clone()
        }

        /// Closes the browser; what went wrong since the last page.
        pub fn close(mut self) -> Vec<String> {
            // The browser may be gone before it replies: no reply is awaited.
            self.next += 1;
            let mut bytes =
                serde_json::to_vec(&json!({"id": self.next, "method": "Browser.close"})).unwrap();
            bytes.push(0);
            let _ = self.to.write_all(&bytes);
            let _ = self.child.wait();
            while let Ok(v) = self.from.try_recv() {
                self.note(&v);
            }
            std::mem::take(&mut self.trouble)
        }
    }

    impl Drop for Browser {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
