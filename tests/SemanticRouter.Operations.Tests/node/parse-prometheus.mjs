// Parses Prometheus text exposition from stdin with the npm `parse-prometheus-text-format`
// package (a port of the prom2json parser). It reads the whole text as-is (families, types,
// counters), and a second time with histogram TYPE lines turned into `untyped`: the package
// merges all label sets of a histogram into one, so per-series buckets are read as raw samples.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
const require = createRequire(import.meta.url);
const parse = require("parse-prometheus-text-format");
const text = readFileSync(0, "utf8");
const families = parse(text);
const samples = parse(text.replace(/^# TYPE (\S+) histogram$/gm, "# TYPE $1 untyped"));
process.stdout.write(JSON.stringify({ families, samples }));
