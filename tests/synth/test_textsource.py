"""Real Korean training text found offline, its held-out split, and the syllable coverage."""

from __future__ import annotations

import random

import pytest

from hanji.domain.text import ks_x_1001_hangul
from hanji.synth import textsource
from hanji.synth.textsource import SyllableCycle, gettext_lines, hunspell_words, is_held_out_domain, kiwi_words
from hanji.synth.vocab import TextMix, spaced


def _hangul(s: str) -> set[str]:
    return {c for c in s if "\uac00" <= c <= "\ud7a3"}


def test_syllable_cycle_covers_all_2350_syllables():
    c = SyllableCycle(random.Random(0))
    seen = set()
    for _ in range(2350 // 10):
        seen |= set(c.take(10))
    assert seen == set(ks_x_1001_hangul())


def test_training_text_covers_all_2350_syllables():
    mix = TextMix(random.Random(3))
    seen: set[str] = set()
    n = 0
    while len(seen & set(ks_x_1001_hangul())) < 2350 and n < 20000:
        seen |= _hangul(mix.sample(24)[0])
        n += 1
    assert set(ks_x_1001_hangul()) <= seen, len(set(ks_x_1001_hangul()) - seen)


def test_training_text_is_reproducible_and_mixed():
    m1, m2 = TextMix(random.Random(5)), TextMix(random.Random(5))
    a = [m1.sample(24) for _ in range(200)]
    assert a == [m2.sample(24) for _ in range(200)]
    kinds = {k for _, k in a}
    assert {"corpus", "payment", "label", "mixed", "syllables"} <= kinds
    assert all(0 < len(t) <= 24 and t == t.strip() for t, _ in a)


def test_letter_spaced_labels():
    assert spaced("카드번호") == "카 드 번 호"
    assert spaced("발급 기관명") == "발 급 기 관 명"


@pytest.mark.skipif(not gettext_lines(False), reason="no Korean gettext catalogs under /usr/share/locale/ko")
def test_gettext_catalogs_split_into_training_and_held_out():
    train, held = set(gettext_lines(False)), set(gettext_lines(True))
    assert len(train) > 1000
    assert all(_hangul(s) for s in list(train)[:500])
    # no format directives or accelerator marks left in
    assert not any("%s" in s or "%d" in s or "_" in s for s in train)
    if held:
        assert not train & held
    # the split is by crc32 of the domain name: the same on every machine, about a fifth held out
    domains = [f"domain{i}" for i in range(1000)]
    assert 150 < sum(map(is_held_out_domain, domains)) < 250
    assert is_held_out_domain("coreutils") == is_held_out_domain("coreutils")


@pytest.mark.skipif(not gettext_lines(True), reason="no held-out Korean gettext catalogs on this machine")
def test_held_out_text_never_comes_from_training_sources():
    train = set(gettext_lines(False))
    mix = TextMix(random.Random(1), held_out=True)
    held_text = "\n".join(gettext_lines(True))
    for _ in range(200):
        t, kind = mix.sample(24)
        assert kind in ("gettext", "spaced")
        if kind == "gettext":
            assert t in held_text
            assert t not in train


@pytest.mark.skipif(not hunspell_words(), reason="hunspell-ko is not installed")
def test_hunspell_words_are_precomposed_syllables():
    w = hunspell_words()
    assert len(w) > 50000
    assert all("\u1100" > c or c > "\u11ff" for c in "".join(w[:2000]))  # NFC, not jamo
    assert "가감" in w


@pytest.mark.skipif(not kiwi_words(), reason="kiwipiepy-model is not installed")
def test_kiwi_nouns():
    w = kiwi_words()
    assert len(w) > 50000
    assert all(2 <= len(x) <= 10 and x == x.strip() for x in w[:5000])


def test_missing_sources_degrade_with_a_report(monkeypatch):
    monkeypatch.setattr(textsource, "HUNSPELL_DIC", ("/nonexistent/ko.dic",))
    textsource.hunspell_words.cache_clear()
    try:
        assert textsource.hunspell_words() == ()
        assert textsource.source_report()["hunspell"] == 0
        mix = TextMix(random.Random(0))
        assert "hunspell" not in mix.kinds
        assert mix.sample(20)[0]
    finally:
        textsource.hunspell_words.cache_clear()


def _mo_bytes(messages: dict[str, str]) -> bytes:
    """A gettext .mo file (little-endian, no hash table) holding ``messages``."""
    import struct

    entries = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = [k.encode() for k, _ in entries]
    strs = [v.encode() for _, v in entries]
    n = len(entries)
    start = 28 + 16 * n
    data, table_o, table_t = b"", [], []
    for b in ids:
        table_o.append((len(b), start + len(data)))
        data += b + b"\0"
    for b in strs:
        table_t.append((len(b), start + len(data)))
        data += b + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, n, 28, 28 + 8 * n, 0, 0)
    return head + b"".join(struct.pack("<2I", *t) for t in table_o + table_t) + data


def test_read_catalog_gives_the_messages_or_none(tmp_path):
    """The one reader of .mo files (synth.textsource and tools/build_char_lm.py's English msgids)."""
    good = tmp_path / "hanji.mo"
    good.write_bytes(_mo_bytes({"Total": "합계", "Cancel": "취소"}))
    catalog = textsource.read_catalog(good)
    assert catalog is not None and catalog["Total"] == "합계" and catalog["Cancel"] == "취소"
    newer = tmp_path / "newer.mo"
    newer.write_bytes(_mo_bytes({"Total": "합계"})[:4] + (7 << 16).to_bytes(4, "little") + good.read_bytes()[8:])
    assert textsource.read_catalog(newer) is None  # a major version gettext does not know
    (tmp_path / "junk.mo").write_bytes(b"not a catalog at all")
    assert textsource.read_catalog(tmp_path / "junk.mo") is None
    assert textsource.read_catalog(tmp_path / "missing.mo") is None
    for cut in (6, 20, len(good.read_bytes()) - 3):  # truncated: in the header, the tables, the last string
        (tmp_path / "cut.mo").write_bytes(good.read_bytes()[:cut])
        assert textsource.read_catalog(tmp_path / "cut.mo") is None
