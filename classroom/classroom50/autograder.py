#!/usr/bin/env python3
"""Classroom 50 autograder for an awaitlings course.

Classroom 50's runner runs this with no arguments in the student's checkout, with CLASSROOM,
ASSIGNMENT, SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, REVIEW_URL, OWNER/USERNAME, ASSIGNMENT_TYPE
and the GITHUB_* variables set, then validates ./result.json and publishes ./release-body.md as
the submission's release (foundation50/classroom50: wiki/Autograders.md, "Contract";
cli/gh-teacher/skeleton/dotgithub/scripts/runner.py, `run_entrypoint` and `finalize_result`).

It grades the checkout with the instructor's trusted course at a pinned ref (only the student's
exercise crates are used; edits elsewhere are integrity flags, shown in release-body.md and never
counted), and writes both files. Exit 0 whenever grading ran, whatever the score (the runner
derives success or failure from result.json's tests); non-zero only when it could not grade
(the runner then records an error and leaves the release alone).

Settings (edit the defaults below, or set them in the environment, e.g. in a container image):
  AWAITLINGS_COURSE_URL  git URL of your course (https://, ssh or file://)
  AWAITLINGS_COURSE_REF  the tag or branch to grade with (pin a tag students cannot move)
  AWAITLINGS_COURSE_DIR  a checkout of the course already on this machine, at that ref (a
                         container image or a self-hosted runner): no clone. A folder `course/`
                         in the assignment's bundle (CLASSROOM50_BUNDLE_DIR, else beside this
                         file) is used the same way.
  AWAITLINGS_GRADER      a grader binary built from that course: no `cargo run` build
  AWAITLINGS_TARGET_DIR  the grader's build and state directory (default: the course's
                         target/awaitlings); a warm one skips building tokio and the harnesses
  AWAITLINGS_EXERCISES   the exercises this assignment grades, e.g. "3" or "3 4" (default: all)
Runtime block: {"rust": "stable"} (cold: everything is built on each submission), or a
"container" whose image holds the built course and sets the variables above (warm).
"""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

COURSE_URL = os.environ.get("AWAITLINGS_COURSE_URL", "https://github.com/your-org/awaitlings-course")
COURSE_REF = os.environ.get("AWAITLINGS_COURSE_REF", "v1")
COURSE_DIR = os.environ.get("AWAITLINGS_COURSE_DIR", "")
GRADER = os.environ.get("AWAITLINGS_GRADER", "")
EXERCISES = os.environ.get("AWAITLINGS_EXERCISES", "")


def fail(message: str) -> int:
    # `::error::` makes it an annotation on the run; the runner then records status=error.
    print(f"::error::awaitlings autograder: {message}", file=sys.stderr)
    return 1


def trusted_course(work: pathlib.Path) -> pathlib.Path | None:
    """The instructor's course: one already here, or a fresh clone at the pinned ref."""
    # The assignment's bundle: CLASSROOM50_BUNDLE_DIR (newer runners name it, even for the
    # classroom default autograder), else this file's folder.
    bundle = os.environ.get("CLASSROOM50_BUNDLE_DIR") or pathlib.Path(__file__).resolve().parent
    bundled = pathlib.Path(bundle) / "course"
    for candidate in (COURSE_DIR, str(bundled) if bundled.is_dir() else ""):
        if candidate:
            course = pathlib.Path(candidate)
            if not (course / "course.toml").is_file():
                print(f"::error::{course} is no awaitlings course (it has no course.toml)", file=sys.stderr)
                return None
            print(f"awaitlings: grading with the course in {course}")
            return course
    course = work / "course"
    cloned = subprocess.run(
        ["git", "-c", "advice.detachedHead=false", "clone", "--quiet", "--depth", "1", "--branch", COURSE_REF, COURSE_URL, str(course)],
        check=False,
    )
    if cloned.returncode != 0:
        print(
            f"::error::cannot clone {COURSE_URL} at {COURSE_REF}: set AWAITLINGS_COURSE_URL and "
            "AWAITLINGS_COURSE_REF (the runner has no credentials: the course must be readable "
            "without any, or be in the container image)",
            file=sys.stderr,
        )
        return None
    return course


# What Classroom 50's accept commit adds to every student repository (runner.py,
# ACCEPT_COMMIT_PATHS): its own files, not the course's, so no integrity flag.
CLASSROOM50_FILES = (".classroom50.yaml", ".github/workflows/autograde.yaml")


def stage(checkout: pathlib.Path, work: pathlib.Path) -> pathlib.Path:
    """A copy of the checkout, under its own name, without Classroom 50's files or build output."""
    submission = work / "submissions" / checkout.name
    shutil.copytree(checkout, submission, symlinks=True, ignore=shutil.ignore_patterns(".git", "target"))
    for name in CLASSROOM50_FILES:
        (submission / name).unlink(missing_ok=True)
    return submission


def main() -> int:
    checkout = pathlib.Path.cwd()
    started = time.monotonic()
    scratch = os.environ.get("RUNNER_TEMP") or None
    work = pathlib.Path(tempfile.mkdtemp(prefix="awaitlings-", dir=scratch))
    course = trusted_course(work)
    if course is None:
        return 1
    fetched = time.monotonic()

    submission = stage(checkout, work)
    grader = [GRADER] if GRADER else ["cargo", "run", "--locked", "-q", "-p", "grader", "--"]
    reports = work / "reports"
    command = [*grader, "--color", "never", "grade", str(submission), "--format", "classroom50", "--out", str(reports)]
    for exercise in EXERCISES.replace(",", " ").split():
        command += ["-e", exercise]
    try:
        graded = subprocess.run(command, cwd=course, check=False)
    except OSError as e:
        return fail(f"cannot run the grader ({e}): check AWAITLINGS_GRADER, or the runtime's Rust")
    if graded.returncode != 0:
        return fail(f"the grader could not grade this submission (exit {graded.returncode}); see the log above")

    results = [p for p in reports.glob("*.json")]
    bodies = list(reports.glob("*.release-body.md"))
    if len(results) != 1 or len(bodies) != 1:
        return fail(f"the grader wrote {len(results)} result(s) and {len(bodies)} release body(ies), not one of each")
    shutil.copyfile(results[0], checkout / "result.json")
    shutil.copyfile(bodies[0], checkout / "release-body.md")
    done = time.monotonic()
    print(
        f"awaitlings: course ready in {fetched - started:.1f} s, graded in {done - fetched:.1f} s; "
        "wrote result.json and release-body.md"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
