#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image
# (https://gradescope-autograders.readthedocs.io/en/latest/specs/). It installs Rust, clones the
# instructor's trusted course at a pinned ref into /autograder/course, and warms it
# (classroom/docker/warm.sh: the grader built, every crate downloaded, the dependencies
# compiled), so each submission is graded warm.
#
# A private course: give COURSE_URL a read-only token (https://x-access-token:TOKEN@github.com/...)
# or a deploy key (Gradescope's docs/git_pull.md). Or skip this file: build the image of
# classroom/docker/Dockerfile on gradescope/autograder-base and use Manual Docker Configuration.
set -euo pipefail
COURSE_URL="${COURSE_URL:-https://github.com/your-org/awaitlings-course}"
COURSE_REF="${COURSE_REF:-v1}"
# Which exercises the assignment grades (also set in run_autograder); empty: all.
export AWAITLINGS_EXERCISES="${AWAITLINGS_EXERCISES:-}"
root="${AUTOGRADER_ROOT:-/autograder}"

apt-get update -q && apt-get install -y -q curl git build-essential
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
# shellcheck source=/dev/null
source "$HOME/.cargo/env"

git clone --quiet --depth 1 --branch "$COURSE_REF" "$COURSE_URL" "$root/course"
"$root/course/classroom/docker/warm.sh" "$root/course"
