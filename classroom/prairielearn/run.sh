#!/usr/bin/env bash
# PrairieLearn external grader entry point (set as "entrypoint" in the question's info.json).
#
# The image (see Dockerfile) holds the instructor's trusted course at /course, built warm. The
# student submits their exercise's src/lib.rs; PrairieLearn puts it in /grade/student/. The
# question's info.json says which exercise it is in "externalGradingOptions"'s environment, as
# AWAITLINGS_EXERCISE (for example 03).
set -euo pipefail
: "${AWAITLINGS_EXERCISE:?set AWAITLINGS_EXERCISE (for example 03) in the question's environment}"
mkdir -p /grade/results

# A submission is a copy of the course with the student's file in place of the exercise's.
submission=/tmp/submission
rm -rf "$submission"
cp -r /course "$submission"
rm -rf "$submission/target"
crate=$(ls -d "$submission"/exercises/"$(printf '%02d' "$((10#$AWAITLINGS_EXERCISE))")"-*)
cp /grade/student/lib.rs "$crate/src/lib.rs"

cd /course
cargo run --locked -q -p grader -- --color never \
  grade "$submission" -e "$AWAITLINGS_EXERCISE" --format prairielearn --out /tmp/reports
cp /tmp/reports/submission.json /grade/results/results.json
