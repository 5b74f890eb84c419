"""Trains `models/sentence-embedder`: a weighted bag of WordPiece unigram and hashed bigram vectors, L2-normalised,
exported with a `sentence_embedding` output (what a sentence-transformers ONNX export with pooling has).

Start: random Gaussian token vectors weighted by IDF (so cosine ≈ TF-IDF cosine, a strong lexical baseline);
then contrastive fine-tuning (InfoNCE, in-batch negatives) on the paraphrase pairs' training split, so paraphrases
that use different words move together. Evaluation on held-out pairs against two kinds of negatives: unrelated
pairs, and lexical near-misses (the most TF-IDF-similar other sentence that is not the paraphrase)."""
import json
import math
import os
import random
import time

import numpy as np
import torch
from torch import nn

import common
from common import MODELS, WordPiece, data, is_held_out, pad_batch, recall_at_fpr, roc_auc, seed_everything, write_json
from fasttext_model import HASH_MUL, Half

NAME = "sentence-embedder"
MAX_LEN = 256
DIM = 96
BUCKETS = 1 << 13
EPOCHS = 4


class BagEmbedder(nn.Module):
    def __init__(self, vocab_size, idf, export=False, trained=None):
        super().__init__()
        if export:
            self.uni = Half(trained.uni.weight)
            self.ngram = Half(trained.ngram.weight)
            self.register_buffer("weight", trained.weight.detach().clone())
        else:
            self.uni = nn.Embedding(vocab_size, DIM)
            self.ngram = nn.Embedding(BUCKETS, DIM)
            nn.init.normal_(self.uni.weight, std=1.0)
            nn.init.normal_(self.ngram.weight, std=1.0)
            self.weight = nn.Parameter(torch.tensor(idf, dtype=torch.float32))
        self.ngram_scale = 0.5

    def forward(self, input_ids, attention_mask):
        m = attention_mask.to(torch.float32)
        w = torch.relu(self.weight[input_ids]) * m
        x = (self.uni(input_ids) * w.unsqueeze(-1)).sum(1)
        bi = (input_ids[:, :-1] * HASH_MUL + input_ids[:, 1:]) % BUCKETS
        bw = torch.minimum(w[:, :-1], w[:, 1:])
        x = x + self.ngram_scale * (self.ngram(bi) * bw.unsqueeze(-1)).sum(1)
        return x / torch.linalg.vector_norm(x, dim=-1, keepdim=True).clamp(min=1e-9)


def corpus_idf(tok):
    """IDF over every prompt-like text we have (no labels used), smoothed; special tokens weigh 0."""
    texts = []
    for line in open(data("domain", "mmlu_pro_train.jsonl"), encoding="utf-8"):
        texts.append(json.loads(line)["question"])
    for line in open(data("hallucination", "halueval-general", "general_data.json"), encoding="utf-8"):
        if line.strip():
            texts.append(json.loads(line)["user_query"])
    with open(data("cache", "paraphrase_pairs_train.json"), encoding="utf-8") as f:
        for p in json.load(f):
            if not is_held_out(p["origin"]):
                texts += [p["origin"], p["similar"]]
    df = np.zeros(tok.size)
    for t in texts:
        for i in set(tok.encode(t, MAX_LEN)[0]):
            df[i] += 1
    idf = np.log((1 + len(texts)) / (1 + df)) + 1
    for special in (tok.cls, tok.sep, tok.pad):
        idf[special] = 0
    return idf


def pairs():
    with open(data("cache", "paraphrase_pairs_train.json"), encoding="utf-8") as f:
        rows = json.load(f)
    split = {"train": [], "val": [], "test": []}
    for p in rows:
        key = p["origin"]
        part = "test" if is_held_out(key) else ("val" if is_held_out("val:" + key, 10) else "train")
        split[part].append((p["origin"], p["similar"]))
    return split


def embed(model, tok, texts):
    model.eval()
    with torch.no_grad():
        out = []
        for i in range(0, len(texts), 64):
            ids, mask = pad_batch([tok.encode(t, MAX_LEN)[0] for t in texts[i:i + 64]])
            out.append(model(ids, mask))
        return torch.cat(out)


def evaluation_set(split, pool, rng):
    """Positives: (origin, similar). Unrelated: origin with a random other pair's paraphrase. Near-miss: origin with
    the most TF-IDF-similar sentence of the pool that is not its own pair."""
    positives = list(split)
    unrelated = []
    for i, (a, _) in enumerate(positives):
        j = rng.randrange(len(positives) - 1)
        j = j + 1 if j >= i else j
        unrelated.append((a, positives[j][1]))
    return positives, unrelated, pool


