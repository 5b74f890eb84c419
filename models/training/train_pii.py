"""Trains `models/pii-ner`: a token classifier (BIO over PERSON, LOCATION, ORGANIZATION, STREET_ADDRESS) that
reads WordPiece ids like a BERT token-classification export (output `logits` [batch, seq, labels]). Structured
types (e-mail, phone, cards, …) are found by the checksum-validated recognizers in C#, so here their tokens are "O".
Data: Presidio synthetic sentences (held-out by text hash) + WNUT-17 (all of it; it is never evaluated on)."""
import json
import os
import random
import time

import torch
from torch import nn

import common
from common import MODELS, WordPiece, data, is_held_out, pad_batch, seed_everything, write_json
from fasttext_model import HASH_MUL, Half

NAME = "pii-ner"
MAX_LEN = 256
DIM = 64
BUCKETS = 1 << 14
CHANNELS = 128
EPOCHS = 6
BATCH = 32
ENTITIES = ["PERSON", "LOCATION", "ORGANIZATION", "STREET_ADDRESS"]
LABELS = ["O"] + [p + "-" + e for e in ENTITIES for p in ("B", "I")]
PRESIDIO_MAP = {"PERSON": "PERSON", "GPE": "LOCATION", "ORGANIZATION": "ORGANIZATION", "STREET_ADDRESS": "STREET_ADDRESS"}
WNUT_MAP = {"person": "PERSON", "location": "LOCATION", "corporation": "ORGANIZATION", "group": "ORGANIZATION"}


class ConvTagger(nn.Module):
    """Token vectors (unigram + hashed left/right bigrams) → two dilated 1-D convolutions → per-token logits."""

    def __init__(self, vocab_size, export=False, trained=None):
        super().__init__()
        if export:
            self.uni = Half(trained.uni.weight)
            self.ngram = Half(trained.ngram.weight)
        else:
            self.uni = nn.Embedding(vocab_size, DIM)
            self.ngram = nn.Embedding(BUCKETS, DIM)
            nn.init.normal_(self.uni.weight, std=0.1)
            nn.init.normal_(self.ngram.weight, std=0.1)
        self.conv1 = nn.Conv1d(DIM, CHANNELS, 5, padding=2) if trained is None else trained.conv1
        self.conv2 = nn.Conv1d(CHANNELS, CHANNELS, 5, padding=4, dilation=2) if trained is None else trained.conv2
        self.out = nn.Linear(CHANNELS, len(LABELS)) if trained is None else trained.out
        self.drop = nn.Dropout(0.2)

    def forward(self, input_ids, attention_mask):
        m = attention_mask.to(torch.float32).unsqueeze(-1)
        prev = torch.cat([input_ids[:, :1] * 0, input_ids[:, :-1]], dim=1)
        nxt = torch.cat([input_ids[:, 1:], input_ids[:, :1] * 0], dim=1)
        left = (prev * HASH_MUL + input_ids) % BUCKETS
        right = (input_ids * HASH_MUL + nxt + 11) % BUCKETS
        x = (self.uni(input_ids) + 0.5 * (self.ngram(left) + self.ngram(right))) * m
        # Padding rows are zeroed after every layer, so they never feed real tokens' receptive fields.
        h = torch.relu(self.conv1(self.drop(x).transpose(1, 2))).transpose(1, 2) * m
        h = torch.relu(self.conv2(self.drop(h).transpose(1, 2))).transpose(1, 2) * m + h
        return self.out(self.drop(h)) * m


def bio(tok, text, spans):
    """Token ids and BIO label ids from character spans [(start, end, entity)]."""
    ids, offsets = tok.encode(text, MAX_LEN)
    labels = []
    for k, (s, e) in enumerate(offsets):
        if k == 0 or k == len(offsets) - 1:
            labels.append(-100)
            continue
        tag = "O"
        for (a, b, ent) in spans:
            if s >= a and e <= b and e > s:
                tag = ("B-" if not any(a <= offsets[j][0] < b for j in range(1, k)) else "I-") + ent
                break
        labels.append(LABELS.index(tag))
    return ids, labels, offsets


