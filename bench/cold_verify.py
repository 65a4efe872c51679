#!/usr/bin/env python3
"""`grader verify` on a course it has never built, timed (issue 17's target: at most 90 s idle).

Copies the course as committed (`git archive HEAD`) to a temporary folder, so the copy has its own
grader state and cargo target, and builds the copy's workspace first (`cargo build --workspace`,
timed apart: what CI's `cargo test` has built before its verify, and what the edition's proof
reuses). Then runs this checkout's grader (`target/debug/grader`, built first) over it: once
cold (no harness built: tokio and the check API for the harnesses, every harness), once warm
(every harness built: verify keeps no results, so what is left is running every check again).
Prints the figures and verify's own last lines; asserts nothing.

Which exercises have a facade (grader/checks/facade/) is printed too: those compile their checks
once for all variants, the others once per variant.

Run from anywhere: python3 bench/cold_verify.py [exercise ...]
The copy (a few GB once built) is removed at the end.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GRADER = os.path.join(ROOT, "target", "debug", "grader")


def main():
    if subprocess.run(["cargo", "build", "-q", "-p", "grader"], cwd=ROOT).returncode != 0:
        sys.exit("could not build the grader")
    work = tempfile.mkdtemp(prefix="awaitlings-verify-")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CARGO_TARGET_DIR", "AWAITLINGS_TARGET_DIR", "AWAITLINGS_COURSE")}
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT,
                                 stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(["tar", "-x", "-C", work], input=archive, check=True)
        facades = sorted(f[:-3] for f in os.listdir(os.path.join(work, "grader/checks/facade"))
                         if f.endswith(".rs")) if os.path.isdir(os.path.join(work, "grader/checks/facade")) else []
        print(f"exercises with a facade: {', '.join(facades) or 'none'}")
        start = time.perf_counter()
        subprocess.run(["cargo", "build", "-q", "--workspace"], cwd=work, env=env, check=True)
        print(f"the copy's own workspace built first (not counted): {time.perf_counter() - start:.1f} s")
        args = [GRADER, "--color", "never", "--course", work, "verify", *sys.argv[1:]]
        labels = ["cold verify (nothing built; target 90 s or less on an idle 2-core machine)",
                  "warm verify (everything built)"]
        for label in labels:
            start = time.perf_counter()
            out = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            took = time.perf_counter() - start
            lines = [l for l in out.stdout.splitlines() if l.strip()]
            tail = [l for l in lines if "PROBLEM" in l] + lines[-3:]
            print(f"{label}: {took:.1f} s, exit {out.returncode}")
            for line in tail:
                print(f"    {line}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
