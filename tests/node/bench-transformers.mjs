// transformers.js side of tests/SemanticRouter.Inference.Benchmarks: times the same tokenizer and model folder on
// the same inputs the .NET side used, in the same run.
// Usage: node tests/node/bench-transformers.mjs <plan.json>   (the plan is written by the .NET benchmark)
// plan: {tokenizer, model, texts[], tokenizerRounds, threads, spinning, latency: [{batch, tokens, iterations, inputIds[][]}]}
// stdin lines: "tokenizer" (one timed pass over the texts) or a latency case index; stdout: "ready", then one JSON
// line per request: {texts, tokens, seconds} or {batch, tokens, medianMs, meanMs}.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { AutoModelForSequenceClassification, AutoTokenizer, Tensor, env } from '@huggingface/transformers';

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
env.allowRemoteModels = false;
env.allowLocalModels = true;

function local(folder) {
  env.localModelPath = path.dirname(path.resolve(folder)) + path.sep;
  return path.basename(folder);
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

const tokenizer = await AutoTokenizer.from_pretrained(local(plan.tokenizer));
// Warm up for a fixed time so the JIT has optimised the code before timing (the .NET side does the same).
for (const w = nowMs(); nowMs() - w < 1500; ) for (const t of plan.texts.slice(0, 200)) tokenizer.encode(t);
function timeTokenizer() {
  let tokens = 0;
  const t0 = nowMs();
  for (const t of plan.texts) tokens += tokenizer.encode(t).length;
  return { texts: plan.texts.length, tokens, seconds: (nowMs() - t0) / 1000 };
}

const model = await AutoModelForSequenceClassification.from_pretrained(local(plan.model), {
  dtype: 'fp32',
  session_options: {
    intraOpNumThreads: plan.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: plan.spinning ? '1' : '0' } } },
  },
});

// Work runs on request, so the .NET side can alternate with its own runs of the same work and machine load
// drifts equally over both.
async function timeCase(c) {
  const flat = c.inputIds.flat();
  const dims = [c.batch, c.tokens];
  const feeds = {
    input_ids: new Tensor('int64', BigInt64Array.from(flat, BigInt), dims),
    attention_mask: new Tensor('int64', new BigInt64Array(flat.length).fill(1n), dims),
    token_type_ids: new Tensor('int64', new BigInt64Array(flat.length), dims),
  };
  for (const w = nowMs(); nowMs() - w < 500; ) await model(feeds);
  const times = [];
  for (let i = 0; i < c.iterations; i++) {
    const s = nowMs();
    await model(feeds);
    times.push(nowMs() - s);
  }
  times.sort((a, b) => a - b);
  return { batch: c.batch, tokens: c.tokens, medianMs: times[times.length >> 1], meanMs: times.reduce((a, b) => a + b, 0) / times.length };
}

process.stdout.write('ready\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const result = line === 'tokenizer' ? timeTokenizer() : await timeCase(plan.latency[Number(line)]);
  process.stdout.write(JSON.stringify(result) + '\n');
}
