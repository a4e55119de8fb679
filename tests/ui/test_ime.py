"""Korean through a real input method (issue 17): under Xvfb, with ibus-daemon and the ibus-hangul
engine, keys typed by xdotool (as a keyboard would send them to the X server) are composed into
Hangul by the IME and reach the transcription field; Return saves the text, and the region list
shows it. Skips, saying what is missing, where Xvfb, D-Bus, ibus, ibus-hangul or xdotool is absent
(scripts/install.sh --dev installs them on Debian/Ubuntu)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

NEEDED = {"Xvfb": "xvfb", "dbus-launch": "dbus-x11", "ibus-daemon": "ibus", "ibus": "ibus", "xdotool": "xdotool"}
HANGUL_ENGINE = [Path("/usr/lib/ibus/ibus-engine-hangul"), Path("/usr/libexec/ibus-engine-hangul")]


def _missing() -> list[str]:
    out = [f"{exe} ({pkg})" for exe, pkg in NEEDED.items() if shutil.which(exe) is None]
    if not any(p.exists() for p in HANGUL_ENGINE):
        out.append("ibus-engine-hangul (ibus-hangul)")
    return out


pytestmark = pytest.mark.skipif(bool(_missing()), reason=f"no input method to drive here: {', '.join(_missing())}")


def _free_display() -> str:
    for n in range(93, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise RuntimeError("no free X display number")


@pytest.fixture
def ime_env(tmp_path):
    """An X server, a D-Bus session and ibus-daemon with the Hangul engine, all ended afterwards."""
    display = _free_display()
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", QT_IM_MODULE="ibus", GTK_IM_MODULE="ibus",
               XMODIFIERS="@im=ibus", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               HANJI_LANG="ko")
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [xvfb]
    try:
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
                break
            time.sleep(0.1)
        out = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith(("DBUS_SESSION_BUS_ADDRESS=", "DBUS_SESSION_BUS_PID=")):
                k, v = line.rstrip(";").split("=", 1)
                env[k] = v.strip("'")
        subprocess.run(["ibus-daemon", "--daemonize", "--replace", "--xim", "--panel=disable"], env=env, check=True,
                       timeout=30)
        for _ in range(50):
            if "hangul" in subprocess.run(["ibus", "list-engine"], env=env, capture_output=True, text=True).stdout:
                break
            time.sleep(0.2)
        subprocess.run(["ibus", "engine", "hangul"], env=env, check=True, timeout=30)
        yield env
    finally:
        subprocess.run(["ibus", "exit"], env=env, capture_output=True, timeout=30)
        if "DBUS_SESSION_BUS_PID" in env:
            subprocess.run(["kill", env["DBUS_SESSION_BUS_PID"]], capture_output=True)
        for p in procs:
            p.terminate()
            p.wait(10)


def test_hangul_composed_by_ibus_hangul_reaches_the_text_field_and_the_region_list(ime_env, tmp_path):
    from tests.ui.conftest import make_project

    path = tmp_path / "ime.hanji"
    make_project(path).close()
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("ime_session.py")), str(path)],
                             env=ime_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=Path(__file__).parents[2])
    try:
        first = json.loads(child.stdout.readline() or "{}")
        assert first.get("ready"), child.stderr.read()[-3000:]

        def xdo(*args):
            subprocess.run(["xdotool", *args], env=ime_env, check=True, timeout=30)

        xdo("mousemove", "640", "400")
        # no window manager under Xvfb: give the window the X input focus (what clicking it would do)
        xdo("search", "--sync", "--onlyvisible", "--name", "Hanji", "windowfocus", "--sync")
        xdo("key", "Hangul")  # ibus-hangul starts in Latin mode; the Hangul key switches it
        time.sleep(0.3)
        xdo("type", "--delay", "80", "gksrmf dlqfur")  # 한글 입력 on a 2-beolsik keyboard
        time.sleep(0.3)
        xdo("key", "Return")
        time.sleep(0.8)
        child.stdin.write("typed\n")
        child.stdin.flush()
        result = json.loads(child.stdout.readline() or "{}")
    finally:
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            child.kill()
    assert result.get("platform") == "xcb"
    assert result["stored"] == "한글 입력", result
    assert result["field"] == "한글 입력"
    assert "한글 입력" in result["list"]
