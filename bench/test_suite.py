#!/usr/bin/env python3
"""The project's own test suite, as a newcomer runs it (a benchmark, not a timed test).

Times `cargo test --workspace` (the README's second command) on a fresh clone of this repository,
cold (nothing built) and then warm, and then runs it N more times while K busy-loop processes
compete for the CPU (default: 4 per core). Prints the cold and warm times and how many loaded
runs passed, with the names of the tests that failed in the others and what each failure said
(its captured output, cut to its last lines): a test whose verdict changes with the machine's load
is a defect, whatever the reason, and the message is what tells the reason.

Run from anywhere: python3 bench/test_suite.py [loaded_runs] [burners]
The clone lives in a temporary folder (several GB once built) removed at the end.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from burners import Burners

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
BURNERS = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * (os.cpu_count() or 2)


def failure_messages(output, keep=40):
    """What each failed test said: libtest's `---- NAME stdout ----` sections, each cut to its
    last `keep` lines (a panic's message and its location are at the end). A section ends at the
    next such header or at the list of failed names that closes the binary's failures."""
    said = {}
    for binary in re.split(r"^test result: ", output, flags=re.M):
        headers = list(re.finditer(r"^---- (\S+) stdout ----$", binary, re.M))
        for i, h in enumerate(headers):
            end = headers[i + 1].start() if i + 1 < len(headers) else binary.rfind("\nfailures:\n")
            body = binary[h.end():end if end > h.end() else len(binary)]
            said[h.group(1)] = body.strip("\n").splitlines()[-keep:]
    return said


def report_failures(output):
    for name, lines in failure_messages(output).items():
        print(f"  ---- {name} said:")
        for line in lines:
            print(f"    {line}")


def suite(clone):
    """One `cargo test --workspace`: (seconds, passed, names of failed tests); what each failed
    test said is printed."""
    start = time.perf_counter()
    out = subprocess.run(["cargo", "test", "--workspace"], cwd=clone,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    took = time.perf_counter() - start
    failed = sorted(set(re.findall(r"^test (\S+) \.\.\. FAILED$", out.stdout, re.M)))
    if out.returncode != 0 and not failed:
        failed = ["(no test failed: " + (out.stdout.strip().splitlines() or ["?"])[-1] + ")"]
    report_failures(out.stdout)
    return took, out.returncode == 0, failed


def main():
    work = tempfile.mkdtemp(prefix="awaitlings-suite-")
    clone = os.path.join(work, "clone")
    try:
        subprocess.run(["git", "clone", "-q", ROOT, clone], check=True)
        cold, ok, failed = suite(clone)
        print(f"cold (fresh clone, nothing built): {cold:.0f} s, {'passed' if ok else 'FAILED ' + ', '.join(failed)}"
              " (target 150 s or less on an idle 2-core machine)")
        warm, ok, failed = suite(clone)
        print(f"warm (run again, nothing changed): {warm:.0f} s, {'passed' if ok else 'FAILED ' + ', '.join(failed)}")
        passed, times, failures = 0, [], {}
        with Burners(BURNERS) as burners:
            for i in range(RUNS):
                took, ok, failed = suite(clone)
                times.append(took)
                passed += ok
                for name in failed:
                    failures[name] = failures.get(name, 0) + 1
                print(f"loaded run {i + 1}: {took:.0f} s, {'passed' if ok else 'FAILED ' + ', '.join(failed)}"
                      f" ({burners.alive()} of {BURNERS} burners still burning)", flush=True)
        median = f"; median {sorted(times)[len(times) // 2]:.0f} s per run" if times else ""
        print(f"{BURNERS} CPU burners on {os.cpu_count()} cores: the suite passed {passed} of {RUNS} runs{median}"
              f" (target: every run)")
        for name, n in sorted(failures.items(), key=lambda kv: -kv[1]):
            print(f"  {name}: failed {n} time(s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
