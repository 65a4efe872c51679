#!/usr/bin/env bash
# Codio partial-points script (Codio: Education > Assessments > Advanced Code Test, "custom").
# Grades the student's workspace with the trusted course installed at $COURSE (by the stack or
# by the instructor), then reports a percentage and Markdown feedback to Codio. Codio wants this
# script to exit 0 whatever the grade.
set -uo pipefail
COURSE="${COURSE:-/home/codio/awaitlings-course}"
WORKSPACE="${WORKSPACE:-/home/codio/workspace}"
EXERCISE="${1:?usage: grade.sh EXERCISE (for example 03)}"
reports=$(mktemp -d)

cd "$COURSE" || exit 0
cargo run --locked -q -p grader -- --color never \
  grade "$WORKSPACE" -e "$EXERCISE" --format markdown --out "$reports/md" --gradebook "$reports/book.csv" \
  > /dev/null 2>&1

# The gradebook's one row: the exercise's points, then total and max.
IFS=, read -r _ _ _ total max _ < <(sed -n 2p "$reports/book.csv")
percent=0
if [ "${max:-0}" -gt 0 ]; then percent=$(( 100 * total / max )); fi

curl -s --retry 3 "$CODIO_PARTIAL_POINTS_V2_URL" \
  --data-urlencode "points=$percent" \
  --data-urlencode "feedback@$(ls "$reports"/md/*.md)" \
  --data-urlencode "format=md" > /dev/null
exit 0
