"""Faults and odd inputs get one clear answer (issue 18, items 13-15 and 17-19)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageEnhance

from hanji.cli import main
from hanji.domain import Region
from hanji.errors import DiskFull, HanjiError
from hanji.jobs.add import add_images
from hanji.jobs.transfer import export_project, import_path
from hanji.store import ProjectStore
from helpers import png_bytes


def _limit_pages(store: ProjectStore, extra: int) -> None:
    """Make the project's file full after ``extra`` more pages (SQLite's SQLITE_FULL, as on a full disk)."""
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count={pages + extra}")


def _noise_png(seed: int, side: int = 200) -> bytes:
    import numpy as np

    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


# ------------------------------------------------------------------------------------ item 13
def test_a_full_disk_stops_adding_with_one_clear_error(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(8):
        (folder / f"{i}.png").write_bytes(_noise_png(i))
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        add_images(store, [folder / "0.png"])
        _limit_pages(store, 60)  # room for a few 120 KB images, not eight
        with pytest.raises(DiskFull, match="disk is full") as e:
            add_images(store, [folder])
        assert isinstance(e.value, HanjiError)
        n = len(store.documents())
        assert 1 <= n < 8
        with pytest.raises(DiskFull):  # an edit through the API
            doc = store.documents()[0]
            store.add_regions(doc.id, [Region([(0, 0), (5, 0), (5, 5), (0, 5)], text="가" * 20000)] * 50)
        assert store.regions(store.documents()[0].id) == []  # nothing half-written
        store.conn.execute("PRAGMA max_page_count=1073741823")  # space freed: the project goes on
        assert add_images(store, [folder]).added == 8 - n
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_full_disk_stops_an_import_with_one_clear_error(tmp_path):
    data = tmp_path / "lm"
    data.mkdir()
    for i in range(6):
        (data / f"{i}.png").write_bytes(_noise_png(10 + i))
        (data / f"{i}.json").write_text(json.dumps({"shapes": [], "imagePath": f"{i}.png", "imageData": None}))
    for skip_bad in (False, True):
        with ProjectStore.create(tmp_path / f"p{skip_bad}.hanji") as store:
            _limit_pages(store, 120)
            with pytest.raises(DiskFull, match="disk is full"):
                import_path(store, data, "labelme", skip_bad=skip_bad, batch=2)
            store.conn.execute("PRAGMA max_page_count=1073741823")
            report = import_path(store, data, "labelme")
            assert len(store.documents()) == 6 and not report.skipped


def _tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "hanji-test", str(path)],
                          capture_output=True).returncode == 0


def test_a_really_full_disk_from_the_command_line(tmp_path):
    disk = tmp_path / "disk"
    if not _tmpfs(disk, "1m"):
        pytest.skip("needs root and a tmpfs to fill")
    try:
        p = disk / "p.hanji"
        assert main(["new", str(p)]) == 0
        imgs = tmp_path / "imgs"
        imgs.mkdir()
        for i in range(12):
            (imgs / f"{i}.png").write_bytes(_noise_png(100 + i))
        r = subprocess.run([sys.executable, "-m", "hanji", "add", str(p), str(imgs)], capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 1 and "disk is full" in r.stderr and "Traceback" not in r.stderr, r.stderr
        with ProjectStore.open(p, readonly=True) as ro:
            assert ro.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        subprocess.run(["umount", str(disk)])


# ------------------------------------------------------------------------------------ item 14
def test_a_file_name_that_is_not_utf8_does_not_stop_adding(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    (folder / "a.png").write_bytes(png_bytes(color="red"))
    with open(os.path.join(os.fsencode(folder), b"\xff\xfe bad.png"), "wb") as f:
        f.write(png_bytes(color="green"))
    (folder / "z_after.png").write_bytes(png_bytes(color="blue"))
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        report = add_images(store, [folder])
        assert report.added == 3 and not report.errors
        assert sorted(d.name for d in store.documents()) == sorted(["a.png", "\ufffd\ufffd bad.png", "z_after.png"])
        report = add_images(store, [folder], link=True)  # linking it by that name cannot be: said, and on
        assert report.duplicates == 2 and len(report.errors) == 1 and "UTF-8" in report.errors[0]


@pytest.mark.parametrize("fmt", ["labelme", "ppocrlabel", "icdar2015", "sroie", "funsd", "labelstudio",
                                 "xanylabeling-kie", "paddleocr", "cord", "donut", "xfund"])
def test_a_300_character_document_name_exports(fmt, tmp_path):
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        doc, _ = store.add_image_bytes("가" * 300 + ".png", png_bytes(100, 40))
        store.add_regions(doc.id, [Region([(1, 1), (50, 1), (50, 20), (1, 20)], kind="rect", text="합계",
                                          label="total", status="confirmed")])
        store.add_image_bytes("b" * 300 + ".png", png_bytes(100, 40, color="black"))
        report = export_project(store, fmt, tmp_path / "out")
    assert report.documents == 2
    assert all(len(os.fsencode(p.name)) <= 255 for p in (tmp_path / "out").rglob("*"))


def test_json_nested_too_deep_is_a_clear_error(tmp_path):
    f = tmp_path / "deep.json"
    f.write_text('{"shapes": [], "imagePath": "x.png", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        with pytest.raises(HanjiError, match="nested too deep"):
            import_path(store, f, "labelme")
        with pytest.raises(HanjiError, match="cannot tell the format"):
            import_path(store, f)


# ------------------------------------------------------------------------------------ item 15
def _write_bomb(path: Path, side: int) -> None:
    """A black 1-bit PNG of side² pixels, written row by row (the test itself never holds it whole)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    z = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    idat = b"".join(z.compress(row) for _ in range(side)) + z.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def test_an_image_bomb_is_refused_before_it_is_decoded(tmp_path):
    bomb = tmp_path / "bomb.png"
    _write_bomb(bomb, 28_000)
    assert bomb.stat().st_size < 200_000
    if not os.path.exists("/proc/self/status"):
        pytest.skip("measures the peak memory in /proc")
    # VmHWM is this process's own peak (ru_maxrss would carry the parent's across exec)
    code = ("import re, sys\nfrom hanji.store import ProjectStore\nfrom hanji.jobs.add import add_images\n"
            "s = ProjectStore.create(sys.argv[1]); r = add_images(s, [sys.argv[2]])\n"
            "print(r.errors[0]); print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p.hanji"), str(bomb)], capture_output=True,
                       text=True, timeout=120)
    message, rss_kb = r.stdout.strip().splitlines()
    assert "bomb.png" in message and "28000x28000" in message and "megapixels" in message
    assert int(rss_kb) < 600_000  # the 784-megapixel image was never allocated (it used 809 MB)


