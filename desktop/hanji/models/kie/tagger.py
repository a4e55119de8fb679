"""The BIO tagger: token text (a character CNN over jamo-split Hangul), token shape, 2-D position
(quantised box embeddings plus continuous layout features) and reading-order position, through a
small transformer encoder. Two heads: a BIO tag per token and the document type.
Decoding is a Viterbi over the tag log-probabilities that forbids ``I-X`` after anything but
``B-X``/``I-X``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from hanji.models.kie.features import CHAR_VOCAB, MAX_TOKENS, N_BUCKETS, N_LAYOUT, N_NUMERIC, N_REGION, N_SHAPE


@dataclass
class TaggerConfig:
    tags: list[str]
    doc_types: list[str]
    dim: int = 128
    layers: int = 3
    heads: int = 4
    char_dim: int = 48
    char_channels: int = 128
    dropout: float = 0.1
    max_tokens: int = MAX_TOKENS
    numeric: bool = False  # token amounts relative to the document's largest (features.numeric_features)


class Tagger(nn.Module):
    def __init__(self, cfg: TaggerConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.dim
        self.char_emb = nn.Embedding(CHAR_VOCAB, cfg.char_dim, padding_idx=0)
        self.char_conv = nn.Conv1d(cfg.char_dim, cfg.char_channels, kernel_size=3, padding=1)
        self.token_proj = nn.Linear(cfg.char_channels + N_SHAPE + N_REGION + (N_NUMERIC if cfg.numeric else 0), d)
        self.layout_proj = nn.Linear(N_LAYOUT, d)
        self.bucket_emb = nn.ModuleList([nn.Embedding(N_BUCKETS, d) for _ in range(4)])
        self.pos_emb = nn.Embedding(cfg.max_tokens, d)
        self.norm = nn.LayerNorm(d)
        self.drop = nn.Dropout(cfg.dropout)
        layer = nn.TransformerEncoderLayer(d, cfg.heads, dim_feedforward=2 * d, dropout=cfg.dropout,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.layers, enable_nested_tensor=False)
        self.tag_head = nn.Linear(d, len(cfg.tags))
        self.type_head = nn.Linear(d, max(1, len(cfg.doc_types)))

    def forward(self, chars, shape, layout, buckets, mask):
        B, T, C, _ = chars.shape
        e = self.char_emb(chars).sum(3)  # B T C E (sum of the jamo / char sub-ids)
        cmask = (chars[..., 0] > 0).unsqueeze(-1)  # B T C 1
        h = torch.relu(self.char_conv(e.view(B * T, C, -1).transpose(1, 2))).transpose(1, 2).view(B, T, C, -1)
        h = h.masked_fill(~cmask, 0.0).amax(2)  # B T H
        x = self.token_proj(torch.cat([h, shape], -1)) + self.layout_proj(layout)
        for k in range(4):
            x = x + self.bucket_emb[k](buckets[..., k])
        pos = torch.arange(T, device=chars.device).clamp(max=self.cfg.max_tokens - 1)
        x = self.drop(self.norm(x + self.pos_emb(pos)[None]))
        x = self.encoder(x, src_key_padding_mask=~mask)
        tag_logits = self.tag_head(x)
        m = mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return tag_logits, self.type_head(pooled)

    def state(self) -> dict:
        return {"config": asdict(self.cfg), "model": self.state_dict(), "kind": "hanji.kie.tagger", "version": 1}

    @classmethod
    def from_state(cls, state: dict) -> Tagger:
        cfg = TaggerConfig(**state["config"])
        m = cls(cfg)
        m.load_state_dict(state["model"])
        return m


def transitions(tags: list[str]) -> torch.Tensor:
    """``allowed[i, j]``: may tag ``j`` follow tag ``i``? (and row ``len(tags)`` is the start)."""
    n = len(tags)
    allowed = torch.ones(n + 1, n, dtype=torch.bool)
    for j, t in enumerate(tags):
        if t.startswith("I-"):
            name = t[2:]
            for i in range(n + 1):
                prev = tags[i] if i < n else "O"
                allowed[i, j] = prev in ("B-" + name, "I-" + name)
    return allowed


def viterbi(logp: torch.Tensor, allowed: torch.Tensor) -> list[int]:
    """Best tag path for one sequence (``logp``: T x n log-probabilities) under ``allowed``."""
    T, n = logp.shape
    if T == 0:
        return []
    neg = torch.tensor(-1e9)
    trans = torch.where(allowed[:n], torch.tensor(0.0), neg)  # n x n
    score = logp[0] + torch.where(allowed[n], torch.tensor(0.0), neg)
    back = []
    for t in range(1, T):
        cand = score.unsqueeze(1) + trans  # prev x cur
        best, idx = cand.max(0)
        back.append(idx)
        score = best + logp[t]
    path = [int(score.argmax())]
    for idx in reversed(back):
        path.append(int(idx[path[-1]]))
    return path[::-1]
