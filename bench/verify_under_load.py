#!/usr/bin/env python3
"""Verdicts under heavy CPU load (a benchmark, not a timed test).

Runs `grader verify` N times while K busy-loop processes compete for the CPU (default: 4 per core),
and prints how many runs found the course sound, and how many distinct reports the runs gave
(1: the same verdicts every time). Every wrong solution's verdict kind is checked by
verify, so a blocked/spinning mix-up under load shows up as a failed run.

Run from anywhere: python3 bench/verify_under_load.py [runs] [burners]
"""

import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
BURNERS = int(sys.argv[2]) if len(sys.argv) > 2 else 4 * (os.cpu_count() or 2)
GRADER = os.path.join(ROOT, "target", "debug", "grader")


def main():
    build = subprocess.run(["cargo", "build", "-q", "-p", "grader"], cwd=ROOT)
    if build.returncode != 0:
        sys.exit("could not build the grader")
    subprocess.run([GRADER, "--color", "never", "verify"], cwd=ROOT, stdout=subprocess.DEVNULL)  # warm
    # Each burner is a process group of its own, killed whole at the end (killing `timeout` alone
    # would leave its shell burning), and stops by itself after 10 minutes whatever happens here.
    burners = [subprocess.Popen(["timeout", "600", "sh", "-c", "while :; do :; done"], start_new_session=True)
               for _ in range(BURNERS)]
    sound, times, outputs = 0, [], set()
    try:
        for i in range(RUNS):
            start = time.perf_counter()
            out = subprocess.run([GRADER, "--color", "never", "verify"], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            times.append(time.perf_counter() - start)
            # Every verdict verify prints, without the line of timings: identical runs, one entry.
            outputs.add("\n".join(l for l in out.stdout.splitlines() if not l.startswith("Simulated")))
            if out.returncode == 0:
                sound += 1
            else:
                print(f"run {i + 1}: not sound")
                print("\n".join(l for l in out.stdout.splitlines() if "PROBLEM" in l))
    finally:
        for b in burners:
            os.killpg(b.pid, 9)
    print(f"{BURNERS} CPU burners on {os.cpu_count()} cores: verify found the course sound in "
          f"{sound} of {RUNS} runs; median {sorted(times)[len(times) // 2]:.1f} s per verify; "
          f"{len(outputs)} distinct report(s) over the {RUNS} runs")


if __name__ == "__main__":
    main()
