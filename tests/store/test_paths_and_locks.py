"""The one-writer lock is the file's, odd characters in a project's path, read-only places (issue 18, items 10-12)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hanji.cli import main
from hanji.domain import Region
from hanji.errors import HanjiError, ReadOnlyProject
from hanji.store import ProjectStore
from helpers import png_bytes

OPEN_IN_CHILD = """
import sys
from hanji.errors import HanjiError
from hanji.store import ProjectStore
try:
    ProjectStore.open(sys.argv[1]).close()
except HanjiError as e:
    print(e)
    sys.exit(3)
"""


def _other_process_opens(path: Path) -> tuple[int, str]:
    r = subprocess.run([sys.executable, "-c", OPEN_IN_CHILD, str(path)], capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


# ------------------------------------------------------------------------------------ item 10
@pytest.mark.parametrize("how", ["symlink", "hardlink"])
def test_a_link_to_an_open_project_is_the_same_lock(tmp_path, how):
    p = tmp_path / "p.hanji"
    (tmp_path / "other").mkdir()
    alias = tmp_path / "other" / "alias.hanji"
    with ProjectStore.create(p) as store:
        (os.symlink if how == "symlink" else os.link)(p, alias)
        with pytest.raises(HanjiError, match="already open for writing"):  # this process
            ProjectStore.open(alias)
        code, out = _other_process_opens(alias)  # another process
        assert code == 3 and "already open for writing" in out, out
        store.add_image_bytes("a.png", png_bytes())
    code, out = _other_process_opens(alias)  # once closed, the link opens
    assert code == 0, out
    assert not list(tmp_path.rglob("*.lock"))


def test_the_lock_goes_with_the_process(tmp_path):
    p = tmp_path / "p.hanji"
    ProjectStore.create(p).close()
    child = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom hanji.store import ProjectStore\n"
                              "s = ProjectStore.open(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(p)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(HanjiError, match="already open for writing"):
            ProjectStore.open(p)
    finally:
        child.kill()
        child.wait()
    ProjectStore.open(p).close()


# ------------------------------------------------------------------------------------ item 11
@pytest.mark.parametrize("folder", ["q#1", "a?b", "100%", "x%23y", "sp ace&=;"])
def test_odd_characters_in_the_project_path(tmp_path, folder):
    d = tmp_path / folder
    d.mkdir()
    p = d / "p.hanji"
    assert main(["new", str(p)]) == 0
    img = tmp_path / "a.png"
    img.write_bytes(png_bytes())
    assert main(["add", str(p), str(img)]) == 0
    with ProjectStore.open(p, readonly=True) as ro:
        assert ro.counts()["documents"] == 1
    with ProjectStore.open(p) as store:
        assert len(store.documents()) == 1
    assert sorted(x.name for x in tmp_path.iterdir()) == sorted([folder, "a.png"])  # no stray file
    assert sorted(x.name for x in d.iterdir()) == ["p.hanji"]


# ------------------------------------------------------------------------------------ item 12
@pytest.fixture
def read_only_folder(tmp_path):
    """A folder holding a healthy project that cannot be written: a read-only tmpfs when root (root
    writes through file modes), else a folder without write permission."""
    src = tmp_path / "src.hanji"
    with ProjectStore.create(src) as s:
        doc, _ = s.add_image_bytes("a.png", png_bytes())
        s.add_region(doc.id, Region([(1, 1), (9, 1), (9, 9), (1, 9)], text="가"))
    d = tmp_path / "ro"
    d.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "hanji-test", str(d)],
                          capture_output=True).returncode:
            pytest.skip("cannot mount a tmpfs here")
        shutil.copy(src, d / "p.hanji")
        if subprocess.run(["mount", "-o", "remount,ro", str(d)], capture_output=True).returncode:
            subprocess.run(["umount", str(d)])
            pytest.skip("cannot make the tmpfs read-only")
        yield d / "p.hanji"
        subprocess.run(["umount", str(d)])
    else:
        shutil.copy(src, d / "p.hanji")
        os.chmod(d / "p.hanji", 0o444)
        os.chmod(d, 0o555)
        yield d / "p.hanji"
        os.chmod(d, 0o755)


def test_a_project_in_a_read_only_place_opens_read_only(read_only_folder, capsys):
    p = read_only_folder
    with pytest.raises(ReadOnlyProject, match="read-only") as e:
        ProjectStore.open(p)
    assert "damaged" not in str(e.value)
    with ProjectStore.open(p, readonly=True) as ro:
        assert ro.counts()["regions"] == 1
    img = p.parent.parent / "b.png"
    img.write_bytes(png_bytes(color="black"))
    assert main(["add", str(p), str(img)]) == 1  # a clear message, no traceback
    assert "read-only" in capsys.readouterr().err
    assert main(["info", str(p)]) == 0
    assert sorted(x.name for x in p.parent.iterdir()) == ["p.hanji"]  # no -wal, -shm or .lock


def test_bad_files_get_nothing_written_beside_them(tmp_path):
    for name, data in [("empty.hanji", b""), ("text.hanji", b"hello" * 100), ("trunc.hanji", b"SQLite format 3\x00")]:
        (tmp_path / name).write_bytes(data)
        with pytest.raises(HanjiError):
            ProjectStore.open(tmp_path / name)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["empty.hanji", "text.hanji", "trunc.hanji"]
