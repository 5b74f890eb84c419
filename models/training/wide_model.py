"""The domain head's wide path: a linear classifier straight over token unigrams and hashed token bigrams (one
logit vector per feature, no bottleneck), the fastText/TF-IDF-style model whose logits are mixed with the fine-tuned
encoder's domain head. The encoder sees a sentence through a 384-wide pooled vector shared with the jailbreak head;
this path gives each of ~424k features its own 14 logits — the lexical evidence a TF-IDF model has (rare subject
terms), which complements the encoder's sense of meaning. Inputs are the same input_ids/attention_mask; the hashing
happens in the graph."""
import torch
from torch import nn

HASH_MUL = 1000003  # bigram hash multiplier (ids * HASH_MUL + next id) mod buckets, computed in the graph


def wide_features(ids, mask, vocab_size, buckets):
    """Feature rows (unigram ids, then vocab_size + hashed bigram ids) and their masks."""
    m = mask.to(torch.float32)
    bi = (ids[:, :-1] * HASH_MUL + ids[:, 1:]) % buckets + vocab_size
    bm = m[:, :-1] * m[:, 1:]
    return torch.cat([ids, bi], dim=1), torch.cat([m, bm], dim=1)


def pool(rows, fmask, mask):
    # Sum of feature logits over sqrt(tokens): a bag-of-features linear model with length normalisation.
    length = mask.to(torch.float32).sum(1, keepdim=True).clamp(min=1.0)
    return (rows * fmask.unsqueeze(-1)).sum(1) / length.sqrt()


class WideLinear(nn.Module):
    def __init__(self, vocab_size, buckets, classes):
        super().__init__()
        self.vocab_size, self.buckets = vocab_size, buckets
        self.table = nn.Embedding(vocab_size + buckets, classes, sparse=True)
        nn.init.zeros_(self.table.weight)
        self.bias = nn.Parameter(torch.zeros(classes))

    def forward(self, ids, mask):
        f, fm = wide_features(ids, mask, self.vocab_size, self.buckets)
        return pool(self.table(f), fm, mask) + self.bias


class ExportWideLinear(nn.Module):
    """int8 table with one float32 scale per class column (absmax/127): the 14-wide rows are too short for a
    per-row scale to pay for itself, and the column ranges are similar."""

    def __init__(self, trained):
        super().__init__()
        self.vocab_size, self.buckets = trained.vocab_size, trained.buckets
        w = trained.table.weight.detach().to(torch.float32)
        scale = (w.abs().amax(0) / 127).clamp(min=1e-8)
        self.register_buffer("table", torch.round(w / scale).clamp(-127, 127).to(torch.int8))
        self.register_buffer("scale", scale)
        self.register_buffer("bias", trained.bias.detach().clone())

    def forward(self, ids, mask):
        f, fm = wide_features(ids, mask, self.vocab_size, self.buckets)
        return pool(self.table[f].to(torch.float32), fm, mask) * self.scale + self.bias


class ExportDomainEnsemble(nn.Module):
    """One graph: the encoder's two heads and the wide path. Domain logits are the weighted mean of the two models'
    log-probabilities plus a prior correction, divided by a temperature (all chosen on validation), so softmax gives a
    calibrated geometric mix of the two distributions; the jailbreak head is the encoder's, unchanged."""

    def __init__(self, encoder, wide, wide_weight, prior_shift, temperature):
        super().__init__()
        self.encoder, self.wide = encoder, wide
        self.wide_weight = float(wide_weight)
        self.temperature = float(temperature)
        self.register_buffer("prior_shift", prior_shift.detach().to(torch.float32).clone())

    def forward(self, ids, mask):
        d, j = self.encoder(ids, mask)
        w = self.wide(ids, mask)
        mixed = (1 - self.wide_weight) * torch.log_softmax(d, -1) + self.wide_weight * torch.log_softmax(w, -1)
        return (mixed + self.prior_shift) / self.temperature, j