# ------------------------------------------------------------------------------------ item 17
def test_a_pdf_names_the_file_and_what_is_read(tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        report = add_images(store, [pdf])
    assert len(report.errors) == 1
    e = report.errors[0]
    assert "scan.pdf" in e and "PDF" in e and "PNG" in e and "BytesIO" not in e
    with ProjectStore.create(tmp_path / "q.hanji") as store:  # in a folder: said, not passed by
        report = add_images(store, [tmp_path])
    assert any("1 PDF file" in n for n in report.notes)


def test_multi_page_tiffs_and_animated_gifs_say_what_was_kept(tmp_path):
    pages = [Image.new("RGB", (40, 30), c) for c in ("red", "green", "blue")]
    pages[0].save(tmp_path / "scan.tif", save_all=True, append_images=pages[1:])
    pages[0].save(tmp_path / "anim.gif", save_all=True, append_images=pages[1:], duration=100, loop=0)
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        report = add_images(store, [tmp_path / "scan.tif", tmp_path / "anim.gif"])
    assert report.added == 2
    assert any("scan.tif" in n and "3 pages" in n and "first" in n for n in report.notes)
    assert any("anim.gif" in n and "3 frames" in n for n in report.notes)
    (tmp_path / "scan.json").write_text(json.dumps({"shapes": [], "imagePath": "scan.tif", "imageData": None}))
    with ProjectStore.create(tmp_path / "q.hanji") as store:  # an import says it too
        report = import_path(store, tmp_path / "scan.json")
    assert report.documents == 1 and any("3 pages" in n for n in report.notes)


# ------------------------------------------------------------------------------------ item 18
def _phone_photo(path: Path) -> None:
    """A 60x30 picture stored sideways with EXIF orientation 6 (turn 90° clockwise to show)."""
    im = Image.new("RGB", (60, 30), "white")
    im.paste((255, 0, 0), (0, 0, 10, 10))
    exif = im.getexif()
    exif[0x0112] = 6
    im.save(path, "JPEG", exif=exif.tobytes(), quality=95)


def test_exif_orientation_is_applied_on_add_and_import(tmp_path):
    photo = tmp_path / "photo.jpg"
    _phone_photo(photo)
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        report = add_images(store, [photo])
        doc = store.documents()[0]
        assert (doc.width, doc.height) == (30, 60) and any("upright" in n for n in report.notes)
        with Image.open(io.BytesIO(store.image_bytes(doc.id))) as im:
            assert im.size == (30, 60) and im.getexif().get(0x0112, 1) == 1
            assert im.convert("RGB").getpixel((25, 3))[1] < 100  # the red corner is now top right
        assert add_images(store, [photo]).duplicates == 1  # the same photo again is the same document
    # a labelme file drawn on the upright photo (as labelme shows it) is not refused
    (tmp_path / "photo.json").write_text(json.dumps({
        "version": "5.5.0", "flags": {}, "imagePath": "photo.jpg", "imageData": None, "imageHeight": 60,
        "imageWidth": 30, "shapes": [{"label": "text", "points": [[2, 40], [28, 58]], "shape_type": "rectangle",
                                      "group_id": None, "description": "가", "flags": {}}]}))
    with ProjectStore.create(tmp_path / "q.hanji") as store:
        report = import_path(store, tmp_path / "photo.json")
        assert report.documents == 1 and report.regions == 1
        assert any("upright" in n for n in report.notes)


# ------------------------------------------------------------------------------------ item 19
def test_search_into_a_closed_pipe_ends_quietly(tmp_path):
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        doc, _ = store.add_image_bytes("a.png", png_bytes())
        store.add_regions(doc.id, [Region([(0, 0), (5, 0), (5, 5), (0, 5)], text=f"합계 {i}원 " + "x" * 200)
                                   for i in range(3000)])
    r = subprocess.run(f"{sys.executable} -m hanji search {tmp_path / 'p.hanji'} 합계 --json --limit 3000 | head -c 100",
                       shell=True, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr, r.stderr


@pytest.mark.parametrize("text", ["01-NOV-2017", "OCT 3, 2016", "15 MAY 2018", "12/28/2017", "Sept. 5, 2019",
                                  "25/12/2018", "2018-05-15"])
def test_english_dates_on_receipts_are_dates(text):
    from hanji.domain.validators import check_field

    assert check_field("date", text, "receipt").ok
    assert check_field("date", text, "sroie").ok


@pytest.mark.parametrize("text", ["31/02/2018", "NOV 45, 2017", "total 12.00"])
def test_what_is_not_a_date_still_is_not(text):
    from hanji.domain.validators import check_field

    assert not check_field("date", text, "receipt").ok


def _receipt(lines: list[str], paper: int = 236) -> Image.Image:
    """A photographed receipt: greyish paper, dark print, a little shading."""
    import numpy as np
    from PIL import ImageDraw, ImageFont

    im = Image.new("L", (360, 480), paper)
    d = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=22) if hasattr(ImageFont, "load_default") else None
    for k, line in enumerate(lines):
        d.text((20, 20 + 34 * k), line, fill=40, font=font)
    shade = np.linspace(0, 14, im.width, dtype=np.float32)[None, :]
    return Image.fromarray(np.clip(np.asarray(im, np.float32) - shade, 0, 255).astype(np.uint8)).convert("RGB")


def test_a_brightened_recompressed_receipt_is_a_near_duplicate(tmp_path):
    from hanji.jobs.quality import find_duplicates

    shop = ["HANJI STATIONERY", "12 Jongno-gu, Seoul", "Tel 02-123-4567", "------------------"]
    a = _receipt(shop + ["PEN x2       3,000", "NOTE x1      2,500", "TOTAL        5,500", "01-NOV-2017 10:31"])
    other = _receipt(shop + ["INK x1       9,000", "CLIP x4      1,200", "TOTAL       10,200", "03-NOV-2017 16:02"])
    buf = io.BytesIO()
    ImageEnhance.Brightness(a).enhance(1.25).save(buf, "JPEG", quality=75)
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        ids = {}
        for name, im in (("a", a), ("other", other)):
            b = io.BytesIO()
            im.save(b, "PNG")
            ids[name] = store.add_image_bytes(f"{name}.png", b.getvalue())[0].id
        ids["copy"] = store.add_image_bytes("copy.jpg", buf.getvalue())[0].id
        groups = find_duplicates(store)
    assert [(g.kind, sorted(g.doc_ids)) for g in groups] == [("near", sorted([ids["a"], ids["copy"]]))]


# ------------------------------------------------------------------------------------ items 13, 16: exports
def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture
def small(tmp_path):
    with ProjectStore.create(tmp_path / "p.hanji") as store:
        doc, _ = store.add_image_bytes("a.png", png_bytes())
        store.add_regions(doc.id, [Region([(1, 1), (9, 1), (9, 9), (1, 9)], text="가")])
        yield store


def test_stale_partials_of_killed_exports_are_cleaned(small, tmp_path):
    dead = _dead_pid()
    junk = tmp_path / f".out.partial-{dead}"
    (junk / "out").mkdir(parents=True)
    (junk / "out" / "big.bin").write_bytes(b"x" * 100_000)
    live = tmp_path / ".out.partial-1"  # pid 1 is running: not this export's to remove
    live.mkdir()
    report = export_project(small, "labelme", tmp_path / "out")
    assert not junk.exists() and live.exists()
    assert any("killed" in n for n in report.notes)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == [".out.partial-1"]


def test_a_kill_between_the_renames_of_overwrite_is_undone(small, tmp_path, monkeypatch):
    from hanji.jobs import exporting

    out = tmp_path / "out"
    export_project(small, "labelme", out)
    (out / "mine.txt").write_text("the old export")
    calls = []
    real = os.replace

    def replace_then_die(a, b):  # the process dies after moving the old export aside
        calls.append((a, b))
        real(a, b)
        if len(calls) == 1:
            raise KeyboardInterrupt

    monkeypatch.setattr(exporting, "_exchange", lambda a, b: False)
    monkeypatch.setattr(exporting.os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        export_project(small, "labelme", out, overwrite=True)
    monkeypatch.undo()
    assert not out.exists()
    left = next(tmp_path.glob(".out.old-*"))
    left.rename(tmp_path / f".out.old-{_dead_pid()}")  # as the killed process left it
    with pytest.raises(HanjiError, match="already exists"):  # the old export is back under its name
        export_project(small, "labelme", out)
    assert (out / "mine.txt").read_text() == "the old export"


def test_overwrite_swaps_folders_in_one_step(small, tmp_path, monkeypatch):
    from hanji.jobs import exporting

    out = tmp_path / "out"
    export_project(small, "labelme", out)
    (out / "mine.txt").write_text("old")
    seen = []
    real = os.replace
    monkeypatch.setattr(exporting.os, "replace", lambda a, b: (seen.append(b), real(a, b)))
    export_project(small, "labelme", out, overwrite=True)
    assert not (out / "mine.txt").exists() and (out / "a.json").exists()
    if exporting._exchange(out, out):  # renameat2 works here: the swap took no two renames
        assert seen == []
    assert not list(tmp_path.glob(".out.*"))


def test_an_export_on_a_full_disk_is_one_clear_error(small, tmp_path, monkeypatch):
    import errno

    from hanji.formats import labelme

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device", "x.png")

    monkeypatch.setattr(labelme, "write_image", full)
    with pytest.raises(DiskFull, match="disk is full"):
        export_project(small, "labelme", tmp_path / "out")
    assert not list(tmp_path.glob("*out*"))


def test_an_export_on_a_really_full_disk(small, tmp_path):
    disk = tmp_path / "disk"
    if not _tmpfs(disk, "64k"):
        pytest.skip("needs root and a tmpfs to fill")
    try:
        doc, _ = small.add_image_bytes("noise.png", _noise_png(7, 300))
        with pytest.raises(DiskFull, match="disk is full"):
            export_project(small, "labelme", disk / "out")
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)])
