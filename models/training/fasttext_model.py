"""fastText-style encoders over WordPiece ids: bags of token unigrams plus hashed token bi/trigrams, pooled by
masked mean. They read the same input_ids/attention_mask a BERT export reads, so the C# engine runs them
through the same tokenizer and ONNX path. For export the embedding tables are stored as float16 (the
graph gathers rows and casts them to float32) to keep models/ small."""
import torch
from torch import nn

HASH_MUL = 1000003


def ngram_ids(ids, mask, buckets):
    """Hashed bigram and trigram ids with their masks, over adjacent WordPiece ids."""
    m = mask.to(torch.float32)
    bi = (ids[:, :-1] * HASH_MUL + ids[:, 1:]) % buckets
    bm = m[:, :-1] * m[:, 1:]
    tri = ((ids[:, :-2] * HASH_MUL + ids[:, 1:-1]) * HASH_MUL + ids[:, 2:] + 7) % buckets
    tm = m[:, :-2] * m[:, 1:-1] * m[:, 2:]
    return torch.cat([bi, tri], dim=1), torch.cat([bm, tm], dim=1)


def masked_mean(vectors, mask):
    s = (vectors * mask.unsqueeze(-1)).sum(1)
    return s / mask.sum(1, keepdim=True).clamp(min=1.0)


class BagEncoder(nn.Module):
    """Returns [mean(unigram vectors); mean(n-gram vectors)] of width 2*dim."""

    def __init__(self, vocab_size, dim, buckets):
        super().__init__()
        self.buckets = buckets
        self.uni = nn.Embedding(vocab_size, dim, sparse=True)
        self.ngram = nn.Embedding(buckets, dim, sparse=True)
        nn.init.normal_(self.uni.weight, std=0.1)
        nn.init.normal_(self.ngram.weight, std=0.1)

    def forward(self, ids, mask):
        m = mask.to(torch.float32)
        nid, nm = ngram_ids(ids, mask, self.buckets)
        return torch.cat([masked_mean(self.uni(ids), m), masked_mean(self.ngram(nid), nm)], dim=-1)


class MultiHead(nn.Module):
    def __init__(self, vocab_size, dim, buckets, heads, hidden=0, dropout=0.2):
        super().__init__()
        self.encoder = BagEncoder(vocab_size, dim, buckets)
        width = 2 * dim
        self.hidden = nn.Sequential(nn.Linear(width, hidden), nn.GELU()) if hidden else nn.Identity()
        width = hidden or width
        self.drop = nn.Dropout(dropout)
        self.head_names = [n for n, _ in heads]
        self.heads = nn.ModuleList([nn.Linear(width, k) for _, k in heads])

    def forward(self, ids, mask):
        h = self.drop(self.hidden(self.encoder(ids, mask)))
        return tuple(head(h) for head in self.heads)


class Half(nn.Module):
    """A float16 table read by Gather then Cast to float32 (what the export stores)."""

    def __init__(self, weight):
        super().__init__()
        self.register_buffer("table", weight.detach().to(torch.float16).clone())

    def forward(self, ids):
        return self.table[ids].to(torch.float32)


class Int8Rows(nn.Module):
    """An int8 table with one float16 scale per row (symmetric, absmax/127), read by Gather, Cast and Mul: half
    the bytes of a float16 table, and the rounding error of each row is relative to that row's own range."""

    def __init__(self, weight):
        super().__init__()
        w = weight.detach().to(torch.float32)
        scale = (w.abs().amax(1, keepdim=True) / 127).clamp(min=1e-8).to(torch.float16)
        self.register_buffer("table", torch.round(w / scale.to(torch.float32)).clamp(-127, 127).to(torch.int8))
        self.register_buffer("scale", scale)

    def forward(self, ids):
        return self.table[ids].to(torch.float32) * self.scale[ids].to(torch.float32)


class ExportBagEncoder(nn.Module):
    def __init__(self, trained, table=Half):
        super().__init__()
        self.buckets = trained.buckets
        self.uni = table(trained.uni.weight)
        self.ngram = table(trained.ngram.weight)

    def forward(self, ids, mask):
        m = mask.to(torch.float32)
        nid, nm = ngram_ids(ids, mask, self.buckets)
        return torch.cat([masked_mean(self.uni(ids), m), masked_mean(self.ngram(nid), nm)], dim=-1)


class ExportMultiHead(nn.Module):
    def __init__(self, trained, table=Half):
        super().__init__()
        self.encoder = ExportBagEncoder(trained.encoder, table)
        self.hidden = trained.hidden
        self.heads = trained.heads

    def forward(self, ids, mask):
        h = self.hidden(self.encoder(ids, mask))
        return tuple(head(h) for head in self.heads)
