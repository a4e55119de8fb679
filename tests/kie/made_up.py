"""Made-up pages for the extraction rules' tests: lines of text at given places, and tagger output (tag
probabilities over a list of tag names)."""

from __future__ import annotations

from hanji.domain import Region


def reg(x0, y0, x1, text, tilt=0.0, h=20) -> Region:
    """A line from x0 to x1 at y0, its right end ``tilt`` pixels lower per pixel."""
    d = tilt * (x1 - x0)
    return Region(points=[(x0, y0), (x1, y0 + d), (x1, y0 + d + h), (x0, y0 + h)], text=text)


def lines_at(texts, x0=10, x1=300) -> list[Region]:
    """One line a text, 30 px apart."""
    return [reg(x0, 10 + 30 * i, x1, t) for i, t in enumerate(texts)]


def probs_for(names: list[str], regions, hot: dict[tuple[int, int], dict[str, float]]) -> list[list[list[float]]]:
    """Tag probabilities, one row a word of each region's text, in the order of ``names``: 'O'
    everywhere except where ``hot`` says (``{(region, word): {tag: probability}}``)."""
    out = []
    for i, r in enumerate(regions):
        rows = []
        for k in range(len(r.text.split())):
            p = {n: 0.0 for n in names}
            p.update(hot.get((i, k), {}))
            p["O"] = 1.0 - sum(v for n, v in p.items() if n != "O")
            rows.append([p[n] for n in names])
        out.append(rows)
    return out


def tags_from(names: list[str], probs) -> list[list[str]]:
    """Each word's likeliest tag."""
    return [[names[max(range(len(names)), key=lambda j: p[j])] for p in rows] for rows in probs]
