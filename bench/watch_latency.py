#!/usr/bin/env python3
"""Benchmarks watch mode. Prints figures; asserts nothing.

Save-to-verdict latency: in a scratch copy of the course (exercise 03 solved), `grader watch 03`
runs; each round changes the student's lib.rs (a new constant, so rustc really recompiles) and
times from the write to the end of watch's report. The baselines are the same edit followed by
`cargo build -p interleaved-tasks` (the student's crate as `cargo run` builds it: the library
and its demo binary, linked with tokio) and by `cargo build -p interleaved-tasks --lib` (the
library only: the least any checker must compile). `grader check 03` after the same edit is
shown too. Target: watch within 1.3x of compiling the crate.

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

    subprocess.run(["cargo", "build", "-q", "-p", CRATE], cwd=course, env=env, check=True)

    def after_each_edit(args, base):
        times = []
        for n in range(ROUNDS):
            time.sleep(0.5)  # the same pause as between two saves in watch, for a fair start
            edit(lib, base + n)
            start = time.perf_counter()
            subprocess.run(args, cwd=course, env=env, stdout=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - start)
        return times

    crate = after_each_edit(["cargo", "build", "-q", "-p", CRATE], 1000)
    alone = after_each_edit(["cargo", "build", "-q", "-p", CRATE, "--lib"], 2000)
    check = after_each_edit([grader, "check", "03"], 3000)

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

    def line(what, times):
        print(f"{what:<46} median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f})")

    print(f"rounds: {ROUNDS}, each after a real edit of {EXERCISE}/src/lib.rs")
    line(f"cargo build -p {CRATE}", crate)
    line(f"cargo build -p {CRATE} --lib", alone)
    line("grader check 03 (a new process)", check)
    line("grader watch 03, save to verdict", watch)
    w = statistics.median(watch)
    print(f"ratio watch / cargo build -p {CRATE}: {w / statistics.median(crate):.2f}x "
          f"(target 1.3x or better)")
    print(f"ratio watch / the library alone: {w / statistics.median(alone):.2f}x")
    shutil.rmtree(course, ignore_errors=True)


if __name__ == "__main__":
    main()
