"""Loads the training sources from ../shared/data and splits them into train / validation / held-out.
Held-out membership is a hash of the text (common.is_held_out), never trained on or tuned on."""
import csv
import glob
import json
import os
import re

from common import data, is_held_out, norm_key

CATEGORIES = ["biology", "business", "chemistry", "computer science", "economics", "engineering", "health",
              "history", "law", "math", "philosophy", "physics", "psychology", "other"]


def _split(text):
    if is_held_out(text):
        return "test"
    # A further 10% of the rest for validation (early stopping, thresholds).
    return "val" if is_held_out("val:" + text, 10) else "train"


def domain_examples():
    """MMLU-Pro rows (question, options) plus the original MMLU questions from mmlu-routellm mapped through
    MMLU-Pro's own src → category pairs. Extra rows that duplicate a held-out question are dropped."""
    rows = [json.loads(line) for line in open(data("domain", "mmlu_pro_train.jsonl"), encoding="utf-8")]
    src_to_cat = {}
    out = {"train": [], "val": [], "test": []}
    test_keys = set()
    all_keys = set()
    for r in rows:
        q = r["question"].strip()
        split = _split(q)
        out[split].append({"question": q, "options": r.get("options") or [], "label": r["category"], "source": "mmlu-pro"})
        key = norm_key(q, 80)
        all_keys.add(key)
        if split != "train":
            test_keys.add(key)
        src = r.get("src", "")
        if src.startswith("ori_mmlu-"):
            src_to_cat[src[len("ori_mmlu-"):]] = r["category"]
    extra = 0
    for path in sorted(glob.glob(data("domain", "mmlu-routellm", "responses", "mmlu_*.csv"))):
        subject = os.path.basename(path)[len("mmlu_"):-len(".csv")]
        cat = src_to_cat.get(subject)
        if cat is None:
            continue
        with open(path, encoding="utf-8", newline="") as f:
            for rec in csv.DictReader(f):
                prompt = rec.get("prompt") or ""
                q = re.split(r"\n[A-D]\. ", prompt, maxsplit=1)[0].strip()
                options = re.findall(r"\n[A-D]\. (.*)", prompt)
                if not q or norm_key(q, 80) in test_keys or is_held_out(q):
                    continue
                out["train"].append({"question": q, "options": options, "label": cat, "source": "mmlu"})
                extra += 1
    return out, extra


def _read_json(*parts):
    with open(data(*parts), encoding="utf-8") as f:
        return json.load(f)


def _csv_column(path, column):
    with open(path, encoding="utf-8", newline="") as f:
        return [r[column] for r in csv.DictReader(f) if r.get(column)]


def jailbreak_examples():
    """Positives: in-the-wild and DAN-family jailbreaks, JailbreakBench PAIR/GCG/JBC attack prompts, prompt
    injections (CyberSecEval direct+indirect, Giskard). Negatives: everyday and exam questions, MT-Bench,
    XSTest (safe look-alikes and plain unsafe requests), Do-Not-Answer harmful requests (harmful is not a
    jailbreak; content safety is a separate concern), PII sentences and documentation sentences."""
    pos = []
    pos += [(t, "inthewild") for t in _read_json("jailbreak", "inthewild_train.json")]
    for path in sorted(glob.glob(data("jailbreak", "dan", "*.json"))):
        with open(path, encoding="utf-8") as f:
            for t in json.load(f):
                pos.append((t.replace("{generator.name}", "ChatGPT"), "dan"))
    for method in ("PAIR", "GCG", "JBC"):
        for path in sorted(glob.glob(data("jailbreak", "jailbreakbench-artifacts", method, "*.json"))):
            with open(path, encoding="utf-8") as f:
                for j in json.load(f)["jailbreaks"]:
                    if j.get("prompt"):
                        pos.append((j["prompt"], "jbb-" + method.lower()))
    for name in ("jailbreak_prompts.csv", "jailbreak_prompts_itw.csv", "jailbreak_prompts_train.csv"):
        path = data("jailbreak", "jailbreak-self-reminder", name)
        if os.path.exists(path):
            pos += [(t, "self-reminder") for t in _csv_column(path, "prompt")]
    for case in _read_json("jailbreak", "cyberseceval-prompt-injection", "prompt_injection.json"):
        pos.append((case["user_input"], "cyberseceval-injection"))
    pos += [(t, "giskard-injection") for t in _csv_column(data("jailbreak", "giskard-prompt-injections", "prompt_injections.csv"), "prompt")]

    neg = []
    with open(data("jailbreak", "xstest_train.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            neg.append((r["prompt"], "xstest-" + r["label"]))
    for path in sorted(glob.glob(data("jailbreak", "donotanswer", "*.jsonl"))):
        for line in open(path, encoding="utf-8"):
            neg.append((json.loads(line)["prompt"], "donotanswer"))
    for line in open(data("domain", "mmlu-routellm", "question.jsonl"), encoding="utf-8"):
        for t in json.loads(line)["turns"]:
            neg.append((t, "mt-bench"))
    for line in open(data("hallucination", "halueval-general", "general_data.json"), encoding="utf-8"):
        if line.strip():
            neg.append((json.loads(line)["user_query"], "everyday"))
    for r in _read_json("pii", "presidio_synth_train.json"):
        neg.append((r["full_text"], "pii-sentences"))
    for p in _read_json("cache", "paraphrase_pairs_train.json"):
        neg.append((p["origin"], "docs"))
    for line in open(data("domain", "mmlu_pro_train.jsonl"), encoding="utf-8"):
        q = json.loads(line)["question"].strip()
        # Only domain-training questions, so the shared encoder never sees a domain held-out question.
        if _split(q) == "train":
            neg.append((q, "mmlu-pro"))

    out = {"train": [], "val": [], "test": []}
    seen = set()
    for items, label in ((pos, 1), (neg, 0)):
        for text, source in items:
            text = text.strip()
            key = norm_key(text, 200)
            if not text or key in seen:
                continue
            seen.add(key)
            # Near-identical templates (same opening) go to the same split, so held-out recall is not a
            # memory test of a template seen in training.
            out[_split(norm_key(text, 60))].append({"text": text, "label": label, "source": source})
    return out
