#!/usr/bin/env python3
"""Lists every function in grader/src and grader/check/src whose body spans more than 80 lines.

A long function hides its steps: issue 17 asks that each function in the grader do one thing, with
a name that says what. This is the check that keeps it so. A function is measured from the line of
its `fn` to the line of its closing brace, braces matched on the source with strings, chars, raw
strings and comments blanked out. Test modules (`mod tests { ... }` and files named `tests.rs`)
are left out: a test may be a long table. Closures are not measured apart from their function.

Exits 1 when one is found, 0 otherwise. Usage: .ci/long-functions.py [max_lines]
"""

import re
import sys
from pathlib import Path

ROOTS = ["grader/src", "grader/check/src"]
FN = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)")
MOD_TESTS = re.compile(r"\bmod\s+tests\s*\{")
RAW_STRING = re.compile(r"(?:b|c)?r(#*)\"")


def blank(src: str) -> str:
    """The source with every comment, string and char literal replaced by spaces, newlines kept,
    so that what is left holds only the braces of code, at their own offsets."""
    out = list(src)
    n = len(src)
    i = 0

    def clear(start: int, end: int) -> None:
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            end = src.find("\n", i)
            end = n if end < 0 else end
            clear(i, end)
            i = end
        elif src.startswith("/*", i):
            # Block comments nest in Rust.
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            clear(i, j)
            i = j
        elif (m := RAW_STRING.match(src, i)) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            close = '"' + m.group(1)
            end = src.find(close, m.end())
            end = n if end < 0 else end + len(close)
            clear(i, end)
            i = end
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            clear(i, j + 1)
            i = j + 1
        elif c == "'":
            # A char literal ('x', '\n', '\u{1F600}', '{') or a lifetime ('a, 'static).
            if i + 1 < n and src[i + 1] == "\\":
                j = i + 2
                while j < n and src[j] != "'":
                    j += 2 if src[j] == "\\" else 1
                clear(i, j + 1)
                i = j + 1
            elif i + 2 < n and src[i + 2] == "'":
                clear(i, i + 3)
                i += 3
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def closing_brace(code: str, open_at: int) -> int:
    """The offset of the brace that closes the one at `open_at`, or -1."""
    depth = 0
    for k in range(open_at, len(code)):
        if code[k] == "{":
            depth += 1
        elif code[k] == "}":
            depth -= 1
            if depth == 0:
                return k
    return -1


def body_start(code: str, after: int) -> int:
    """The offset of the `{` that opens the body of the `fn` whose name ends at `after`, or -1 for
    a declaration without a body (`fn f();` in a trait or an extern block)."""
    parens = 0
    for k in range(after, len(code)):
        ch = code[k]
        if ch in "([":
            parens += 1
        elif ch in ")]":
            parens -= 1
        elif parens == 0 and ch == ";":
            return -1
        elif parens == 0 and ch == "{":
            return k
    return -1


def long_functions(path: Path, limit: int):
    code = blank(path.read_text(encoding="utf-8"))
    line_at = lambda offset: code.count("\n", 0, offset) + 1  # noqa: E731
    skipped = []
    for m in MOD_TESTS.finditer(code):
        end = closing_brace(code, m.end() - 1)
        skipped.append((m.start(), len(code) if end < 0 else end))
    for m in FN.finditer(code):
        if any(start <= m.start() <= end for start, end in skipped):
            continue
        open_at = body_start(code, m.end())
        if open_at < 0:
            continue
        close_at = closing_brace(code, open_at)
        if close_at < 0:
            continue
        first, last = line_at(m.start()), line_at(close_at)
        if last - first + 1 > limit:
            yield first, m.group(1), last - first + 1


def main() -> int:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    root = Path(__file__).resolve().parent.parent
    found = []
    for base in ROOTS:
        for path in sorted((root / base).rglob("*.rs")):
            if path.name == "tests.rs":
                continue
            for line, name, length in long_functions(path, limit):
                found.append((length, f"{path.relative_to(root)}:{line}", name))
    for length, where, name in sorted(found, reverse=True):
        print(f"{where}: fn {name} is {length} lines")
    if found:
        print(f"{len(found)} function(s) over {limit} lines in {' and '.join(ROOTS)}: split them")
        return 1
    print(f"no function over {limit} lines in {' and '.join(ROOTS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
