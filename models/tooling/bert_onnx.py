"""A small BERT encoder in PyTorch with Hugging Face-compatible heads and an ONNX export that
matches what Optimum / transformers.js produce (input names, output names, dynamic axes).

Used by models/fixtures/generate_fixtures.py (random-weight test models) and reusable by the
training pipeline for the default models. Requires Debian's python3-torch and python3-onnx.
"""
import json
import math
import os

import torch
from torch import nn


class BertConfig:
    def __init__(self, vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=64, max_position_embeddings=320, type_vocab_size=2,
                 layer_norm_eps=1e-12):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.layer_norm_eps = layer_norm_eps

    def to_hf_dict(self):
        return {
            "model_type": "bert",
            "vocab_size": self.vocab_size,
            "hidden_size": self.hidden_size,
            "num_hidden_layers": self.num_hidden_layers,
            "num_attention_heads": self.num_attention_heads,
            "intermediate_size": self.intermediate_size,
            "max_position_embeddings": self.max_position_embeddings,
            "type_vocab_size": self.type_vocab_size,
            "layer_norm_eps": self.layer_norm_eps,
            "hidden_act": "gelu",
            "pad_token_id": 0,
        }


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c.num_attention_heads
        self.head_dim = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.attn_out = nn.Linear(c.hidden_size, c.hidden_size)
        self.attn_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.intermediate = nn.Linear(c.hidden_size, c.intermediate_size)
        self.output = nn.Linear(c.intermediate_size, c.hidden_size)
        self.out_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, x, additive_mask):
        b, t, h = x.shape

        def split(y):
            return y.view(b, t, self.heads, self.head_dim).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + additive_mask
        ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, t, h)
        x = self.attn_norm(x + self.attn_out(ctx))
        # Exact (erf) GELU, as BERT's "gelu" activation.
        ff = self.output(nn.functional.gelu(self.intermediate(x)))
        return self.out_norm(x + ff)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.layers = nn.ModuleList([BertLayer(c) for _ in range(c.num_hidden_layers)])
        self.pooler = nn.Linear(c.hidden_size, c.hidden_size)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        t = input_ids.shape[1]
        positions = torch.arange(t, dtype=torch.long).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.norm(x + self.token_type(token_type_ids))
        additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, additive)
        return x

    def pooled(self, hidden):
        return torch.tanh(self.pooler(hidden[:, 0]))


class SequenceClassifier(nn.Module):
    """BertForSequenceClassification: pooler (tanh over [CLS]) then a linear head -> `logits`."""

    def __init__(self, c, num_labels, use_token_type_ids=True):
        super().__init__()
        self.encoder = BertEncoder(c)
        self.classifier = nn.Linear(c.hidden_size, num_labels)
        self.use_token_type_ids = use_token_type_ids

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.classifier(self.encoder.pooled(self.encoder(input_ids, attention_mask, token_type_ids)))


class TokenClassifier(nn.Module):
    """BertForTokenClassification: a linear head on every token -> `logits` [batch, seq, labels]."""

    def __init__(self, c, num_labels, use_token_type_ids=True):
        super().__init__()
        self.encoder = BertEncoder(c)
        self.classifier = nn.Linear(c.hidden_size, num_labels)
        self.use_token_type_ids = use_token_type_ids

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.classifier(self.encoder(input_ids, attention_mask, token_type_ids))


class FeatureExtractor(nn.Module):
    """BertModel for sentence embedders -> `last_hidden_state`; pooling happens outside."""

    def __init__(self, c, use_token_type_ids=True):
        super().__init__()
        self.encoder = BertEncoder(c)
        self.use_token_type_ids = use_token_type_ids

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        return self.encoder(input_ids, attention_mask, token_type_ids)


class MultiHeadClassifier(nn.Module):
    """One shared encoder pass feeding several sentence-level heads -> `logits_<head>` outputs."""

    def __init__(self, c, heads, use_token_type_ids=True):
        super().__init__()
        self.encoder = BertEncoder(c)
        self.head_names = [name for name, _ in heads]
        self.heads = nn.ModuleList([nn.Linear(c.hidden_size, n) for _, n in heads])
        self.use_token_type_ids = use_token_type_ids

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        pooled = self.encoder.pooled(self.encoder(input_ids, attention_mask, token_type_ids))
        return tuple(head(pooled) for head in self.heads)


def export_onnx(model, path, output_names, output_axes):
    """Exports with Optimum's conventions: int64 inputs with dynamic batch/sequence axes."""
    model.eval()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ids = torch.tensor([[2, 7, 8, 3]], dtype=torch.long)
    mask = torch.ones_like(ids)
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "sequence_length"}}
    if model.use_token_type_ids:
        args, names = (ids, mask, torch.zeros_like(ids)), ["input_ids", "attention_mask", "token_type_ids"]
        axes["token_type_ids"] = {0: "batch_size", 1: "sequence_length"}
    else:
        args, names = (ids, mask), ["input_ids", "attention_mask"]
    for name in output_names:
        axes[name] = output_axes
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=names, output_names=output_names,
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")