def presidio(tok):
    with open(data("pii", "presidio_synth_train.json"), encoding="utf-8") as f:
        rows = json.load(f)
    out = {"train": [], "test": []}
    for r in rows:
        text = r["full_text"]
        spans = [(s["start_position"], s["end_position"], PRESIDIO_MAP[s["entity_type"]]) for s in r["spans"] if s["entity_type"] in PRESIDIO_MAP]
        ids, labels, offsets = bio(tok, text, spans)
        out["test" if is_held_out(text) else "train"].append({"text": text, "ids": ids, "labels": labels, "offsets": offsets, "spans": spans})
    return out


def wnut(tok):
    examples = []
    for name in ("wnut17train.conll", "emerging.dev.conll", "emerging.test.annotated"):
        path = data("pii", "wnut17-ner", name)
        if not os.path.exists(path):
            continue
        words, tags = [], []
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    examples.append(_wnut_example(tok, words, tags))
                words, tags = [], []
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                words.append(parts[0])
                tags.append(parts[-1])
        if words:
            examples.append(_wnut_example(tok, words, tags))
    return examples


def plain_prompts(tok, n):
    texts = []
    for line in open(data("domain", "mmlu_pro_train.jsonl"), encoding="utf-8"):
        q = json.loads(line)["question"]
        if not is_held_out(q):
            texts.append(q)
    for line in open(data("hallucination", "halueval-general", "general_data.json"), encoding="utf-8"):
        if line.strip():
            texts.append(json.loads(line)["user_query"])
    random.Random(common.SEED).shuffle(texts)
    out = []
    for t in texts[:n]:
        ids, labels, offsets = bio(tok, t, [])
        out.append({"text": t, "ids": ids, "labels": labels, "offsets": offsets, "spans": []})
    return out


def _wnut_example(tok, words, tags):
    text, spans, pos, current = "", [], 0, None
    for w, t in zip(words, tags):
        if text:
            text += " "
        start = len(text)
        text += w
        ent = WNUT_MAP.get(t[2:]) if t != "O" else None
        if ent and t.startswith("I-") and current and current[2] == ent:
            current[1] = len(text)
        else:
            if current:
                spans.append(tuple(current))
            current = [start, len(text), ent] if ent else None
    if current:
        spans.append(tuple(current))
    ids, labels, offsets = bio(tok, text, spans)
    return {"text": text, "ids": ids, "labels": labels, "offsets": offsets, "spans": spans}


def decode(offsets, pred):
    """Entity spans [(start, end, type)] from per-token label ids (same merging rule as the C# TokenClassifier)."""
    spans, cur = [], None
    for k in range(1, len(offsets) - 1):
        tag = LABELS[pred[k]]
        if tag == "O":
            if cur:
                spans.append(tuple(cur))
            cur = None
            continue
        prefix, ent = tag[0], tag[2:]
        if prefix == "B" or cur is None or cur[2] != ent:
            if cur:
                spans.append(tuple(cur))
            cur = [offsets[k][0], offsets[k][1], ent]
        else:
            cur[1] = offsets[k][1]
    if cur:
        spans.append(tuple(cur))
    return spans


def predict(model, examples):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(examples), 32):
            chunk = examples[i:i + 32]
            ids, mask = pad_batch([e["ids"] for e in chunk])
            pred = model(ids, mask).argmax(-1)
            for k, e in enumerate(chunk):
                out.append(decode(e["offsets"], pred[k, :len(e["ids"])].tolist()))
    return out


