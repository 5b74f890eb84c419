"""Writes the validation and held-out splits as JSONL to a folder OUTSIDE the repository, for the C# evaluations
through the shipped ONNX models (the data itself is never committed):

    /usr/bin/python3 models/training/export_splits.py /tmp/splits
    dotnet run --project tests/SemanticRouter.Signals.Benchmarks -- jailbreak-threshold /tmp/splits/jailbreak_val.jsonl /tmp/splits/jailbreak_test.jsonl
    SemanticRouter eval --config config/examples/learned-signals.yaml --dataset /tmp/splits/domain_test.jsonl
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402


def main(folder):
    os.makedirs(folder, exist_ok=True)
    jb = datasets.jailbreak_examples()
    for part in ("val", "test"):
        with open(os.path.join(folder, f"jailbreak_{part}.jsonl"), "w", encoding="utf-8") as f:
            for e in jb[part]:
                f.write(json.dumps({"text": e["text"], "label": e["label"], "source": e["source"],
                                    "expected": {"jailbreak": bool(e["label"])}}) + "\n")
    dom, _ = datasets.domain_examples()
    with open(os.path.join(folder, "domain_test.jsonl"), "w", encoding="utf-8") as f:
        for e in dom["test"]:
            f.write(json.dumps({"text": e["question"], "expected": {"domain": e["label"]}}) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2 or os.path.abspath(sys.argv[1]).startswith(os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))):
        raise SystemExit("usage: export_splits.py FOLDER (outside the repository)")
    main(sys.argv[1])
