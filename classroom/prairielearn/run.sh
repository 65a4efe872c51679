#!/usr/bin/env bash
# PrairieLearn external grader entry point: the question's info.json sets
#   "externalGradingOptions": {"image": "you/awaitlings-grader:v1", "entrypoint": "/grader/run.sh",
#                              "timeout": 60, "environment": {"AWAITLINGS_EXERCISE": "03"}}
# (PrairieLearn/PrairieLearn docs/externalGrading.md). The image (classroom/docker/Dockerfile)
# holds the trusted course at /course, built warm; the student's files (their exercise's
# src/lib.rs, and any other file of its src/) are in /grade/student; results go to
# /grade/results/results.json, which PrairieLearn reads only if this script exits 0.
#
# Environment: AWAITLINGS_EXERCISE (required), PL_GRADE_DIR (a stand-in for /grade, for tests),
# AWAITLINGS_COURSE_DIR (default /course).
set -euo pipefail
: "${AWAITLINGS_EXERCISE:?set AWAITLINGS_EXERCISE (for example 03) in externalGradingOptions.environment of the question}"
grade="${PL_GRADE_DIR:-/grade}"
course="${AWAITLINGS_COURSE_DIR:-/course}"
# The grading container has no network unless the question enables it; the image has every crate.
export CARGO_NET_OFFLINE=true
mkdir -p "$grade/results"

# No file submitted: not gradable, so the student is not charged an attempt.
shopt -s nullglob dotglob
submitted=("$grade"/student/*)
shopt -u nullglob dotglob
if [ "${#submitted[@]}" -eq 0 ]; then
  cat > "$grade/results/results.json" <<'JSON'
{"gradable": false, "format_errors": ["No file was submitted: submit your exercise's src/lib.rs."], "message": "Nothing was submitted."}
JSON
  exit 0
fi

number="$(printf '%02d' "$((10#$AWAITLINGS_EXERCISE))")"
shopt -s nullglob
crates=("$course"/exercises/"$number"-*/)
shopt -u nullglob
if [ "${#crates[@]}" -ne 1 ]; then
  echo "AWAITLINGS_EXERCISE=$AWAITLINGS_EXERCISE names no exercise of $course/exercises" >&2
  exit 1
fi
crate="exercises/$(basename "${crates[0]}")"

# A submission is the course's sources (a few MB: never its target/, hundreds of MB of build
# output, nor .git) with the student's files in the exercise's src/.
work="$(mktemp -d)"
submission="$work/submission"
mkdir -p "$submission"
tar -C "$course" --exclude=./target --exclude=./.git -cf - . | tar -C "$submission" -xf -
cp -R "$grade/student/." "$submission/$crate/src/"

cd "$course"
# Exit code 0 means grading worked, whatever the score; anything else is the grader's failure,
# which PrairieLearn shows as a failed grading job without charging the student.
cargo run --locked -q -p grader -- --color never \
  grade "$submission" -e "$AWAITLINGS_EXERCISE" --format prairielearn --out "$work/reports"
cp "$work/reports/submission.json" "$grade/results/results.json"
rm -rf "$work"