def near_misses(positives, pool, tfidf):
    """For each origin, the pool sentence with the highest lexical (IDF-weighted bag) cosine, excluding its pair."""
    origins = [a for a, _ in positives]
    # A pool sentence that normalises to the origin or its paraphrase is a duplicate, not a near-miss.
    own = {a: {common.norm_key(a, 10000), common.norm_key(b, 10000)} for a, b in positives}
    q = tfidf(origins)
    p = tfidf(pool)
    sims = q @ p.T
    out = []
    for i, a in enumerate(origins):
        order = torch.argsort(sims[i], descending=True).tolist()
        for j in order:
            if common.norm_key(pool[j], 10000) not in own[a]:
                out.append((a, pool[j]))
                break
    return out


def score_pairs(model, tok, pairs_):
    a = embed(model, tok, [x for x, _ in pairs_])
    b = embed(model, tok, [y for _, y in pairs_])
    return (a * b).sum(-1).numpy()


def metrics(model, tok, positives, unrelated, nearmiss):
    pos = score_pairs(model, tok, positives)
    unr = score_pairs(model, tok, unrelated)
    near = score_pairs(model, tok, nearmiss)
    result = {}
    for name, neg in (("unrelated", unr), ("near_miss", near), ("all_negatives", np.concatenate([unr, near]))):
        scores = np.concatenate([pos, neg])
        labels = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
        r, t, f = recall_at_fpr(scores, labels, 0.01)
        result[name] = {"roc_auc": roc_auc(scores, labels), "recall_at_1pct_fpr": r, "threshold": t, "fpr": f}
    return result


def main():
    seed_everything()
    rng = random.Random(common.SEED)
    tok = WordPiece()
    split = pairs()
    idf = corpus_idf(tok)
    model = BagEmbedder(tok.size, idf)

    def tfidf(texts):
        ids, mask = pad_batch([tok.encode(t, MAX_LEN)[0] for t in texts])
        v = torch.zeros(len(texts), tok.size)
        w = torch.tensor(idf, dtype=torch.float32)[ids] * mask
        v.scatter_add_(1, ids, w)
        return v / torch.linalg.vector_norm(v, dim=-1, keepdim=True).clamp(min=1e-9)

    evals = {}
    for part in ("val", "test"):
        positives, unrelated, _ = evaluation_set(split[part], None, rng)
        pool = [s for pair in split[part] for s in pair] + [s for pair in split["train"] for s in pair]
        evals[part] = (positives, unrelated, near_misses(positives, pool, tfidf))
    init_metrics = metrics(model, tok, *evals["test"])
    print("idf-init test", json.dumps(init_metrics), flush=True)

    train = split["train"]
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    best, best_state, history = metrics(model, tok, *evals["val"])["all_negatives"]["roc_auc"], None, []
    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for epoch in range(EPOCHS):
        model.train()
        rng.shuffle(train)
        started = time.time()
        for i in range(0, len(train), 32):
            chunk = train[i:i + 32]
            a = model(*pad_batch([tok.encode(x, MAX_LEN)[0] for x, _ in chunk]))
            b = model(*pad_batch([tok.encode(y, MAX_LEN)[0] for _, y in chunk]))
            logits = a @ b.T / 0.05
            target = torch.arange(len(chunk))
            loss = (nn.functional.cross_entropy(logits, target) + nn.functional.cross_entropy(logits.T, target)) / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
        val = metrics(model, tok, *evals["val"])["all_negatives"]["roc_auc"]
        history.append({"epoch": epoch + 1, "val_auc": val, "seconds": round(time.time() - started, 1)})
        print(history[-1], flush=True)
        if val > best:
            best, best_state = val, {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    exported = BagEmbedder(tok.size, None, export=True, trained=model)
    report = {"model": NAME, "seed": common.SEED, "history": history, "held_out_pairs": len(evals["test"][0]),
              "idf_init_baseline": init_metrics, "trained": metrics(exported, tok, *evals["test"])}
    print("trained test", json.dumps(report["trained"]), flush=True)
    folder = os.path.join(MODELS, NAME)
    common.export_onnx(exported, os.path.join(folder, "onnx", "model.onnx"), ["sentence_embedding"], {0: "batch_size"})
    common.write_tokenizer(folder, MAX_LEN)
    write_json(os.path.join(folder, "config.json"), {
        "model_type": "fasttext-wordpiece", "architectures": ["WordPieceBagSentenceEmbedder"],
        "vocab_size": tok.size, "hidden_size": DIM, "max_position_embeddings": MAX_LEN, "pad_token_id": 0,
        "normalize": True, "pooling": "mean"})
    samples = ["How do I reset my password?", "I forgot my password, how can I change it?", "What is the capital of France?"]
    vecs = embed(exported, tok, samples)
    write_json(os.path.join(MODELS, "reports", NAME + ".reference.json"),
               {"texts": samples, "cosine": (vecs @ vecs.T).tolist()})
    common.update_manifest(NAME, "embedder", None)
    common.write_report(NAME, report)


if __name__ == "__main__":
    main()
