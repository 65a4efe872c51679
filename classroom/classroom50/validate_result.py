#!/usr/bin/env python3
"""Check an autograder's result.json and release-body.md as Classroom 50's runner would.

Usage: validate_result.py [CHECKOUT]   (default: the current directory)

Run it where the autograder ran, with the same environment (CLASSROOM, ASSIGNMENT,
SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, REVIEW_URL, GITHUB_REPOSITORY, GITHUB_SHA,
GITHUB_SERVER_URL, OWNER or USERNAME, ASSIGNMENT_TYPE). It prints what the runner would derive
(`status=... summary=...`) and exits 0, or names the first thing the runner would reject and
exits 1.

Written from Classroom 50's own code, not copied: foundation50/classroom50
cli/gh-teacher/skeleton/dotgithub/scripts/runner.py (`finalize_result`, which stamps owner,
assignment_type and datetime and then calls `validate_result`; `derive_status_and_summary`;
`commit_url`, `release_url`, `review_url`) and schemas/result-v1.schema.json (no top-level field
beyond its list, the datetime's form). Checked beyond the runner: that the autograder itself wrote
every field the schema requires (before the runner's stamps), that the three URLs are the ones the
runner passed and have the runner's forms, and that release-body.md is there and fits in a
GitHub release.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import sys
import urllib.parse

SCHEMA = "classroom50/result/v1"
TOP_LEVEL = {
    "schema", "classroom", "assignment", "assignment_type", "owner", "submission", "commit",
    "release", "review", "datetime", "graded_at", "score", "max-score", "tests", "submitted_by",
}
REQUIRED = TOP_LEVEL - {"graded_at", "submitted_by"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$")
# GitHub refuses a release body longer than this.
RELEASE_BODY_MAX = 125_000


class Rejected(Exception):
    pass


def need(cond: bool, what: str) -> None:
    if not cond:
        raise Rejected(what)


def is_count(v: object) -> bool:
    """A non-negative integer, and not a bool (Python's bool is an int; the runner rejects it)."""
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def env(name: str) -> str:
    return os.environ.get(name, "").strip()


def expected_urls() -> tuple[str, str, str]:
    """The runner's commit, release and review URLs for this run, checked against their forms."""
    server = env("GITHUB_SERVER_URL") or "https://github.com"
    repo, sha, tag = env("GITHUB_REPOSITORY"), env("GITHUB_SHA"), env("SUBMISSION_TAG")
    commit, release, review = env("COMMIT_URL"), env("RELEASE_URL"), env("REVIEW_URL") or env("COMMIT_URL")
    need(commit == f"{server}/{repo}/commit/{sha}", f"COMMIT_URL {commit!r} is not the runner's commit URL")
    need(
        release == f"{server}/{repo}/releases/tag/{urllib.parse.quote(tag, safe='')}",
        f"RELEASE_URL {release!r} is not the runner's release URL",
    )
    need(
        review == commit or re.fullmatch(rf"{re.escape(server)}/{re.escape(repo)}/compare/[0-9a-f]+\.\.\.{sha}", review),
        f"REVIEW_URL {review!r} is neither the commit nor a compare URL ending at it",
    )
    return commit, release, review


def check_result(data: object) -> dict:
    need(isinstance(data, dict), "result.json is not a JSON object")
    assert isinstance(data, dict)
    extra = set(data) - TOP_LEVEL
    need(not extra, f"result.json has fields the schema does not allow: {sorted(extra)}")
    missing = REQUIRED - set(data)
    need(not missing, f"result.json lacks {sorted(missing)}")
    need(data["schema"] == SCHEMA, f"schema is {data['schema']!r}, want {SCHEMA!r}")
    need(data["classroom"] == env("CLASSROOM"), f"classroom is {data['classroom']!r}, want {env('CLASSROOM')!r}")
    need(data["assignment"] == env("ASSIGNMENT"), f"assignment is {data['assignment']!r}, want {env('ASSIGNMENT')!r}")
    owner = env("OWNER") or env("USERNAME")
    need(isinstance(data["owner"], str) and data["owner"].lower() == owner.lower(), f"owner is {data['owner']!r}, want {owner!r}")
    kind = env("ASSIGNMENT_TYPE") or "individual"
    need(data["assignment_type"] == kind, f"assignment_type is {data['assignment_type']!r}, want {kind!r}")
    need(
        isinstance(data["submission"], str) and data["submission"].startswith("submit/")
        and data["submission"] == env("SUBMISSION_TAG"),
        f"submission is {data['submission']!r}, want SUBMISSION_TAG {env('SUBMISSION_TAG')!r}",
    )
    commit, release, review = expected_urls()
    for field, want in (("commit", commit), ("release", release), ("review", review)):
        need(data[field] == want, f"{field} is {data[field]!r}, want {want!r}")
    need(isinstance(data["datetime"], str) and DATETIME.match(data["datetime"]) is not None,
         f"datetime {data['datetime']!r} is not YYYY-MM-DDTHH:MM:SSZ")
    score, top = data["score"], data["max-score"]
    need(is_count(score), "score must be a non-negative integer")
    need(is_count(top), "max-score must be a non-negative integer")
    need(score <= top, f"score ({score}) > max-score ({top})")
    tests = data["tests"]
    need(isinstance(tests, list), "tests is not a list")
    for i, t in enumerate(tests):
        need(isinstance(t, dict), f"tests[{i}] is not an object")
        need(isinstance(t.get("test-name"), str) and t["test-name"] != "", f"tests[{i}].test-name must be a non-empty string")
        need(isinstance(t.get("passed"), bool), f"tests[{i}].passed must be a boolean")
        need(is_count(t.get("score")), f"tests[{i}].score must be a non-negative integer")
        need(is_count(t.get("max-score")), f"tests[{i}].max-score must be a non-negative integer")
        need(t["score"] <= t["max-score"], f"tests[{i}].score > its max-score")
    need(sum(t["score"] for t in tests) == score, "score is not the sum of the tests' scores")
    need(sum(t["max-score"] for t in tests) == top, "max-score is not the sum of the tests' max-scores")
    return data


def runner_status(data: dict) -> tuple[str, str]:
    """What the runner derives for the commit status when the autograder sets none."""
    tests = data["tests"]
    if not tests:
        return "success", f"classroom50 autograde: submitted, no autograder configured for {data['assignment']}"
    passed = sum(1 for t in tests if t["passed"])
    score, top = data["score"], data["max-score"]
    if passed == len(tests):
        return "success", f"classroom50 autograde: {score}/{top} (all tests passed)"
    return "failure", f"classroom50 autograde: {score}/{top} ({passed}/{len(tests)} tests passed)"


def main() -> int:
    checkout = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    try:
        path = checkout / "result.json"
        need(path.is_file(), f"no result.json in {checkout}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise Rejected(f"result.json is not valid JSON: {e}") from e
        data = check_result(data)
        body = checkout / "release-body.md"
        need(body.is_file(), f"no release-body.md in {checkout}")
        text = body.read_text(encoding="utf-8")
        need(text.strip() != "", "release-body.md is empty")
        need(len(text) <= RELEASE_BODY_MAX, f"release-body.md has {len(text)} characters, over GitHub's {RELEASE_BODY_MAX}")
    except Rejected as e:
        print(f"rejected: {e}", file=sys.stderr)
        return 1
    status, summary = runner_status(data)
    print(f"status={status}")
    print(f"summary={summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
