"""int8 weights inside an exported fp32 ONNX graph, with per-channel scales, as ONNX Runtime's dynamic quantization
lays them out (no onnxruntime Python package here, so the graph is rewritten with the onnx package):

- every MatMul with a constant 2-D weight [K, N] becomes DynamicQuantizeLinear(X) (uint8 activations, one scale per
  tensor, computed per run) → MatMulInteger(Xq, Wq int8) → Cast → Mul(Xscale · Wscale[N]); ONNX Runtime fuses this
  into DynamicQuantizeMatMul / MatMulIntegerToFloat, which use the CPU's int8 dot-product instructions (AVX512-VNNI
  here). Weights are symmetric int8 with one scale per output column.
- the word-embedding table (a Gather over input_ids) becomes an int8 table with one float scale per row:
  Gather(Wq) → Cast → Mul(Gather(scale)) — a quarter of the size.

`reduce_range` keeps weights in [-63, 63] (7 bits): on CPUs without VNNI, ONNX Runtime's u8·s8 kernels (VPMADDUBSW)
can saturate a 16-bit pair sum with full-range weights; 7-bit weights cannot saturate it."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _is_table(node, init, min_rows):
    """A Gather of rows (axis 0) from a constant 2-D table of at least min_rows rows: an embedding lookup."""
    axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
    table = init.get(node.input[0])
    return (axis == 0 and table is not None and table.data_type == TensorProto.FLOAT and len(table.dims) == 2
            and table.dims[0] >= min_rows)


def quantize(src, dst, reduce_range=True, min_rows=1000, min_cols=64):
    """Rewrites src into dst. Gathers over tables with ≥ min_rows rows are quantized per row; MatMuls with fewer than
    min_cols output columns (the small classification heads) stay fp32, as in quantized_copy(). Returns a summary (counts, sizes)."""
    model = onnx.load(src)
    g = model.graph
    init = {t.name: t for t in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    qmax = 63 if reduce_range else 127
    new_nodes, new_inits, dropped = [], [], set()
    dql = {}  # one DynamicQuantizeLinear per activation tensor, shared by the MatMuls that read it (Q, K, V)
    counts = {"matmul": 0, "gather": 0}
    for n in g.node:
        if n.op_type == "MatMul" and n.input[1] in init and len(init[n.input[1]].dims) == 2 \
                and init[n.input[1]].dims[1] >= min_cols:
            w = numpy_helper.to_array(init[n.input[1]]).astype(np.float32)
            scale = np.maximum(np.abs(w).max(0) / qmax, 1e-12).astype(np.float32)
            wq = np.clip(np.round(w / scale), -qmax, qmax).astype(np.int8)
            base = n.output[0]
            new_inits += [numpy_helper.from_array(wq, base + "_Wq"), numpy_helper.from_array(scale, base + "_Wscale")]
            x = n.input[0]
            if x not in dql:
                dql[x] = (x + "_q", x + "_scale", x + "_zp")
                new_nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(dql[x]), name=x + "_DQL"))
            xq, xs, xz = dql[x]
            new_nodes += [
                helper.make_node("MatMulInteger", [xq, base + "_Wq", xz], [base + "_int"], name=base + "_MatMulInteger"),
                helper.make_node("Cast", [base + "_int"], [base + "_float"], to=TensorProto.FLOAT, name=base + "_Cast"),
                helper.make_node("Mul", [xs, base + "_Wscale"], [base + "_scale"], name=base + "_ScaleMul"),
                helper.make_node("Mul", [base + "_float", base + "_scale"], [base], name=base + "_Mul"),
            ]
            dropped.add(n.input[1])
            counts["matmul"] += 1
            continue
        if n.op_type == "Gather" and _is_table(n, init, min_rows):
            table = numpy_helper.to_array(init[n.input[0]]).astype(np.float32)
            scale = np.maximum(np.abs(table).max(1, keepdims=True) / 127, 1e-12).astype(np.float32)
            tq = np.clip(np.round(table / scale), -127, 127).astype(np.int8)
            base = n.output[0]
            new_inits += [numpy_helper.from_array(tq, base + "_Tq"), numpy_helper.from_array(scale, base + "_Tscale")]
            new_nodes += [
                helper.make_node("Gather", [base + "_Tq", n.input[1]], [base + "_rows"], name=base + "_Gather"),
                helper.make_node("Cast", [base + "_rows"], [base + "_rowsf"], to=TensorProto.FLOAT, name=base + "_Cast"),
                helper.make_node("Gather", [base + "_Tscale", n.input[1]], [base + "_rowscale"], name=base + "_GatherScale"),
                helper.make_node("Mul", [base + "_rowsf", base + "_rowscale"], [base], name=base + "_Mul"),
            ]
            dropped.add(n.input[0])
            counts["gather"] += 1
            continue
        new_nodes.append(n)
    still_used = {i for n in new_nodes for i in n.input}
    kept = [t for t in g.initializer if not (t.name in dropped and t.name not in still_used)]
    del g.node[:]
    g.node.extend(new_nodes)
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return counts


# ---------------------------------------------------------------------------------------------------------------
# The same int8 arithmetic in PyTorch (an implementation independent of ONNX Runtime): for the reference outputs the
# C# tests compare the shipped graphs with, and to check the rewrite.
# ---------------------------------------------------------------------------------------------------------------

import torch  # noqa: E402
from torch import nn  # noqa: E402


def dynamic_quantize_linear(x):
    """ONNX DynamicQuantizeLinear: uint8, one scale and zero point for the whole tensor, range always including 0."""
    lo = torch.clamp(x.min(), max=0.0)
    hi = torch.clamp(x.max(), min=0.0)
    scale = ((hi - lo) / 255).clamp(min=1e-30)
    zero = torch.clamp(torch.round(-lo / scale), 0, 255)
    q = torch.clamp(torch.round(x / scale) + zero, 0, 255)
    return q, scale, zero


class QuantLinear(nn.Module):
    """nn.Linear as the rewritten graph computes it: int8 per-column weights, uint8 dynamic activations."""

    def __init__(self, linear, reduce_range=True):
        super().__init__()
        qmax = 63 if reduce_range else 127
        w = linear.weight.detach().T.to(torch.float32)  # [in, out], as the MatMul initializer
        scale = torch.clamp(w.abs().amax(0) / qmax, min=1e-12)
        self.register_buffer("wq", torch.clamp(torch.round(w / scale), -qmax, qmax).to(torch.float64))
        self.register_buffer("scale", scale)
        self.register_buffer("bias", linear.bias.detach().clone())

    def forward(self, x):
        q, s, z = dynamic_quantize_linear(x)
        acc = torch.matmul((q - z).to(torch.float64), self.wq).to(torch.float32)  # exact integer sums
        return acc * (s * self.scale) + self.bias


def int8_table(weight):
    """Embedding rows as the rewritten graph stores them: int8 with one scale per row, dequantized."""
    w = weight.detach().to(torch.float32)
    scale = torch.clamp(w.abs().amax(1, keepdim=True) / 127, min=1e-12)
    return torch.clamp(torch.round(w / scale), -127, 127) * scale


def quantized_copy(module, reduce_range=True):
    """A deep copy of a model with every BertEncoder's layer Linears as QuantLinear and its word-embedding table int8
    per row — the PyTorch twin of quantize() applied to the model's export (heads, with < 64 outputs, stay fp32)."""
    import copy
    import sys
    import os
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tooling"))
    from bert_onnx import BertEncoder
    twin = copy.deepcopy(module).eval()
    for enc in [m for m in twin.modules() if isinstance(m, BertEncoder)]:
        for layer in enc.layers:
            for attr, sub in list(layer.named_children()):
                if isinstance(sub, nn.Linear):
                    setattr(layer, attr, QuantLinear(sub, reduce_range))
        with torch.no_grad():
            enc.word.weight.copy_(int8_table(enc.word.weight))
    return twin


def describe(variant):
    """The config.json note of a quantized folder."""
    return {"weights": "int8 per output column (MatMulInteger, dynamic uint8 activations)",
            "weight_bits": 7 if variant.endswith("7bit") else 8,
            "word_embeddings": "int8 per row (Gather, Cast, Mul)"}
