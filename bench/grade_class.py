#!/usr/bin/env python3
"""Benchmarks `grader grade` over a class. Prints figures; asserts nothing.

Makes N students' clones of this course (default 30) with mixed work: per exercise, a student has
the solution, the untouched stub, or one of the course's known-wrong solutions applied. Then:

1. grades the class once with its harnesses not built yet (dependencies warm from a first grade of
   one student): the cost of a new class, mostly compiling each student's crates;
2. grades it again with nothing changed (every result kept);
3. changes one exercise of every student and grades again (only those are regraded).

Target: 0.5 s or less per exercise per student once warm, on 2 cores.

Run from anywhere: python3 bench/grade_class.py [students]
"""

import glob
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


def grade(students, extra=()):
    start = time.perf_counter()
    out = sh([GRADER, "--color", "never", "grade", *students, *extra])
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
        # Dependencies (tokio, the check API) built once, as they would be on a grading machine.
        grade([warm])
        cells = STUDENTS * len(exs)
        print(f"{STUDENTS} students x {len(exs)} exercises = {cells} exercise gradings, "
              f"{os.cpu_count()} cores")

        took, last = grade(students)
        print(f"1. a new class (every harness built): {took:6.1f} s, {took / cells:.3f} s per exercise per student")
        print(f"   {last}")
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