def f1(examples, predictions):
    result = {}
    for ent in ENTITIES + ["ALL"]:
        tp = fp = fn = 0
        for e, p in zip(examples, predictions):
            gold = {(a, b, t) for a, b, t in e["spans"] if ent in ("ALL", t)}
            got = {(a, b, t) for a, b, t in p if ent in ("ALL", t)}
            tp += len(gold & got)
            fp += len(got - gold)
            fn += len(gold - got)
        prec = tp / max(1, tp + fp)
        rec = tp / max(1, tp + fn)
        result[ent] = {"precision": prec, "recall": rec, "f1": 2 * prec * rec / max(1e-9, prec + rec), "support": tp + fn}
    return result


def main():
    seed_everything()
    tok = WordPiece()
    pres = presidio(tok)
    # Tweets are noisy and far from prompts: only those with entities, and at most 2,000 of them.
    wn = [e for e in wnut(tok) if e["spans"]][:2000]
    rng = random.Random(common.SEED)
    val = [e for e in pres["train"] if is_held_out("val:" + e["text"], 10)]
    train = [e for e in pres["train"] if e not in val]
    # Presidio sentences are the target domain: repeat them so tweets do not dominate.
    # Ordinary prompts without annotations as all-"O" examples, so everyday words ("sea level", "the order") are
    # not tagged; prompts can still mention names, which this teaches the model to miss, a trade-off for precision.
    plain = plain_prompts(tok, 2000)
    train_set = train * 3 + wn + plain
    print(f"presidio train {len(train)} val {len(val)} test {len(pres['test'])}; wnut {len(wn)}; plain prompts {len(plain)}", flush=True)
    model = ConvTagger(tok.size)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    best, best_state, history = -1, None, []
    for epoch in range(EPOCHS):
        model.train()
        rng.shuffle(train_set)
        started, total = time.time(), 0.0
        for i in range(0, len(train_set), BATCH):
            chunk = train_set[i:i + BATCH]
            ids, mask = pad_batch([e["ids"] for e in chunk])
            labels = torch.full(ids.shape, -100, dtype=torch.long)
            for k, e in enumerate(chunk):
                labels[k, :len(e["labels"])] = torch.tensor(e["labels"])
            logits = model(ids, mask)
            loss = loss_fn(logits.reshape(-1, len(LABELS)), labels.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += float(loss) * len(chunk)
        score = f1(val, predict(model, val))["ALL"]["f1"]
        history.append({"epoch": epoch + 1, "loss": total / len(train_set), "val_f1": score, "seconds": round(time.time() - started, 1)})
        print(history[-1], flush=True)
        if score > best:
            best, best_state = score, {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    exported = ConvTagger(tok.size, export=True, trained=model)
    report = {"model": NAME, "seed": common.SEED, "history": history,
              "held_out_presidio_sentences": len(pres["test"]),
              "entity_f1_exact_span": f1(pres["test"], predict(exported, pres["test"]))}
    print(report["entity_f1_exact_span"], flush=True)
    folder = os.path.join(MODELS, NAME)
    common.export_onnx(exported, os.path.join(folder, "onnx", "model.onnx"), ["logits"], {0: "batch_size", 1: "sequence_length"})
    common.write_tokenizer(folder, MAX_LEN)
    write_json(os.path.join(folder, "config.json"), {
        "model_type": "fasttext-wordpiece", "architectures": ["WordPieceConvForTokenClassification"],
        "vocab_size": tok.size, "hidden_size": CHANNELS, "max_position_embeddings": MAX_LEN, "pad_token_id": 0,
        "id2label": {str(i): l for i, l in enumerate(LABELS)}, "label2id": {l: i for i, l in enumerate(LABELS)}})
    sample = "My name is John Smith and I work for Microsoft in Seattle."
    spans = predict(exported, [dict(zip(("ids", "offsets"), tok.encode(sample, MAX_LEN)))])[0]
    write_json(os.path.join(MODELS, "reports", NAME + ".reference.json"), {"text": sample, "spans": spans})
    common.update_manifest(NAME, "token-classifier", LABELS)
    common.write_report(NAME, report)


if __name__ == "__main__":
    main()
