#!/usr/bin/env python3
"""Benchmarks the grader. Prints figures; asserts nothing.

1. Warm `grader check 03` (nothing changed since the last build) against running the same compiled
   checks by hand (the harness binary, once per check, one after another), as a ratio. Target: 1.3x
   or better.
2. Warm `grader check` of every exercise.
3. Virtual time simulated per second of real time over the solutions' whole check suite.

Run from anywhere: python3 bench/warm_check.py [runs]
"""

import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
GRADER = os.path.join(ROOT, "target", "debug", "grader")
HARNESSES = os.path.join(ROOT, "target", "awaitlings", "cargo", "debug")


def sh(args, **kw):
    return subprocess.run(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def timed(fn, runs=RUNS):
    """Median wall time of fn() over `runs` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def harness(slug, variant):
    found = sorted(glob.glob(os.path.join(HARNESSES, f"check-{slug}-{variant}-*")))
    found = [f for f in found if os.access(f, os.X_OK) and not f.endswith(".d")]
    if not found:
        sys.exit(f"no harness for {slug} ({variant}): run the grader once first")
    return found[0]


def fields(text, header):
    """Decodes the grader's protocol encoding (awaitlings-check's protocol::Fields)."""
    assert text.startswith(header + "\n"), text[:80]
    rest, out = text[len(header) + 1:].encode(), []
    while rest:
        head, rest = rest.split(b"\n", 1)
        key, n = head.decode().split(" ")
        out.append((key, rest[:int(n)].decode()))
        rest = rest[int(n) + 1:]
    return out


def encode(header, pairs):
    return header + "\n" + "".join(f"{k} {len(v.encode())}\n{v}\n" for k, v in pairs)


def run_by_hand(binary, scratch):
    """Every check of `binary`, one process each, one after another, each given its job on stdin
    as the grader gives it; returns the total virtual ms."""
    listing = fields(sh([binary, "list"]).stdout, "awaitlings-list 1")
    names = [v for k, v in listing if k == "check"]
    fixtures = []
    fixture_dir = os.path.join(ROOT, "fixtures", slug_of(binary))
    for f in sorted(glob.glob(os.path.join(fixture_dir, "*.txt"))):
        with open(f) as fh:
            fixtures += [("fixture", os.path.basename(f)[:-4]), ("text", fh.read())]
    virtual_ms = 0.0
    for i, name in enumerate(names):
        report = os.path.join(scratch, f"r{i}")
        job = encode("awaitlings-job 1", [("report", report), ("nonce", "bench"), ("blocked_ms", "300"),
                                          ("memory_bytes", str(1 << 30)), ("transcript_cap", "10000")] + fixtures)
        subprocess.run([binary, "run", name], input=job, text=True, cwd=scratch,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(report) as f:
            virtual_ms += float(dict(fields(f.read(), "awaitlings-report 2"))["virtual_ms"])
    return virtual_ms


def slug_of(binary):
    name = os.path.basename(binary)[len("check-"):]
    for variant in ("-student-", "-solution-"):
        if variant in name:
            return name.split(variant)[0]
    raise ValueError(name)


def main():
    build = sh(["cargo", "build", "-q", "-p", "grader"])
    if build.returncode != 0:
        sys.exit(build.stderr)
    # Warm up: builds (or confirms) every harness, for the stubs and the solutions.
    sh([GRADER, "check"])
    sh([GRADER, "verify"])

    with tempfile.TemporaryDirectory() as scratch:
        student03 = harness("interleaved-tasks", "student")
        grader_03 = timed(lambda: sh([GRADER, "--color", "never", "check", "03"]))
        grader_03_j1 = timed(lambda: sh([GRADER, "--color", "never", "-j", "1", "check", "03"]))
        by_hand_03 = timed(lambda: run_by_hand(student03, scratch))
        print(f"warm `grader check 03`          median of {RUNS}: {grader_03 * 1000:7.1f} ms")
        print(f"warm `grader -j 1 check 03`     median of {RUNS}: {grader_03_j1 * 1000:7.1f} ms")
        print(f"same checks by hand (serial)    median of {RUNS}: {by_hand_03 * 1000:7.1f} ms")
        print(f"ratio grader / by hand:  {grader_03 / by_hand_03:.2f}x   (-j 1: {grader_03_j1 / by_hand_03:.2f}x; target 1.3x or better)")

        all_warm = timed(lambda: sh([GRADER, "--color", "never", "check"]), runs=max(3, RUNS // 4))
        print(f"warm `grader check` (all exercises): {all_warm * 1000:7.1f} ms")

        solutions = sorted(glob.glob(os.path.join(HARNESSES, "check-*-solution-*")))
        solutions = [s for s in solutions if os.access(s, os.X_OK) and not s.endswith(".d")
                     and os.path.isdir(os.path.join(ROOT, "fixtures", slug_of(s)))]
        start = time.perf_counter()
        virtual_ms = sum(run_by_hand(s, scratch) for s in solutions)
        real = time.perf_counter() - start
        print(f"solutions' check suite: {virtual_ms / 1000:.3f} s of virtual time in {real:.3f} s of real time "
              f"= {virtual_ms / 1000 / real:.0f} virtual seconds per real second ({len(solutions)} exercises)")


if __name__ == "__main__":
    main()
