"""Shared pieces of the training pipeline: paths, the WordPiece tokenizer (same rules as the C# engine and
Hugging Face's BertTokenizer, with character offsets), deterministic splits, ONNX export helpers and the
manifest writer. Requires Debian's python3-torch, python3-onnx and python3-numpy (see models/README.md).
"""
import hashlib
import json
import os
import random
import unicodedata

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, ".."))
REPO = os.path.normpath(os.path.join(MODELS, ".."))
DATA = os.environ.get("SHARED_DATA", os.path.normpath(os.path.join(REPO, "..", "shared", "data")))
TOKENIZER_DIR = os.path.join(DATA, "tokenizers", "all-MiniLM-L6-v2")
REPORTS = os.path.join(MODELS, "reports")
SEED = 1234


def seed_everything(seed=SEED):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # Two threads (the machine's two cores; OpenBLAS, see models/README.md): deterministic for a given thread count.
    torch.set_num_threads(int(os.environ.get("TRAIN_THREADS", "2")))


def data(*parts):
    return os.path.join(DATA, *parts)


def is_held_out(text, percent=20):
    """The held-out rule every model (and the C# PII evaluation) uses: a stable hash of the text, so the
    same sentence is held out whatever order the data comes in."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 100 < percent


def norm_key(text, n=120):
    """Duplicate detection key: lower-case alphanumerics only."""
    return "".join(c for c in text.lower() if c.isalnum())[:n]


# --------------------------------------------------------------------------------------------
# WordPiece tokenizer (BERT uncased rules: clean, CJK split, lower-case + strip accents, split on
# whitespace and punctuation, greedy longest-match-first), returning ids and character offsets.
# --------------------------------------------------------------------------------------------

class WordPiece:
    def __init__(self, folder=TOKENIZER_DIR):
        with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
            spec = json.load(f)
        self.vocab = spec["model"]["vocab"]
        self.size = max(self.vocab.values()) + 1
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self.pad = self.vocab["[PAD]"]
        self._cache = {}

    @staticmethod
    def _is_punct(ch):
        cp = ord(ch)
        if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
            return True
        return unicodedata.category(ch).startswith("P")

    @staticmethod
    def _is_cjk(cp):
        return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
                or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)

    def words(self, text):
        """Pre-tokenized words as (normalized text, start, end) over the original string."""
        out = []
        cur, start = [], None

        def flush(end):
            nonlocal cur, start
            if cur:
                out.append(("".join(cur), start, end))
            cur, start = [], None

        for i, ch in enumerate(text):
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\t\n\r"):
                continue
            if ch.isspace() or unicodedata.category(ch) == "Zs":
                flush(i)
                continue
            if self._is_cjk(cp) or self._is_punct(ch):
                flush(i)
                norm = self._normalize(ch)
                if norm:
                    out.append((norm, i, i + 1))
                continue
            norm = self._normalize(ch)
            if not norm:
                continue
            if start is None:
                start = i
            cur.append(norm)
        flush(len(text))
        return out

    @staticmethod
    def _normalize(ch):
        s = unicodedata.normalize("NFD", ch.lower())
        return "".join(c for c in s if unicodedata.category(c) != "Mn")

    def _pieces(self, word):
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if len(word) > 100:
            result = [(self.unk, 0, len(word))]
        else:
            result, i = [], 0
            while i < len(word):
                j = len(word)
                found = None
                while j > i:
                    piece = word[i:j] if i == 0 else "##" + word[i:j]
                    if piece in self.vocab:
                        found = self.vocab[piece]
                        break
                    j -= 1
                if found is None:
                    result = [(self.unk, 0, len(word))]
                    break
                result.append((found, i, j))
                i = j
        if len(self._cache) < 500000:
            self._cache[word] = result
        return result

    def encode(self, text, max_length=512):
        """[CLS] pieces [SEP] truncated to max_length; offsets are (start, end) in text, (0, 0) for specials."""
        ids, offsets = [self.cls], [(0, 0)]
        for word, ws, we in self.words(text):
            # Offsets of pieces map back proportionally only when normalization kept the length.
            same = len(word) == we - ws
            for pid, ps, pe in self._pieces(word):
                if same:
                    offsets.append((ws + ps, ws + pe))
                else:
                    offsets.append((ws, we))
                ids.append(pid)
                if len(ids) >= max_length - 1:
                    break
            if len(ids) >= max_length - 1:
                break
        ids.append(self.sep)
        offsets.append((0, 0))
        return ids, offsets


def pad_batch(seqs, pad=0):
    length = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), length), pad, dtype=torch.long)
    mask = torch.zeros((len(seqs), length), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
        mask[i, :len(s)] = 1
    return ids, mask


# --------------------------------------------------------------------------------------------
# Model folder output
# --------------------------------------------------------------------------------------------

def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def write_tokenizer(folder, max_length):
    """Copies the all-MiniLM-L6-v2 tokenizer.json with our truncation length and no fixed padding
    (the engine pads per batch)."""
    with open(os.path.join(TOKENIZER_DIR, "tokenizer.json"), encoding="utf-8") as f:
        spec = json.load(f)
    spec["truncation"] = {"direction": "Right", "max_length": max_length, "strategy": "LongestFirst", "stride": 0}
    spec["padding"] = None
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, ensure_ascii=False)
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": max_length,
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"})


def export_onnx(model, path, output_names, output_axes):
    """Optimum conventions: int64 input_ids/attention_mask with dynamic batch and sequence axes."""
    model.eval()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ids = torch.tensor([[101, 7592, 2088, 2003, 102], [101, 7592, 102, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "sequence_length"}}
    for name in output_names:
        axes[name] = output_axes
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"],
                          output_names=output_names, dynamic_axes=axes, opset_version=14, do_constant_folding=True)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def update_manifest(name, kind, labels=None):
    """Writes models/manifest.json in the format of shared/SemanticRouter.Storage ModelManifest (version 1,
    camelCase): one entry per model folder with every file's sha256 and size."""
    path = os.path.join(MODELS, "manifest.json")
    manifest = {"version": 1, "models": []}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    folder = os.path.join(MODELS, name)
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for n in sorted(names):
            if n.startswith(".") or os.path.splitext(n)[1] in (".pt", ".pth", ".bin", ".py", ".pyc", ".partial"):
                continue
            full = os.path.join(root, n)
            files.append({"path": os.path.relpath(full, folder).replace(os.sep, "/"), "sha256": sha256_file(full),
                          "size": os.path.getsize(full)})
    files.sort(key=lambda f: f["path"])
    entry = {"name": name, "kind": kind, "prefix": name, "files": files}
    if labels:
        entry["labels"] = labels
    entry["required"] = True
    models = [m for m in manifest.get("models", []) if m.get("name") != name] + [entry]
    manifest["models"] = sorted(models, key=lambda m: m["name"])
    write_json(path, manifest)


def write_report(name, report):
    write_json(os.path.join(REPORTS, name + ".json"), report)


def roc_auc(scores, labels):
    """Mann-Whitney AUC with tie handling."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    s = scores[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def recall_at_fpr(scores, labels, max_fpr):
    """Highest recall whose threshold keeps the false-positive rate ≤ max_fpr; returns (recall, threshold, fpr)."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    neg = np.sort(scores[labels == 0])[::-1]
    allowed = int(np.floor(max_fpr * len(neg)))
    # Threshold strictly above the (allowed+1)-th highest negative score.
    threshold = float(np.nextafter(neg[allowed], np.inf)) if allowed < len(neg) else float(neg.min())
    predicted = scores >= threshold
    recall = float(predicted[labels == 1].mean())
    fpr = float(predicted[labels == 0].mean())
    return recall, threshold, fpr
