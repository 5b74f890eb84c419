"""Domain baselines on the classifier's split (`train.py baseline` → reports/domain-baseline.json):

- TF-IDF (word 1–2-grams, sublinear tf, min_df 2) + one-vs-rest linear SVM (squared hinge, L2), trained on exactly
  the domain training rows, both prompt shapes (question; question + options);
- the same SVM over frozen sentence embeddings (the shipped all-MiniLM-L6-v2 embedder) concatenated with the TF-IDF
  features — the "frozen embeddings + TF-IDF" floor of ../shared/docs/reference/pretrained-encoders.md;
- McNemar's test (exact binomial, two-sided) of the shipped classifier's held-out predictions against each."""
import collections
import hashlib
import math
import os
import re
import time

import numpy as np
import torch

import common
import onnx_runtime
import split_trunk
from common import MODELS, WordPiece, seed_everything
from datasets import CATEGORIES, domain_examples

WORD = re.compile(r"\w+")


def domain_text(example, with_options):
    if with_options and example["options"]:
        return example["question"] + "\n" + "\n".join(example["options"])
    return example["question"]


def feats(text):
    w = WORD.findall(text.lower())
    return w + [a + " " + b for a, b in zip(w, w[1:])]


def embeddings(texts):
    """Frozen sentence embeddings of the shipped models/sentence-embedder through ONNX Runtime."""
    tok = WordPiece()
    out = onnx_runtime.run(split_trunk.merged(os.path.join(MODELS, "sentence-embedder")),
                           [tok.encode(t, 256)[0] for t in texts], ["sentence_embedding"], batch=64)
    return np.stack(out["sentence_embedding"])


def svm(dom, cat_id, dense=None, dense_weight=1.0):
    """Trains the squared-hinge linear SVM (C = 1, minibatch Adam over sparse rows) and returns held-out predictions
    for both prompt shapes. `dense(texts)` adds dense features (e.g. embeddings, times dense_weight) to each row."""
    texts, gold = [], []
    for e in dom["train"]:
        for with_options in (False, True):
            texts.append(domain_text(e, with_options))
            gold.append(cat_id[e["label"]])
    docs = [feats(t) for t in texts]
    df = collections.Counter()
    for d in docs:
        df.update(set(d))
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= 2))}
    idf = np.zeros(len(vocab), dtype=np.float32)
    for f, i in vocab.items():
        idf[i] = np.log((1 + len(docs)) / (1 + df[f])) + 1
    extra = 0 if dense is None else None

    def rows(documents, dense_rows):
        out = []
        for k, d in enumerate(documents):
            counts = collections.Counter(vocab[f] for f in d if f in vocab)
            cols = list(counts.keys())
            vals = np.array([(1 + np.log(c)) * idf[i] for i, c in counts.items()], dtype=np.float32)
            vals = vals / max(float(np.linalg.norm(vals)), 1e-9)
            if dense_rows is not None:
                cols = cols + list(range(len(vocab), len(vocab) + dense_rows.shape[1]))
                vals = np.concatenate([vals, dense_weight * dense_rows[k]]).astype(np.float32)
            out.append((cols, vals))
        return out

    train_dense = dense(texts) if dense is not None else None
    width = len(vocab) + (0 if train_dense is None else train_dense.shape[1])
    train_rows = rows(docs, train_dense)
    y = torch.tensor(gold)
    targets = -torch.ones(len(gold), len(cat_id))
    targets[torch.arange(len(gold)), y] = 1
    w = torch.zeros(width, len(cat_id), requires_grad=True)
    b = torch.zeros(len(cat_id), requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.05)
    n = len(gold)

    def sparse(batch_rows):
        r, c, v = [], [], []
        for k, (cols, vals) in enumerate(batch_rows):
            r += [k] * len(cols)
            c += cols
            v += list(vals)
        return torch.sparse_coo_tensor(torch.tensor([r, c]), torch.tensor(v, dtype=torch.float32), (len(batch_rows), width))

    for _ in range(6):
        perm = torch.randperm(n).tolist()
        for i in range(0, n, 1024):
            idx = perm[i:i + 1024]
            margin = torch.clamp(1 - targets[idx] * (torch.sparse.mm(sparse([train_rows[j] for j in idx]), w) + b), min=0)
            loss = 0.5 * (w * w).sum() / n + (margin * margin).sum() / len(idx)
            opt.zero_grad()
            loss.backward()
            opt.step()
    del extra
    preds = {}
    for with_options in (False, True):
        test_texts = [domain_text(e, with_options) for e in dom["test"]]
        test_rows = rows([feats(t) for t in test_texts], dense(test_texts) if dense is not None else None)
        preds["with_options" if with_options else "question_only"] = (
            torch.sparse.mm(sparse(test_rows), w.detach()) + b.detach()).argmax(1).numpy()
    return preds


