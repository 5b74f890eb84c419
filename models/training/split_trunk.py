"""Splits a shipped encoder graph at the top of its frozen layers into two graphs, so the runtime can compute the
shared part once per prompt for every model that has it (docs/inference.md, "Shared trunk"):

    onnx/trunk.onnx   input_ids, attention_mask -> trunk_hidden_states   (embeddings + frozen layers 1..k)
    onnx/model.onnx   trunk_hidden_states, attention_mask [, input_ids] -> the model's outputs   (layers k+1.. + heads)

The prompt classifier and the PII tagger keep all-MiniLM-L6-v2's embeddings and layers 1-3 exactly as published
(the sentence embedder's), so their trunks hold the same weights. Node, tensor and initializer names in the trunk are
rewritten to canonical ones, which makes the three trunk.onnx files byte-identical: the C# engine shares one session
and one result per prompt between folders whose trunk files have the same SHA-256 (and runs each folder alone just
as well). The split is exact: the same operators on the same tensors, cut at an fp32 tensor.

    /usr/bin/python3 models/training/split_trunk.py            # splits every default model folder not yet split

train_embedder.py, train_classifier.py and train_pii.py call split_folder() on their output before writing the
manifest; merged() rebuilds one graph for tools that need it (baselines.py)."""
import json
import os
import sys
import tempfile

import onnx
import onnx.compose
import onnx.utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import MODELS, write_json  # noqa: E402

BOUNDARY = "trunk_hidden_states"
SHARED = ("sentence-embedder", "prompt-classifier", "pii-ner")


def _boundary_name(model, frozen):
    suffix = f"layers.{frozen - 1}/out_norm/Add_1_output_0"
    names = [o for n in model.graph.node for o in n.output if o.endswith(suffix)]
    if len(names) != 1:
        raise SystemExit(f"expected one tensor ending in {suffix}, found {names}")
    return names[0]


def _rename(graph, old, new, hidden):
    for node in graph.node:
        node.input[:] = [new if i == old else i for i in node.input]
        node.output[:] = [new if o == old else o for o in node.output]
    # The export's value_info has no entry for the cut tensor; give it its type so the graphs check.
    typed = onnx.helper.make_tensor_value_info(new, onnx.TensorProto.FLOAT, ["batch", "sequence", hidden])
    for values in (graph.input, graph.output):
        for value in values:
            if value.name == old:
                value.CopyFrom(typed)


def _canonical(graph, keep):
    """Renames every node, initializer and intermediate tensor to its position, so equal computations serialize to
    equal bytes whatever module path the export gave them."""
    mapping = {}
    for i, init in enumerate(graph.initializer):
        mapping[init.name] = f"w{i}"
    for i, node in enumerate(graph.node):
        node.name = f"n{i}"
        for j, out in enumerate(node.output):
            if out and out not in keep:
                mapping[out] = f"t{i}_{j}"
    for init in graph.initializer:
        init.name = mapping[init.name]
    for node in graph.node:
        node.input[:] = [mapping.get(x, x) for x in node.input]
        node.output[:] = [mapping.get(x, x) for x in node.output]
    for value in graph.value_info:
        value.name = mapping.get(value.name, value.name)


def split_folder(folder, frozen=3):
    """Rewrites folder/onnx/model.onnx (a full graph) into trunk.onnx + the upper model.onnx; records the split in
    config.json. A folder already split is left alone."""
    config_path = os.path.join(folder, "config.json")
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    if "trunk" in config:
        return config["trunk"]
    full_path = os.path.join(folder, "onnx", "model.onnx")
    model = onnx.load(full_path)
    cut = _boundary_name(model, frozen)
    inputs = [i.name for i in model.graph.input]
    outputs = [o.name for o in model.graph.output]
    extractor = onnx.utils.Extractor(model)
    trunk = extractor.extract_model(inputs, [cut])
    upper = extractor.extract_model([cut] + inputs, outputs)

    _rename(trunk.graph, cut, BOUNDARY, config["hidden_size"])
    _canonical(trunk.graph, keep={BOUNDARY} | set(inputs))
    del trunk.graph.value_info[:]
    trunk.graph.name = "encoder-trunk"
    trunk.doc_string = f"embeddings + layers 1-{frozen} of {config.get('base_model', 'the base encoder')}"
    del trunk.metadata_props[:]

    _rename(upper.graph, cut, BOUNDARY, config["hidden_size"])
    used = {i for n in upper.graph.node for i in n.input}
    kept = [i for i in upper.graph.input if i.name in used]
    del upper.graph.input[:]
    upper.graph.input.extend(kept)

    onnx.checker.check_model(trunk)
    onnx.checker.check_model(upper)
    onnx.save(trunk, os.path.join(folder, "onnx", "trunk.onnx"))
    onnx.save(upper, full_path)
    config["trunk"] = {"path": "onnx/trunk.onnx", "output": BOUNDARY, "layers": frozen}
    write_json(config_path, config)
    return config["trunk"]


def merged(folder):
    """One full graph (trunk then upper) in a temporary file, for tools that run the model as one graph."""
    with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    if "trunk" not in config:
        return os.path.join(folder, "onnx", "model.onnx")
    trunk = onnx.load(os.path.join(folder, config["trunk"]["path"]))
    upper = onnx.load(os.path.join(folder, "onnx", "model.onnx"))
    # merge_models needs distinct names for the shared graph inputs: the upper's copies are fed from the trunk's.
    names = [o.name for o in upper.graph.output]
    upper = onnx.compose.add_prefix(upper, "upper/")
    io_map = [(BOUNDARY, "upper/" + BOUNDARY)] + [(i.name, "upper/" + i.name) for i in trunk.graph.input
                                                   if any(u.name == "upper/" + i.name for u in upper.graph.input)]
    # Graph inputs cannot be io_map sources; pass them through the trunk as outputs first.
    for name, _ in io_map[1:]:
        node = onnx.helper.make_node("Identity", [name], [name + "_through"])
        trunk.graph.node.append(node)
        source = next(i for i in trunk.graph.input if i.name == name)
        out = onnx.ValueInfoProto()
        out.CopyFrom(source)
        out.name = name + "_through"
        trunk.graph.output.append(out)
    io_map = [io_map[0]] + [(n + "_through", u) for n, u in io_map[1:]]
    full = onnx.compose.merge_models(trunk, upper, io_map=io_map, outputs=["upper/" + n for n in names])
    for name in names:
        for node in full.graph.node:
            node.output[:] = [name if o == "upper/" + name else o for o in node.output]
        for value in full.graph.output:
            if value.name == "upper/" + name:
                value.name = name
    path = os.path.join(tempfile.mkdtemp(prefix="merged-"), "model.onnx")
    onnx.save(full, path)
    return path


def main():
    digests = {}
    for name in SHARED:
        folder = os.path.join(MODELS, name)
        trunk = split_folder(folder)
        digests[name] = common.sha256_file(os.path.join(folder, trunk["path"]))
        print(f"{name}: trunk {digests[name][:16]}", flush=True)
    if len(set(digests.values())) != 1:
        raise SystemExit(f"the trunks differ, so nothing would be shared: {digests}")
    with open(os.path.join(MODELS, "manifest.json"), encoding="utf-8") as f:
        entries = {m["name"]: m for m in json.load(f)["models"]}
    for name in SHARED:
        common.update_manifest(name, entries[name]["kind"], entries[name].get("labels"))


if __name__ == "__main__":
    main()
