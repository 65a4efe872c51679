#!/usr/bin/env python3
"""A newcomer's first command, timed: `cargo run -p grader -- check 03` on a fresh clone.

Clones this repository into a temporary folder, downloads its crates first (`cargo fetch`: the
network is not what is measured), then times the first `check 03` (which compiles the grader,
then tokio and the check API for the harnesses, then the harness), and a second one (nothing to
build). The README's figure for the first build is this script's first line, on an idle 2-core
machine. Prints figures; asserts nothing.

Run from anywhere: python3 bench/first_check.py
The clone (about 1 GB once built) is removed at the end.
"""

import os
import shutil
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(args, cwd, env):
    start = time.perf_counter()
    out = subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    return time.perf_counter() - start, out


def main():
    work = tempfile.mkdtemp(prefix="awaitlings-first-")
    clone = os.path.join(work, "clone")
    # The clone's own target directory and grader state, whatever the caller's environment says.
    env = {k: v for k, v in os.environ.items()
           if k not in ("CARGO_TARGET_DIR", "AWAITLINGS_TARGET_DIR", "AWAITLINGS_COURSE")}
    try:
        subprocess.run(["git", "clone", "-q", ROOT, clone], check=True)
        subprocess.run(["cargo", "fetch", "-q"], cwd=clone, env=env, check=True)
        check = ["cargo", "run", "-q", "-p", "grader", "--", "--color", "never", "check", "03"]
        for label in ["first `check 03` (fresh clone, crates downloaded)", "second `check 03`"]:
            took, out = timed(check, clone, env)
            # A stub fails its checks (exit 1); anything else is the bench's problem to show.
            verdict = "ran" if out.returncode in (0, 1) else f"exit {out.returncode}:\n{out.stdout[-2000:]}"
            print(f"{label}: {took:.1f} s ({verdict})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
