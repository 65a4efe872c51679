#!/usr/bin/env python3
"""Benchmarks `grader grade` over a class. Prints figures; asserts nothing.

Makes N students' clones of this course (default 30) with mixed work: per exercise, a student has
the solution, the untouched stub, or one of the course's known-wrong solutions applied. Then:

1. grades the class once with its harnesses not built yet and no result kept (a grader state of
   the run's own, its dependencies warm from a first grade of one student): the cost of a new
   class, mostly compiling each student's crates;
2. grades it again with nothing changed (every result kept);
3. changes one exercise of every student and grades again (only those are regraded).

Beside step 1, in the same run, it measures the floor of grading a new class: compiling every
student's exercise crates (`cargo build --lib`, one student after another, tokio and the check API
already built, as in step 1) plus running their checks (the real time each check took, from the
class's JSON reports, shared among the cores as the grader shares them). It prints step 1 as a
ratio to that floor. Target: 2x or less (issue 17).

Target: 0.5 s or less per exercise per student once warm, on 2 cores.

Run from anywhere: python3 bench/grade_class.py [students]
"""

import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STUDENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
GRADER = os.path.join(ROOT, "target", "debug", "grader")


def sh(args, cwd=ROOT, text=True, **kw):
    return subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text, **kw)


def clone(dst):
    """The course as committed (what a student's clone holds), without its target/."""
    os.makedirs(dst)
    archive = sh(["git", "archive", "--format=tar", "HEAD"], text=False)
    subprocess.run(["tar", "-x", "-C", dst], input=archive.stdout, check=True)


def exercises():
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "exercises", "*")))


def slug(dir_name):
    return dir_name.split("-", 1)[1]


def work_on(student_dir, ex, how, rng):
    crate = os.path.join(student_dir, "exercises", ex)
    solution = os.path.join(ROOT, "solutions", ex, "src")
    if how == "stub":
        return
    shutil.rmtree(os.path.join(crate, "src"))
    shutil.copytree(solution, os.path.join(crate, "src"))
    # The solution's demo imports the solution crate by its own name; a student's does not.
    main = os.path.join(crate, "src", "main.rs")
    if os.path.exists(main):
        text = open(main).read()
        open(main, "w").write("\n".join(l for l in text.split("\n") if not l.startswith("use ") or "_solution as" not in l))
    if how == "wrong":
        patches = glob.glob(os.path.join(ROOT, "fixtures", "wrong", slug(ex), "*.patch"))
        if patches:
            subprocess.run(["patch", "-s", "-p1", "-d", crate, "-i", rng.choice(patches)], check=True,
                           stdout=subprocess.DEVNULL)


def crate_names(exs):
    """The package names of the exercise crates (what a student writes), from their manifests."""
    names = []
    for ex in exs:
        with open(os.path.join(ROOT, "exercises", ex, "Cargo.toml")) as f:
            names.append(next(l.split('"')[1] for l in f if l.startswith("name")))
    return names


def compile_floor(students, exs, target):
    """Seconds to compile every student's exercise crates, one student after another, into one
    target folder whose dependencies a first build warmed (as step 1's are). Without incremental
    compilation, the cheapest way cargo compiles a crate once (as the grader builds a submission's
    harnesses): the floor is not inflated by a cache only later builds could use."""
    args = ["cargo", "build", "-q", "--lib"] + [a for n in crate_names(exs) for a in ("-p", n)]
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0")
    sh(args, cwd=students[0] + "-warm", env=env, check=True)
    took = 0.0
    for d in students:
        # Cargo names a workspace member's build by its path inside the workspace, and judges it
        # fresh by its sources' times: a clone of the same files, older than the last build, would
        # not be compiled at all. Each student's sources are new to this folder, as they are to
        # the grader.
        now = time.time()
        for src in glob.glob(os.path.join(d, "exercises", "*", "src", "**", "*.rs"), recursive=True):
            os.utime(src, (now, now))
        start = time.perf_counter()
        sh(args, cwd=d, env=env, check=True)
        took += time.perf_counter() - start
    return took


def checks_wall(out_dir):
    """Seconds of real time the class's checks took, summed over every check of every student
    (the JSON reports' wall_ms)."""
    total_ms = 0.0
    for path in glob.glob(os.path.join(out_dir, "*.json")):
        with open(path) as f:
            report = json.load(f)
        for ex in report.get("exercises", []):
            total_ms += sum(c.get("wall_ms") or 0.0 for c in ex.get("checks", []))
    return total_ms / 1000


# The grader's state for the whole run, in the run's temporary folder (set by main): results are
# kept by content, so grading in a state an earlier run left would find every result kept.
STATE = {}


def grade(students, extra=()):
    start = time.perf_counter()
    out = sh([GRADER, "--color", "never", "grade", *students, *extra],
             env=dict(os.environ, AWAITLINGS_TARGET_DIR=STATE["dir"]))
    took = time.perf_counter() - start
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-2000:])
        sys.exit("grade failed")
    return took, out.stdout.strip().splitlines()[-1]


def main():
    sh(["cargo", "build", "-q", "-p", "grader"], check=True)
    rng = random.Random(7)
    exs = exercises()
    with tempfile.TemporaryDirectory(prefix="awaitlings-class-") as tmp:
        warm = os.path.join(tmp, "warm")
        clone(warm)
        students = []
        for i in range(STUDENTS):
            d = os.path.join(tmp, f"student{i:02}")
            clone(d)
            for ex in exs:
                work_on(d, ex, rng.choice(["solution", "stub", "wrong"]), rng)
            students.append(d)
        # Dependencies (tokio, the check API) built once, as they would be on a grading machine,
        # in a state of the run's own.
        STATE["dir"] = os.path.join(tmp, "state")
        grade([warm])
        cells = STUDENTS * len(exs)
        print(f"{STUDENTS} students x {len(exs)} exercises = {cells} exercise gradings, "
              f"{os.cpu_count()} cores")

        out_dir = os.path.join(tmp, "reports")
        took, last = grade(students, ["--format", "json", "--out", out_dir])
        print(f"1. a new class (every harness built): {took:6.1f} s, {took / cells:.3f} s per exercise per student")
        print(f"   {last}")
        # The floor, measured now, with the same dependencies warm: a clone the floor's own
        # target folder builds its dependencies from first.
        clone(students[0] + "-warm")
        compiling = compile_floor(students, exs, os.path.join(tmp, "floor-target"))
        running = checks_wall(out_dir) / (os.cpu_count() or 1)
        floor = compiling + running
        print(f"   floor: compiling the students' crates {compiling:6.1f} s + running their checks "
              f"{running:5.1f} s ({os.cpu_count()} cores) = {floor:6.1f} s")
        print(f"   ratio a new class / floor: {took / floor:.2f}x (target 2x or less)")
        took, last = grade(students)
        print(f"2. again, nothing changed:            {took:6.1f} s, {took / cells:.3f} s per exercise per student")
        print(f"   {last}")
        for d in students:
            ex = rng.choice(exs)
            lib = os.path.join(d, "exercises", ex, "src", "lib.rs")
            with open(lib, "a") as f:
                f.write("\n// edited\n")
        took, last = grade(students)
        print(f"3. one exercise of each changed:      {took:6.1f} s, {took / STUDENTS:.3f} s per changed exercise")
        print(f"   {last}")


if __name__ == "__main__":
    main()