def mcnemar(a_correct, b_correct):
    """Exact two-sided McNemar test on paired correctness: (a right & b wrong, a wrong & b right, p)."""
    b = int((a_correct & ~b_correct).sum())
    c = int((~a_correct & b_correct).sum())
    n, k = b + c, min(b, c)
    p = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n) if n else 1.0
    return b, c, p


def main():
    seed_everything()
    started = time.time()
    dom, _ = domain_examples()
    cat_id = {c: i for i, c in enumerate(CATEGORIES)}
    gold = np.array([cat_id[e["label"]] for e in dom["test"]])
    result = {"held_out": len(gold)}
    # The baselines' held-out predictions are kept in models/.cache, keyed by the held-out questions, so McNemar
    # against a newly trained classifier does not refit them.
    key = hashlib.sha256("\n".join(e["question"] for e in dom["test"]).encode()).hexdigest()[:16]
    saved = os.path.join(MODELS, ".cache", f"domain-baseline.{key}.npz")
    if os.path.exists(saved):
        blob = np.load(saved, allow_pickle=True)
        tfidf, both, seconds = blob["tfidf"].item(), blob["both"].item(), blob["seconds"].item()
    else:
        seconds = {}
        t0 = time.time()
        tfidf = svm(dom, cat_id)
        seconds["tfidf_svm"] = round(time.time() - t0)
        t0 = time.time()
        cache = {}

        def dense(texts):
            missing = [t for t in dict.fromkeys(texts) if t not in cache]
            if missing:
                cache.update(zip(missing, embeddings(missing)))
            return np.stack([cache[t] for t in texts])

        both = svm(dom, cat_id, dense=dense)
        seconds["frozen_embeddings_tfidf_svm"] = round(time.time() - t0)
        np.savez(saved, tfidf=tfidf, both=both, seconds=seconds)
    result["tfidf_svm"] = {k: float((v == gold).mean()) for k, v in tfidf.items()} | {"seconds": seconds["tfidf_svm"]}
    print("tfidf+svm", result["tfidf_svm"], flush=True)
    result["frozen_embeddings_tfidf_svm"] = {k: float((v == gold).mean()) for k, v in both.items()} | {
        "seconds": seconds["frozen_embeddings_tfidf_svm"]}
    print("embeddings+tfidf+svm", result["frozen_embeddings_tfidf_svm"], flush=True)
    shipped_path = os.path.join(MODELS, ".cache", "prompt-classifier.test_predictions.npy")
    if os.path.exists(shipped_path):
        shipped = np.load(shipped_path) == gold
        acc = float(shipped.mean())
        result["shipped_question_only"] = acc
        for name, preds in (("tfidf_svm", tfidf), ("frozen_embeddings_tfidf_svm", both)):
            other = preds["question_only"] == gold
            b, c, p = mcnemar(shipped, other)
            result[f"vs_{name}"] = {"points": round(100 * (acc - float(other.mean())), 2), "only_shipped_right": b,
                                    "only_baseline_right": c, "mcnemar_p": p}
        print({k: v for k, v in result.items() if k.startswith("vs_")}, flush=True)
    result["seconds"] = round(time.time() - started)
    common.write_report("domain-baseline", result)
