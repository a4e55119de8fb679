import json
import subprocess
import sys

from hanji.cli import main
from helpers import png_bytes


def test_new_add_info(tmp_path, capsys):
    p = tmp_path / "p.hanji"
    assert main(["new", str(p)]) == 0
    imgs = tmp_path / "imgs"
    (imgs / "sub").mkdir(parents=True)
    (imgs / "a.png").write_bytes(png_bytes(color="white", text="가"))
    (imgs / "sub" / "b.png").write_bytes(png_bytes(color="gray", text="나"))
    (imgs / "dup.png").write_bytes(png_bytes(color="white", text="가"))
    (imgs / "notes.txt").write_text("not an image")  # not picked from a folder
    assert main(["add", str(p), str(imgs)]) == 0
    out = capsys.readouterr().out
    assert "added 2, duplicates skipped 1, errors 0" in out
    assert main(["info", str(p), "--json"]) == 0
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert info["documents"] == 2 and info["documents_by_status"] == {"new": 2}
    assert info["entity_types"] > 10  # the default schema


def test_add_reports_bad_file_by_name(tmp_path, capsys):
    p = tmp_path / "p.hanji"
    main(["new", str(p), "--schema", "none"])
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    assert main(["add", str(p), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "broken.png" in err and "not a readable image" in err


def test_errors_are_one_line_naming_the_file(tmp_path):
    f = tmp_path / "notes.hanji"
    f.write_text("hello")
    r = subprocess.run([sys.executable, "-m", "hanji", "info", str(f)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "notes.hanji" in r.stderr and "not an SQLite database" in r.stderr
    assert "Traceback" not in r.stderr
