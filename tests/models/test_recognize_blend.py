"""WiSE-FT blending of a fine-tuned recognizer with the one it started from."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from hanji.errors import HanjiError  # noqa: E402
from hanji.models.recognize.train import blend_weights  # noqa: E402


def _w(v: float, charset=("가", "나")) -> dict:
    return {"model": {"a.weight": torch.full((2, 3), v, dtype=torch.float16), "bn.num_batches_tracked": torch.tensor(7)},
            "charset": list(charset), "meta": {"version": f"v{v}"}}


def test_blend_is_the_weighted_mean_and_keeps_dtypes():
    out = blend_weights(_w(1.0), _w(3.0), 0.25)
    assert out["model"]["a.weight"].dtype == torch.float16
    assert torch.allclose(out["model"]["a.weight"].float(), torch.full((2, 3), 2.5))
    assert int(out["model"]["bn.num_batches_tracked"]) == 7
    assert out["meta"]["blend"] == {"alpha": 0.25, "base_version": "v3.0"}
    assert torch.equal(blend_weights(_w(1.0), _w(3.0), 1.0)["model"]["a.weight"], _w(1.0)["model"]["a.weight"])
    assert torch.equal(blend_weights(_w(1.0), _w(3.0), 0.0)["model"]["a.weight"], _w(3.0)["model"]["a.weight"])


def test_blend_refuses_other_charsets_or_layers():
    with pytest.raises(HanjiError, match="charsets"):
        blend_weights(_w(1.0), _w(2.0, ("가", "다")), 0.5)
    other = _w(2.0)
    other["model"]["extra"] = torch.zeros(1)
    with pytest.raises(HanjiError, match="layers"):
        blend_weights(_w(1.0), other, 0.5)
