#!/usr/bin/env bash
# Makes a trusted copy of the course ready to grade warm, offline: builds the grader, downloads
# every crate the lock file names (PrairieLearn grades with no network), and grades the course's
# own exercises once, which compiles tokio, the support crate and the check API into the
# grader's state directory (COURSE/target/awaitlings) that every later grade shares.
#
# The Dockerfile beside it runs this at image build time; Gradescope's setup.sh runs it too.
#   warm.sh COURSE_DIR
# AWAITLINGS_EXERCISES="03 04" warms only those exercises' harnesses (the dependencies are
# shared by all, so any one warms them).
set -euo pipefail
course="${1:?usage: warm.sh COURSE_DIR (the trusted course, at the ref you grade with)}"
cd "$course"
cargo build --locked -q -p grader
cargo fetch --locked
args=()
for e in ${AWAITLINGS_EXERCISES:-}; do args+=(-e "$e"); done
# The course's own exercises are stubs: they fail, and that is fine; grading them builds what
# every submission's harness links against. Exit code 0 means grading worked.
cargo run --locked -q -p grader -- --color never grade "$course" "${args[@]}" > /dev/null
echo "warm: $course is built and graded once; a grade now reuses its state directory"
