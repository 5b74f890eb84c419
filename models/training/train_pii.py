"""Trains `models/pii-ner`: a token classifier (BIO over PERSON, LOCATION, ORGANIZATION, STREET_ADDRESS) on the
pretrained base — all-MiniLM-L6-v2 with the lower layers frozen and shared with the other models (training/finetune.py),
upper layers fine-tuned with a linear tag head — exported like a BertForTokenClassification (output `logits`
[batch, seq, labels]), int8 weights. Structured types (e-mail, phone, cards, …) are found by the checksum-validated
recognizers in C#, so here their tokens are "O". Data: Presidio synthetic sentences (held-out by text hash, 10% of
the rest for validation) + WNUT-17 (training only) + ordinary prompts as all-"O". The vocabulary is uncased: the
model never sees capital letters."""
import json
import math
import os
import random
import time

import numpy as np
import torch
from torch import nn

import common
import finetune
import minilm
import onnx_runtime
import quantize
import split_trunk
from common import MODELS, WordPiece, data, is_held_out, pad_batch, seed_everything, write_json

NAME = "pii-ner"
MAX_LEN = 256
EPOCHS = int(os.environ.get("PII_EPOCHS", "5"))
BATCH = 16
LR = 1e-4
HEAD_LR = 1e-3
ENTITIES = ["PERSON", "LOCATION", "ORGANIZATION", "STREET_ADDRESS"]
LABELS = ["O"] + [p + "-" + e for e in ENTITIES for p in ("B", "I")]
PRESIDIO_MAP = {"PERSON": "PERSON", "GPE": "LOCATION", "ORGANIZATION": "ORGANIZATION", "STREET_ADDRESS": "STREET_ADDRESS"}
WNUT_MAP = {"person": "PERSON", "location": "LOCATION", "corporation": "ORGANIZATION", "group": "ORGANIZATION"}
CACHE = os.path.join(MODELS, ".cache")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


class Tagger(nn.Module):
    """Upper layers + a tag per token, over cached trunk states (training)."""

    def __init__(self, base):
        super().__init__()
        self.upper = finetune.Upper(base)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(384, len(LABELS))

    def forward(self, states, mask):
        return self.out(self.drop(self.upper(states, mask)))


class TokenClassifier(nn.Module):
    """The exported model: the whole encoder (frozen base layers + fine-tuned upper layers) and the tag head."""

    def __init__(self, base, tagger):
        super().__init__()
        self.encoder = finetune.full_encoder(base, tagger.upper)
        self.out = tagger.out

    def forward(self, input_ids, attention_mask):
        return self.out(self.encoder(input_ids, attention_mask))


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


def decode(offsets, probs, threshold=0.0):
    """Entity spans [(start, end, type, score)] from per-token probabilities, the C# TokenClassifier's rule: each token
    takes its best tag; B (or a type change) starts a span, I of the same type extends it; score = mean probability of
    the span's tokens; spans below `threshold` are dropped."""
    pred = probs.argmax(-1)
    spans, cur = [], None
    for k in range(1, len(offsets) - 1):
        tag = LABELS[pred[k]]
        if tag == "O":
            if cur:
                spans.append(cur)
            cur = None
            continue
        prefix, ent = tag[0], tag[2:]
        if prefix == "B" or cur is None or cur[2] != ent:
            if cur:
                spans.append(cur)
            cur = [offsets[k][0], offsets[k][1], ent, [float(probs[k, pred[k]])]]
        else:
            cur[1] = offsets[k][1]
            cur[3].append(float(probs[k, pred[k]]))
    if cur:
        spans.append(cur)
    return [(a, b, t, sum(s) / len(s)) for a, b, t, s in spans if sum(s) / len(s) >= threshold]


def f1(examples, predictions):
    result = {}
    for ent in ENTITIES + ["ALL"]:
        tp = fp = fn = 0
        for e, p in zip(examples, predictions):
            gold = {(a, b, t) for a, b, t in e["spans"] if ent in ("ALL", t)}
            got = {(a, b, t) for a, b, t, *_ in p if ent in ("ALL", t)}
            tp += len(gold & got)
            fp += len(got - gold)
            fn += len(gold - got)
        prec = tp / max(1, tp + fp)
        rec = tp / max(1, tp + fn)
        result[ent] = {"precision": prec, "recall": rec, "f1": 2 * prec * rec / max(1e-9, prec + rec), "support": tp + fn}
    return result


