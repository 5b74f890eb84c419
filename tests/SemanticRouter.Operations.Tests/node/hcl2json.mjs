// Parses every .tf file in the folder given as argv[2] with @cdktf/hcl2json (HashiCorp's HCL
// parser compiled to WebAssembly) and prints { "<file>": <json> }. A syntax error fails the run.
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
const require = createRequire(import.meta.url);
const { parse } = require("@cdktf/hcl2json");
const dir = process.argv[2];
const out = {};
for (const file of readdirSync(dir).filter(f => f.endsWith(".tf")).sort()) {
  out[file] = await parse(file, readFileSync(join(dir, file), "utf8"));
}
process.stdout.write(JSON.stringify(out));
