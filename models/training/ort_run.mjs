// Runs an ONNX model through ONNX Runtime (onnxruntime-node, the same native library the C# engine binds) for the
// Python training scripts, which have no onnxruntime package here:
//   node models/training/ort_run.mjs MODEL.onnx REQUEST.json OUTPUT.bin
// REQUEST.json: {"threads": 2, "outputs": ["name", ...], "batches": [{"input_ids": [[...]], "attention_mask": [[...]]}, ...]}
// Only the inputs the session declares are fed (token_type_ids = zeros when declared and not given).
// OUTPUT.bin: per batch, per requested output, float32 values in row-major order; OUTPUT.bin.json lists their dims.
import { readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [model, requestPath, outputPath] = process.argv.slice(2);
const request = JSON.parse(readFileSync(requestPath, 'utf8'));
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: request.threads ?? 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});
const wanted = request.outputs ?? session.outputNames;
const fd = openSync(outputPath, 'w');
const index = [];
for (const batch of request.batches) {
  const rows = batch.input_ids.length;
  const cols = batch.input_ids[0].length;
  const tensor = (values) => new ort.Tensor('int64', BigInt64Array.from(values.flat(), BigInt), [rows, cols]);
  const feeds = {};
  for (const name of session.inputNames) {
    const values = batch[name] ?? (name === 'token_type_ids' ? batch.input_ids.map((r) => r.map(() => 0)) : null);
    if (values === null) throw new Error(`no values for input ${name}`);
    feeds[name] = tensor(values);
  }
  const result = await session.run(feeds, wanted);
  const entry = {};
  for (const name of wanted) {
    const out = result[name];
    const data = out.data instanceof Float32Array ? out.data : Float32Array.from(out.data, Number);
    writeSync(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    entry[name] = out.dims;
  }
  index.push(entry);
}
closeSync(fd);
writeFileSync(outputPath + '.json', JSON.stringify(index));