def softmax(x):
    z = np.exp(x - x.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


def onnx_probs(path, examples):
    out = onnx_runtime.run(path, [e["ids"] for e in examples], ["logits"])["logits"]
    return [softmax(o) for o in out]


def tagger_probs(tagger, states):
    tagger.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(states), 64):
            x, m = finetune.pad_states(states[i:i + 64])
            p = torch.softmax(tagger(x, m), -1).numpy()
            out += [p[k, :len(states[i + k])] for k in range(len(x))]
    return out


def main():
    seed_everything()
    started = time.time()
    tok = WordPiece()
    base = minilm.base_encoder()
    enc = base["encoder"]
    trunk = finetune.Trunk(enc)
    pres = presidio(tok)
    wn = [e for e in wnut(tok) if e["spans"]][:2000]
    val = [e for e in pres["train"] if is_held_out("val:" + e["text"], 10)]
    train = [e for e in pres["train"] if not is_held_out("val:" + e["text"], 10)]
    plain = plain_prompts(tok, 2000)
    # Presidio sentences are the target domain: repeat them so tweets and plain prompts do not dominate.
    train_set = train * 3 + wn + plain
    print(f"presidio train {len(train)} val {len(val)} test {len(pres['test'])}; wnut {len(wn)}; plain prompts {len(plain)}", flush=True)
    fp32 = os.path.join(CACHE, NAME + ".fp32.onnx")
    if os.environ.get("PII_REUSE_EXPORT") == "1" and os.path.exists(fp32):
        # Re-ship the model trained last time (its fp32 export) without training again.
        model = minilm.load_export(TokenClassifier(enc, Tagger(enc)), fp32)
        previous = json.load(open(os.path.join(MODELS, "reports", NAME + ".json"), encoding="utf-8"))
        history, train_seconds = previous["history"], previous["seconds_training"]
    else:
        t0 = time.time()
        states = finetune.cache_states(trunk, [e["ids"] for e in train_set])
        val_states = finetune.cache_states(trunk, [e["ids"] for e in val])
        print(f"cached trunk states in {time.time() - t0:.0f} s", flush=True)
        tagger = Tagger(enc)
        opt = torch.optim.AdamW([{"params": tagger.upper.parameters(), "lr": LR},
                                 {"params": tagger.out.parameters(), "lr": HEAD_LR}], weight_decay=0.01)
        steps = EPOCHS * math.ceil(len(train_set) / BATCH)
        sched = finetune.linear_schedule(opt, steps)
        loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
        rng = finetune.rng_for(common.SEED)
        lengths = [len(e["ids"]) for e in train_set]
        best, best_state, history = -1, None, []
        train_started = time.time()
        for epoch in range(EPOCHS):
            tagger.train()
            t0, total = time.time(), 0.0
            for idx in finetune.length_batches(len(train_set), lengths, BATCH, rng):
                x, m = finetune.pad_states([states[k] for k in idx])
                labels = torch.full(m.shape, -100, dtype=torch.long)
                for r, k in enumerate(idx):
                    labels[r, :len(train_set[k]["labels"])] = torch.tensor(train_set[k]["labels"])
                loss = loss_fn(tagger(x, m).reshape(-1, len(LABELS)), labels.reshape(-1))
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(tagger.parameters(), 1.0)
                opt.step()
                sched.step()
                total += float(loss) * len(idx)
            probs = tagger_probs(tagger, val_states)
            score = f1(val, [decode(e["offsets"], p) for e, p in zip(val, probs)])["ALL"]["f1"]
            history.append({"epoch": epoch + 1, "loss": total / len(train_set), "val_f1": score, "seconds": round(time.time() - t0)})
            print(history[-1], flush=True)
            if score > best:
                best, best_state = score, {k: v.detach().clone() for k, v in tagger.state_dict().items()}
        train_seconds = round(time.time() - train_started)
        tagger.load_state_dict(best_state)
        model = TokenClassifier(enc, tagger).eval()
        common.export_onnx(model, fp32, ["logits"], {0: "batch_size", 1: "sequence_length"})
    int8 = os.path.join(CACHE, NAME + ".int8_7bit.onnx")
    quantize.quantize(fp32, int8, reduce_range=True)
    report = {"model": NAME, "seed": common.SEED, "base": {k: v for k, v in base.items() if k != "encoder"},
              "frozen_layers": finetune.FROZEN, "history": history, "held_out_presidio_sentences": len(pres["test"]),
              "validation_presidio_sentences": len(val), "variants": {}}
    for label, path in (("fp32", fp32), ("int8_7bit", int8)):
        vp = onnx_probs(path, val)
        tp = onnx_probs(path, pres["test"])
        grid = {str(t): f1(val, [decode(e["offsets"], p, t) for e, p in zip(val, vp)])["ALL"]["f1"] for t in THRESHOLDS}
        threshold = float(max(THRESHOLDS, key=lambda t: (grid[str(t)], -abs(t - 0.5))))
        report["variants"][label] = {
            "bytes": os.path.getsize(path), "validation_f1_by_threshold": grid, "threshold_chosen_on_validation": threshold,
            "held_out_at_chosen_threshold": f1(pres["test"], [decode(e["offsets"], p, threshold) for e, p in zip(pres["test"], tp)]),
            "held_out_at_0.5": f1(pres["test"], [decode(e["offsets"], p, 0.5) for e, p in zip(pres["test"], tp)])}
        print(label, threshold, json.dumps({k: round(v["f1"], 3) for k, v in report["variants"][label]["held_out_at_chosen_threshold"].items()}), flush=True)
    # int8 ships when its validation F1 (each at its own validation-chosen threshold) is within 0.01 of fp32's.
    val_best = {v: report["variants"][v]["validation_f1_by_threshold"][str(report["variants"][v]["threshold_chosen_on_validation"])]
                for v in ("fp32", "int8_7bit")}
    chosen = "int8_7bit" if val_best["int8_7bit"] >= val_best["fp32"] - 0.01 else "fp32"
    report["shipped"] = chosen
    folder = os.path.join(MODELS, NAME)
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    with open(int8 if chosen != "fp32" else fp32, "rb") as src, open(os.path.join(folder, "onnx", "model.onnx"), "wb") as dst:
        dst.write(src.read())
    common.write_tokenizer(folder, MAX_LEN)
    write_json(os.path.join(folder, "config.json"), minilm.hf_config(
        architectures=["BertForTokenClassification"], frozen_base_layers=finetune.FROZEN,
        quantization=None if chosen == "fp32" else quantize.describe(chosen),
        default_thresholds={"entity": report["variants"][chosen]["threshold_chosen_on_validation"]},
        id2label={str(i): l for i, l in enumerate(LABELS)}, label2id={l: i for i, l in enumerate(LABELS)}))
    minilm.write_notice(folder, f"layers {finetune.FROZEN + 1}-6 fine-tuned with a token classification head (PERSON, "
                                "LOCATION, ORGANIZATION, STREET_ADDRESS BIO tags); int8 weights")
    sample = "My name is John Smith and I work for Microsoft in Seattle."
    twin = model if chosen == "fp32" else quantize.quantized_copy(model, reduce_range=True)
    ids, offsets = tok.encode(sample, MAX_LEN)
    with torch.no_grad():
        probs = torch.softmax(twin(*pad_batch([ids])), -1)[0].numpy()
    spans = [[a, b, t] for a, b, t, _ in decode(offsets, probs)]
    write_json(os.path.join(MODELS, "reports", NAME + ".reference.json"), {"text": sample, "spans": spans})
    report["seconds_training"] = train_seconds
    report["seconds_total"] = round(time.time() - started)
    split_trunk.split_folder(folder)
    common.update_manifest(NAME, "token-classifier", LABELS)
    common.write_report(NAME, report)
    print("shipped", chosen, "seconds", report["seconds_total"], flush=True)


if __name__ == "__main__":
    main()
