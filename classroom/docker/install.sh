#!/usr/bin/env bash
# Puts the platforms' entry points where each platform looks, for an image that holds the
# trusted course at COURSE_DIR (see the Dockerfile beside this):
#   Gradescope:   /autograder/run_autograder (gradescope/autograder_samples docs/manual_docker.md)
#   PrairieLearn: /grader/run.sh, the question's "entrypoint" (PrairieLearn docs/externalGrading.md)
# PREFIX (default /) lets a test install into a stand-in root.
#   install.sh COURSE_DIR
set -euo pipefail
course="${1:?usage: install.sh COURSE_DIR}"
prefix="${PREFIX:-/}"
mkdir -p "$prefix/autograder" "$prefix/grader"
install -m 0755 "$course/classroom/gradescope/run_autograder" "$prefix/autograder/run_autograder"
install -m 0755 "$course/classroom/prairielearn/run.sh" "$prefix/grader/run.sh"
echo "installed: $prefix/autograder/run_autograder (Gradescope), $prefix/grader/run.sh (PrairieLearn)"
