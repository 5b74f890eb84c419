"""Measures what sharing the frozen lower layers would save at inference (models/README.md, "Sharing the lower
layers"): one graph that runs the embeddings and the FROZEN shared layers once, then three upper stacks (the
embedder's, the classifier's, the PII tagger's) with their outputs, against the three separate shipped graphs, int8,
through ONNX Runtime (onnxruntime-node, the engine's native library), one request of 100 tokens, 1 and 2 threads.

    /usr/bin/python3 models/training/shared_trunk.py

The combined graph's upper stacks hold copies of the base layers: the weights do not change the cost, only the
shapes do, and those are the shipped models' (writes reports/latency.json, key "shared_trunk")."""
import copy
import json
import os
import subprocess

import torch
from torch import nn

import common
import finetune
import minilm
import quantize
from common import MODELS, REPO, write_json

CACHE = os.path.join(MODELS, ".cache")


class SharedTrunk(nn.Module):
    def __init__(self, enc, frozen):
        super().__init__()
        self.encoder = enc
        self.frozen = frozen
        self.uppers = nn.ModuleList([nn.ModuleList(copy.deepcopy(enc.layers[frozen:])) for _ in range(3)])
        self.domain, self.jailbreak, self.tags = nn.Linear(384, 14), nn.Linear(384, 2), nn.Linear(384, 9)

    def forward(self, input_ids, attention_mask):
        e = self.encoder
        x = e.norm(e.word(input_ids) + e.position(torch.arange(input_ids.shape[1]).unsqueeze(0))
                   + e.token_type(torch.zeros_like(input_ids)))
        add = finetune.additive_mask(attention_mask)
        for layer in e.layers[:self.frozen]:
            x = layer(x, add)
        outs = []
        for stack in self.uppers:
            h = x
            for layer in stack:
                h = layer(h, add)
            outs.append(h)
        emb = finetune.mean_pool(outs[0], attention_mask)
        emb = emb / torch.linalg.vector_norm(emb, dim=-1, keepdim=True).clamp(min=1e-12)
        pooled = finetune.mean_pool(outs[1], attention_mask)
        return emb, self.domain(pooled), self.jailbreak(pooled), self.tags(outs[2])


def main():
    common.seed_everything()
    enc = minilm.rebuild(minilm.restore())
    fp32 = os.path.join(CACHE, "shared-trunk.fp32.onnx")
    common.export_onnx(SharedTrunk(enc, finetune.FROZEN).eval(), fp32,
                       ["sentence_embedding", "logits_domain", "logits_jailbreak", "logits"], {0: "batch_size"})
    int8 = os.path.join(CACHE, "shared-trunk.int8_7bit.onnx")
    quantize.quantize(fp32, int8, reduce_range=True)
    separate = [os.path.join(MODELS, n, "onnx", "model.onnx") for n in ("sentence-embedder", "prompt-classifier", "pii-ner")]
    rows = []
    for threads in (1, 2):
        out = subprocess.run(["node", os.path.join(MODELS, "training", "ort_bench.mjs"), str(threads), "100", int8, *separate],
                             check=True, cwd=REPO, capture_output=True, text=True).stdout
        rows += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for r in rows:
        print(r, flush=True)
    path = os.path.join(MODELS, "reports", "latency.json")
    report = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {}
    report["shared_trunk"] = {"frozen_layers": finetune.FROZEN, "rows": rows}
    write_json(path, report)


if __name__ == "__main__":
    main()
