"""ONNX Runtime from Python through the repository's onnxruntime-node (npm ci), because no onnxruntime Python package
can be installed here. Used for the base-weight check and for every held-out number of a shipped (quantized) graph:
the numbers are those of the ONNX file the C# engine loads, run by the same native library."""
import json
import os
import subprocess
import tempfile

import numpy as np

from common import REPO, pad_batch

RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ort_run.mjs")


def run(model_path, id_lists, outputs, batch=32, threads=2, token_type_ids=False):
    """Runs the model on token id lists (batched by `batch`, padded per batch, in the given order) and returns, per
    requested output, a list with one array per input row (padding positions cut off for per-token outputs)."""
    batches = []
    for i in range(0, len(id_lists), batch):
        ids, mask = pad_batch(id_lists[i:i + batch])
        entry = {"input_ids": ids.tolist(), "attention_mask": mask.tolist()}
        if token_type_ids:
            entry["token_type_ids"] = [[0] * ids.shape[1] for _ in range(ids.shape[0])]
        batches.append(entry)
    with tempfile.TemporaryDirectory() as tmp:
        req = os.path.join(tmp, "request.json")
        out = os.path.join(tmp, "out.bin")
        with open(req, "w", encoding="utf-8") as f:
            json.dump({"threads": threads, "outputs": outputs, "batches": batches}, f)
        subprocess.run(["node", RUNNER, os.path.abspath(model_path), req, out], check=True, cwd=REPO)
        with open(out + ".json", encoding="utf-8") as f:
            index = json.load(f)
        flat = np.fromfile(out, dtype=np.float32)
    result = {name: [] for name in outputs}
    pos, row = 0, 0
    for entry in index:
        for name in outputs:
            dims = entry[name]
            n = int(np.prod(dims))
            arr = flat[pos:pos + n].reshape(dims)
            pos += n
            for k in range(dims[0]):
                length = len(id_lists[row + k])
                result[name].append(arr[k, :length] if arr.ndim >= 3 else arr[k])
        row += entry[outputs[0]][0]
    return result
