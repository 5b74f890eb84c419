// One-request latency of ONNX files through onnxruntime-node (the engine's native library), for shared_trunk.py:
//   node models/training/ort_bench.mjs THREADS TOKENS COMBINED.onnx SEPARATE1.onnx SEPARATE2.onnx ...
// Prints JSON lines: p50/p99 ms of the combined graph alone, and of the separate graphs run one after another.
import ort from 'onnxruntime-node';

const [threads, tokens, combined, ...separate] = process.argv.slice(2);
const options = { intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: 'all' };
const n = Number(tokens);
const ids = new BigInt64Array(n).map((_, i) => BigInt(i === 0 ? 101 : i === n - 1 ? 102 : 1000 + (i * 37) % 20000));
const feeds = (session) => {
  const f = {};
  for (const name of session.inputNames) {
    const values = name === 'input_ids' ? ids : name === 'attention_mask' ? new BigInt64Array(n).fill(1n) : new BigInt64Array(n);
    f[name] = new ort.Tensor('int64', values, [1, n]);
  }
  return f;
};
async function time(label, sessions) {
  const run = async () => { for (const s of sessions) await s.run(feeds(s)); };
  const warm = Date.now();
  while (Date.now() - warm < 1000) await run();
  const times = [];
  const start = Date.now();
  while (Date.now() - start < 4000 || times.length < 30) {
    const t = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ graphs: label, threads: Number(threads), tokens: n, runs: times.length,
    p50_ms: +times[times.length >> 1].toFixed(3), p99_ms: +times[Math.min(times.length - 1, Math.floor(times.length * 0.99))].toFixed(3) }));
}
const one = await ort.InferenceSession.create(combined, options);
const many = [];
for (const p of separate) many.push(await ort.InferenceSession.create(p, options));
await time('shared trunk, one graph', [one]);
await time('three separate graphs', many);
