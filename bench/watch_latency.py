#!/usr/bin/env python3
"""Benchmarks watch mode. Prints figures; asserts nothing.

Save-to-verdict latency: in a scratch copy of the course (exercise 03 solved), `grader watch 03`
runs; each round changes the student's lib.rs (a new constant, so rustc really recompiles) and
times from the write to the end of watch's report. The baseline is the same edit followed by
`cargo build -p interleaved-tasks --lib`: compiling the student's crate alone, the least any
checker must do. Target: watch within 1.3x of the baseline.

Run from anywhere: python3 bench/watch_latency.py [rounds]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 12
EXERCISE = "03-interleaved-tasks"
CRATE = "interleaved-tasks"
FOOTER = f"Watching exercises/{EXERCISE}/".encode()


def scratch_course():
    """A copy of the committed course with exercise 03 solved, and its own target directory."""
    dest = tempfile.mkdtemp(prefix="awaitlings-watch-bench-")
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE, check=True)
    subprocess.run(["tar", "-x", "-C", dest], input=archive.stdout, check=True)
    shutil.copy(os.path.join(ROOT, "solutions", EXERCISE, "src", "lib.rs"),
                os.path.join(dest, "exercises", EXERCISE, "src", "lib.rs"))
    return dest


def edit(lib, n):
    """A real change: a new public constant (a comment alone may be cheaper for rustc)."""
    with open(lib) as f:
        text = f.read().split("\n// bench edit")[0]
    with open(lib, "w") as f:
        f.write(f"{text}\n// bench edit\npub const BENCH_EDIT: u32 = {n};\n")


def main():
    course = scratch_course()
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(course, "target"), NO_COLOR="1")
    env.pop("AWAITLINGS_TARGET_DIR", None)
    env.pop("AWAITLINGS_COURSE", None)
    lib = os.path.join(course, "exercises", EXERCISE, "src", "lib.rs")
    print(f"scratch course: {course}")
    print("building the grader and the first harness (not timed)...", flush=True)
    subprocess.run(["cargo", "build", "-q", "-p", "grader"], cwd=course, env=env, check=True)
    grader = os.path.join(course, "target", "debug", "grader")
    subprocess.run([grader, "check", "03"], cwd=course, env=env, stdout=subprocess.DEVNULL, check=True)
    subprocess.run(["cargo", "build", "-q", "-p", CRATE, "--lib"], cwd=course, env=env, check=True)

    # Baseline: the same edits, compiled alone.
    alone = []
    for n in range(ROUNDS):
        edit(lib, 1000 + n)
        start = time.perf_counter()
        subprocess.run(["cargo", "build", "-q", "-p", CRATE, "--lib"], cwd=course, env=env, check=True)
        alone.append(time.perf_counter() - start)

    # Watch: one process, one save per round.
    proc = subprocess.Popen([grader, "watch", "03"], cwd=course, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = []
    footers = threading.Semaphore(0)

    def read():
        buf = b""
        for chunk in iter(lambda: proc.stdout.read1(65536), b""):
            buf += chunk
            while FOOTER in buf:
                buf = buf[buf.index(FOOTER) + len(FOOTER):]
                seen.append(time.perf_counter())
                footers.release()

    threading.Thread(target=read, daemon=True).start()
    if not footers.acquire(timeout=300):
        sys.exit("watch never printed its first report")
    watch = []
    for n in range(ROUNDS):
        time.sleep(0.5)  # let the folder settle, as between two real saves
        edit(lib, n)
        start = time.perf_counter()
        if not footers.acquire(timeout=300):
            sys.exit(f"no report after save {n}")
        watch.append(seen[-1] - start)
    proc.stdin.write(b"q")
    proc.stdin.flush()
    proc.wait(timeout=60)

    a, w = statistics.median(alone), statistics.median(watch)
    print(f"rounds: {ROUNDS}")
    print(f"cargo build -p {CRATE} --lib after an edit: median {a:.3f} s "
          f"(min {min(alone):.3f}, max {max(alone):.3f})")
    print(f"grader watch 03, save to verdict:             median {w:.3f} s "
          f"(min {min(watch):.3f}, max {max(watch):.3f})")
    print(f"ratio watch / compile alone: {w / a:.2f}x (target 1.3x or better)")
    shutil.rmtree(course, ignore_errors=True)


if __name__ == "__main__":
    main()
