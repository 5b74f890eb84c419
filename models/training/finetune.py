"""Fine-tuning on the pretrained base with the lower layers frozen: the classifiers share all-MiniLM-L6-v2's own
embeddings and lower `FROZEN` layers (exactly the sentence embedder's) and train copies of the upper layers plus
their heads. Two reasons:

- speed on this 2-core machine: the frozen part is run once per example (its hidden states are cached), and each
  epoch only runs the upper layers forward and backward;
- speed at inference: every default model computes the same lower layers, so a runtime that shares them computes
  them once per prompt for all signals (models/README.md, "Sharing the lower layers").

The exported graph is a whole 6-layer BERT (input_ids, attention_mask → outputs), loadable by the existing C# kinds."""
import copy
import hashlib
import os
import random

import torch
from torch import nn

from common import pad_batch

FROZEN = int(os.environ.get("FROZEN_LAYERS", "3"))


class Trunk(nn.Module):
    """Embeddings and the first `frozen` layers of the base encoder, no gradients."""

    def __init__(self, encoder, frozen=FROZEN):
        super().__init__()
        self.encoder = encoder
        self.frozen = frozen

    @torch.no_grad()
    def forward(self, ids, mask):
        e = self.encoder
        t = ids.shape[1]
        x = e.word(ids) + e.position(torch.arange(t).unsqueeze(0)) + e.token_type(torch.zeros_like(ids))
        x = e.norm(x)
        add = additive_mask(mask)
        for layer in e.layers[:self.frozen]:
            x = layer(x, add)
        return x


def additive_mask(mask):
    return (1.0 - mask[:, None, None, :].to(torch.float32)) * -10000.0


STATE_CACHE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".cache", "trunk-states")


def cache_states(trunk, id_lists, batch=64):
    """Hidden states after the frozen layers, one float16 [tokens, 384] tensor per example (padding cut off).
    Also kept on disk (models/.cache/trunk-states, keyed by the frozen depth and the token ids), so a second run —
    a learning-curve point, a re-export — does not recompute them."""
    digest = hashlib.sha256(repr((trunk.frozen, [list(x) for x in id_lists])).encode()).hexdigest()[:20]
    path = os.path.join(STATE_CACHE, f"{trunk.frozen}-{digest}.pt")
    if os.path.exists(path):
        return torch.load(path)
    out = _compute_states(trunk, id_lists, batch)
    os.makedirs(STATE_CACHE, exist_ok=True)
    torch.save(out, path + ".tmp")
    os.replace(path + ".tmp", path)
    return out


def _compute_states(trunk, id_lists, batch):
    out = [None] * len(id_lists)
    order = sorted(range(len(id_lists)), key=lambda i: len(id_lists[i]))
    for i in range(0, len(order), batch):
        idx = order[i:i + batch]
        ids, mask = pad_batch([id_lists[k] for k in idx])
        h = trunk(ids, mask)
        for j, k in enumerate(idx):
            out[k] = h[j, :len(id_lists[k])].to(torch.float16).clone()
    return out


def pad_states(states):
    length = max(s.shape[0] for s in states)
    x = torch.zeros(len(states), length, states[0].shape[1])
    mask = torch.zeros(len(states), length, dtype=torch.long)
    for i, s in enumerate(states):
        x[i, :s.shape[0]] = s.to(torch.float32)
        mask[i, :s.shape[0]] = 1
    return x, mask


class Upper(nn.Module):
    """Trainable copies of the layers above the trunk."""

    def __init__(self, encoder, frozen=FROZEN):
        super().__init__()
        self.layers = nn.ModuleList([copy.deepcopy(layer) for layer in encoder.layers[frozen:]])

    def forward(self, x, mask):
        add = additive_mask(mask)
        for layer in self.layers:
            x = layer(x, add)
        return x


def mean_pool(h, mask):
    m = mask.to(h.dtype).unsqueeze(-1)
    return (h * m).sum(1) / m.sum(1).clamp(min=1e-9)


def full_encoder(base, upper, frozen=FROZEN):
    """A whole BertEncoder: the base's embeddings and lower layers, the fine-tuned upper layers."""
    enc = copy.deepcopy(base)
    for i, layer in enumerate(upper.layers):
        enc.layers[frozen + i] = copy.deepcopy(layer)
    return enc.eval()


def length_batches(n_items, lengths, batch, rng):
    """Shuffled batches of similar length (little padding), in shuffled order."""
    order = list(range(n_items))
    rng.shuffle(order)
    batches = []
    for i in range(0, len(order), batch * 50):
        window = sorted(order[i:i + batch * 50], key=lambda k: lengths[k])
        batches += [window[j:j + batch] for j in range(0, len(window), batch)]
    rng.shuffle(batches)
    return batches


def linear_schedule(optimizer, total_steps, warmup=0.06):
    def factor(step):
        w = max(1, int(total_steps * warmup))
        return step / w if step < w else max(0.0, (total_steps - step) / max(1, total_steps - w))
    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def rng_for(seed):
    return random.Random(seed)
