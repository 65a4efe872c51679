#!/usr/bin/env python3
"""Classroom 50 autograder for an awaitlings course.

Classroom 50 runs this with no arguments in the student's checkout and reads ./result.json.
It fetches the instructor's trusted course at a pinned ref, grades the checkout with it (only
the student's exercise crates are used; edits elsewhere are flagged, never used), and writes
the course's result.json (schema classroom50/result/v1) where Classroom 50 looks for it.

Set COURSE_URL and COURSE_REF below (or in the environment). Runtime block: {"rust": "stable"}.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

COURSE_URL = os.environ.get("AWAITLINGS_COURSE_URL", "https://github.com/your-org/awaitlings-course")
COURSE_REF = os.environ.get("AWAITLINGS_COURSE_REF", "v1")


def main() -> int:
    submission = pathlib.Path.cwd()
    work = pathlib.Path(tempfile.mkdtemp(prefix="awaitlings-"))
    course = work / "course"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth", "1", "--branch", COURSE_REF, COURSE_URL, str(course)],
        check=True,
    )
    reports = work / "reports"
    graded = subprocess.run(
        [
            "cargo", "run", "--locked", "-q", "-p", "grader", "--",
            "--color", "never",
            "grade", str(submission), "--format", "classroom50", "--out", str(reports),
        ],
        cwd=course,
    )
    if graded.returncode != 0:
        print("the grader could not grade this submission", file=sys.stderr)
        return graded.returncode
    [report] = list(reports.glob("*.json"))
    shutil.copyfile(report, submission / "result.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
