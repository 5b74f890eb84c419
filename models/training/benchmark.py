"""Latency of the model variants through the C# engine (models/training/latency), fp32 and int8 side by side, at
16/64/100/128/512 tokens with 1 and 2 intra-op threads; writes models/reports/latency.json.

    /usr/bin/python3 models/training/benchmark.py [NAME ...]

Each variant runs from a copy of its folder under models/.cache/latency/ whose tokenizer truncates at 512 tokens, so
every length is measured as asked (the shipped folders may truncate earlier, e.g. the embedder at 256)."""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MODELS, REPO, write_json  # noqa: E402

CACHE = os.path.join(MODELS, ".cache")
TOKENS = "16,64,100,128,512"


def variants(name):
    """(label, onnx file) pairs: the fp32 and int8 exports the training step left in models/.cache."""
    out = []
    for label in ("fp32", "int8", "int8_7bit"):
        path = os.path.join(CACHE, f"{name}.{label}.onnx")
        if os.path.exists(path):
            out.append((label, path))
    return out


def timing_folder(name, label, onnx_path):
    folder = os.path.join(CACHE, "latency", f"{name}.{label}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "onnx"))
    for f in ("config.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(MODELS, name, f), folder)
    with open(os.path.join(MODELS, name, "tokenizer.json"), encoding="utf-8") as f:
        spec = json.load(f)
    spec["truncation"]["max_length"] = 512
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f)
    cfg = json.load(open(os.path.join(folder, "config.json"), encoding="utf-8"))
    cfg["max_position_embeddings"] = 512
    write_json(os.path.join(folder, "config.json"), cfg)
    with open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8") as f:
        tc = json.load(f)
    tc["model_max_length"] = 512
    write_json(os.path.join(folder, "tokenizer_config.json"), tc)
    os.link(onnx_path, os.path.join(folder, "onnx", "model.onnx"))
    return folder


def main(names):
    path = os.path.join(MODELS, "reports", "latency.json")
    report = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {}
    project = os.path.join(MODELS, "training", "latency")
    subprocess.run(["dotnet", "build", "-c", "Release", project], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    for name in names:
        folders = [timing_folder(name, label, p) for label, p in variants(name)]
        rows = []
        for threads in (1, 2):
            out = subprocess.run(["dotnet", "run", "-c", "Release", "--no-build", "--project", project, "--",
                                  "--threads", str(threads), "--tokens", TOKENS, *folders],
                                 check=True, cwd=REPO, capture_output=True, text=True).stdout
            for line in out.splitlines():
                if line.startswith("{"):
                    row = json.loads(line)
                    row["variant"] = row.pop("model").split(".", 1)[1]
                    rows.append(row)
                    print(name, row, flush=True)
        report[name] = rows
        write_json(path, report)


if __name__ == "__main__":
    main(sys.argv[1:] or ["sentence-embedder", "prompt-classifier", "pii-ner"])
