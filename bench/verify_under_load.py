#!/usr/bin/env python3
"""Verdicts under heavy CPU load (a benchmark, not a timed test).

Runs `grader verify` N times while K busy-loop processes compete for the CPU (default: 4 per core),
and prints how many runs found the course sound, and how many distinct reports the runs gave
(1: the same verdicts every time). Every wrong solution's verdict kind is checked by
verify, so a blocked/spinning mix-up under load shows up as a failed run.

Run from anywhere: python3 bench/verify_under_load.py [runs] [burners] [exercise ...]
With exercises named (`10 12`), only theirs are verified: the ones whose verdicts watch the
clock, in a fraction of the whole course's time.
"""

import difflib
import os
import subprocess
import sys
import time

from burners import Burners

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
BURNERS = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * (os.cpu_count() or 2)
EXERCISES = sys.argv[3:]
GRADER = os.path.join(ROOT, "target", "debug", "grader")


def verify():
    return [GRADER, "--color", "never", "verify", *EXERCISES]


def main():
    build = subprocess.run(["cargo", "build", "-q", "-p", "grader"], cwd=ROOT)
    if build.returncode != 0:
        sys.exit("could not build the grader")
    subprocess.run(verify(), cwd=ROOT, stdout=subprocess.DEVNULL)  # warm: the runs time verdicts, not builds
    sound, times, outputs = 0, [], []
    with Burners(BURNERS) as burners:
        for i in range(RUNS):
            start = time.perf_counter()
            out = subprocess.run(verify(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            times.append(time.perf_counter() - start)
            # Every verdict verify prints, without the line of timings: identical runs, one entry.
            report = "\n".join(l for l in out.stdout.splitlines() if not l.startswith("Simulated"))
            if report not in outputs:
                outputs.append(report)
            burning = f"{burners.alive()} of {BURNERS} burners still burning"
            if out.returncode == 0:
                sound += 1
                print(f"run {i + 1}: sound in {times[-1]:.0f} s ({burning})", flush=True)
            else:
                print(f"run {i + 1}: not sound ({burning})")
                print("\n".join(l for l in out.stdout.splitlines() if "PROBLEM" in l), flush=True)
    which = f"verify {' '.join(EXERCISES)}" if EXERCISES else "verify"
    print(f"{BURNERS} CPU burners on {os.cpu_count()} cores: {which} found the course sound in "
          f"{sound} of {RUNS} runs; median {sorted(times)[len(times) // 2]:.1f} s per verify; "
          f"{len(outputs)} distinct report(s) over the {RUNS} runs")
    # What differs, so that a second report is read, not only counted.
    for i, other in enumerate(outputs[1:], start=2):
        diff = difflib.unified_diff(outputs[0].splitlines(), other.splitlines(), "report 1",
                                    f"report {i}", n=0, lineterm="")
        print("\n".join(list(diff)[:20]))


if __name__ == "__main__":
    main()
