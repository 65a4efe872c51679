#!/usr/bin/env bash
# Codio partial-points script (an Advanced Code Test, "custom", with Allow Partial Points on):
#   bash grade.sh 03
# Grades the student's workspace with the trusted course installed at $COURSE (by the stack or by
# the instructor), then posts the grade to Codio.
#
# Codio's contract (https://docs.codio.com/instructors/authoring/assessments/partial-points.html,
# "Autograding enhancements for partial points"): Codio passes $CODIO_PARTIAL_POINTS_V2_URL, which
# takes a POST (or GET) with `points`, a percentage 0-100 of the assessment's points, `feedback`
# (text, at most 1 MB) and `format` (html, md or txt). The script must exit 0 whatever the grade,
# or the student gets 0.
#
# Here `points` is the percentage of the exercise's points earned, rounded down (100 only for full
# marks), and `feedback` the grader's Markdown report: a table of the exercise, each failing
# check in one line (a hidden check's details withheld) and any integrity flags, which never
# change the points.
#
# Settings: COURSE (default /home/codio/awaitlings-course), WORKSPACE (default
# /home/codio/workspace), AWAITLINGS_GRADER (a grader binary built from the course: no `cargo
# run`), AWAITLINGS_TARGET_DIR (the grader's build directory; keep it in the stack to grade warm).
set -uo pipefail
COURSE="${COURSE:-/home/codio/awaitlings-course}"
WORKSPACE="${WORKSPACE:-/home/codio/workspace}"
EXERCISE="${1:?usage: grade.sh EXERCISE (for example 03)}"
if [ -z "${CODIO_PARTIAL_POINTS_V2_URL:-}" ]; then
  echo "grade.sh: CODIO_PARTIAL_POINTS_V2_URL is not set: turn on Allow Partial Points in the assessment's Grading section" >&2
  exit 1
fi
reports=$(mktemp -d)
trap 'rm -rf "$reports"' EXIT

# Posts the grade: $1 the percentage, $2 a file of Markdown feedback.
post() {
  # Codio takes at most 1 MB of feedback.
  head -c 1000000 "$2" > "$reports/feedback.md"
  curl -s --max-time 60 --retry 3 "$CODIO_PARTIAL_POINTS_V2_URL" \
    --data-urlencode "points=$1" \
    --data-urlencode "feedback@$reports/feedback.md" \
    --data-urlencode "format=md" > /dev/null ||
    echo "grade.sh: could not post the grade to Codio" >&2
}

if [ -n "${AWAITLINGS_GRADER:-}" ]; then
  grader=("$AWAITLINGS_GRADER")
else
  grader=(cargo run --locked -q -p grader --)
fi
if ! (cd "$COURSE" && "${grader[@]}" --color never \
  grade "$WORKSPACE" -e "$EXERCISE" --format markdown --out "$reports/md" --gradebook "$reports/book.csv") \
  > "$reports/log" 2>&1; then
  {
    echo "## The grader could not grade this workspace"
    echo
    echo "This is not your code's fault: tell your instructor. What the grader said:"
    echo
    echo '```'
    tail -n 30 "$reports/log"
    echo '```'
  } > "$reports/error.md"
  cat "$reports/log" >&2
  post 0 "$reports/error.md"
  exit 0
fi

# The gradebook's header names the columns; its one row holds the points (`total`, `max`).
IFS=, read -r -a header < <(sed -n 1p "$reports/book.csv")
IFS=, read -r -a row < <(sed -n 2p "$reports/book.csv")
total=0 max=0
for i in "${!header[@]}"; do
  case "${header[$i]}" in
    total) total="${row[$i]}" ;;
    max) max="${row[$i]}" ;;
  esac
done
percent=0
if [ "$max" -gt 0 ]; then percent=$((100 * total / max)); fi

post "$percent" "$(ls "$reports"/md/*.md)"
exit 0
