"""Dry run of the installer recipes (always run, no build): every file they name exists, the specs
and scripts parse, the pruning rules keep what the app needs, the icon and .desktop file are valid,
and nothing the app imports is excluded from the frozen build."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
PKG = REPO / "packaging"
SPECS = sorted(PKG.glob("*/hanji.spec"))
SCRIPTS = sorted([*PKG.glob("*.sh"), *PKG.glob("*/*.sh")])
RECIPES = [*SPECS, *SCRIPTS, *PKG.glob("*/*.ps1"), *PKG.glob("*/*.iss"), *PKG.glob("ci/*.yml"),
           PKG / "wheelhouse" / "build_wheelhouse.py", PKG / "pyinstaller" / "common.py"]
# made by the recipes themselves, not kept in the repository
BUILD_OUTPUTS = ("build/", "dist/")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def common():
    return _load("hanji_pyi_common", PKG / "pyinstaller" / "common.py")


def test_every_platform_has_its_recipe():
    assert {p.parent.name for p in SPECS} == {"linux", "windows", "macos"}
    for need in ("build-linux.sh", "build-deb.sh", "linux/hanji.desktop", "linux/hanji-mime.xml",
                 "linux/copyright", "windows/hanji.iss", "windows/build.ps1", "windows/LICENSE.txt",
                 "macos/build.sh", "ci/github-windows-macos.yml", "icons/make_icons.py",
                 "wheelhouse/build_wheelhouse.py", "wheelhouse/README.txt", "pyinstaller/hanji_main.py"):
        assert (PKG / need).is_file(), need


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.parent.name)
def test_specs_parse_and_use_the_shared_module(spec):
    tree = ast.parse(spec.read_text(encoding="utf-8"), filename=str(spec))
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= calls
    if spec.parent.name == "macos":
        assert "BUNDLE" in calls
    text = spec.read_text(encoding="utf-8")
    for name in ("common.analysis_options()", "common.prune(", "common.check_resources("):
        assert name in text, f"{spec} does not call {name}"


def _named_paths(text: str) -> set[str]:
    """Repository paths a recipe names: packaging/..., desktop/..., scripts/... with / or \\."""
    found = set()
    for m in re.finditer(r"(?<![\w$/.{-])((?:packaging|desktop|scripts|tests|benchmarks|docs)[/\\][\w./\\-]+)", text):
        p = m.group(1).replace("\\", "/").rstrip(".")
        if "*" in p or p.endswith("/"):
            continue
        found.add(p)
    return found


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda p: str(p.relative_to(PKG)))
def test_every_file_a_recipe_names_exists(recipe):
    named = _named_paths(recipe.read_text(encoding="utf-8"))
    missing = [p for p in sorted(named) if not (REPO / p).exists()]
    assert not missing, f"{recipe.relative_to(REPO)} names files that are not there: {missing}"


def test_inno_setup_sources_exist_or_are_build_outputs():
    iss = (PKG / "windows" / "hanji.iss").read_text(encoding="utf-8")
    named = re.findall(r'\{#Root\}\\([^"\s;]+)', iss)
    assert named
    for rel in named:
        rel = rel.replace("\\", "/")
        if rel.startswith(BUILD_OUTPUTS) or rel.rstrip("/") in ("dist", "build"):
            # dist/hanji comes from the Windows spec, build/icons from make_icons.py
            assert rel.startswith(("dist/hanji", "dist", "build/icons/hanji.ico")), rel
            continue
        assert (REPO / rel).exists(), rel
    spec_text = (PKG / "windows" / "hanji.spec").read_text(encoding="utf-8")
    assert 'name="hanji"' in spec_text and "hanji.exe" in iss


def test_shell_scripts_parse():
    bash = shutil.which("bash")
    if not bash:
        pytest.skip("no bash")
    for script in SCRIPTS:
        r = subprocess.run([bash, "-n", str(script)], capture_output=True, text=True)
        assert r.returncode == 0, f"{script}: {r.stderr}"


def test_ci_workflow_runs_the_recipes():
    yaml = pytest.importorskip("yaml")
    wf = yaml.safe_load((PKG / "ci" / "github-windows-macos.yml").read_text(encoding="utf-8"))
    jobs = wf["jobs"]
    assert {"windows", "macos", "linux"} <= set(jobs)
    runs = "\n".join(step.get("run", "") for job in jobs.values() for step in job["steps"])
    for recipe in ("packaging\\windows\\build.ps1", "packaging/macos/build.sh", "packaging/build-linux.sh",
                   "packaging/wheelhouse/build_wheelhouse.py"):
        assert recipe in runs, recipe


def test_pruning_keeps_what_the_app_needs_and_drops_the_rest(common):
    dropped = [
        "torch/include/ATen/core/Tensor.h", "torch/test/test_api", "torch/bin/protoc", "torch/lib/libtorchbind_test.so",
        "torch/share/cmake/Torch/TorchConfig.cmake", "torch/lib/dnnl.lib", "nvidia/cudnn/lib/libcudnn.so.9",
        "libcudart.so.12", "torch/lib/libtorch_cuda.so", "torch/lib/cudnn64_9.dll",
        "PySide6/Qt/lib/libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Qml.so.6", "PySide6/Qt/qml/QtQuick/qmldir",
        "PySide6/Qt/translations/qtbase_de.qm", "PySide6/Qt/translations/qt_ja.qm",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6\\Qt6Quick.dll", "PySide6/Qt6WebEngineCore.dll", "matplotlib/mpl-data/sample_data/goog.npz",
        "PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", "PySide6/Qt/lib/QtQml.framework/Resources/Info.plist",
        "scipy.libs/libgfortran.so.5",
        "scipy/linalg/_flapack.so", "PIL/_avif.cpython-311-x86_64-linux-gnu.so", "pillow.libs/libavif-c6062d5f.so.16",
        "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", "kiwisolver/_cext.cpython-311-x86_64-linux-gnu.so",
        "contourpy/_contourpy.cpython-311-x86_64-linux-gnu.so", "fontTools/ttLib/ttFont.py",
        "PySide6/Qt/lib/libQt6Network.so.6", "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6",
    ]
    kept = [
        "torch/lib/libtorch_cpu.so", "torch/lib/libc10.so", "torch/lib/libtorch_python.so", "torch/lib/torch_cpu.dll",
        "torch/lib/libgomp.so.1", "torch/bin/torch_shm_manager", "torch/_C.cpython-311-x86_64-linux-gnu.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so", "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt/translations/qtbase_ko.qm", "PySide6/Qt/translations/qtbase_en.qm",
        "PySide6/Qt6Core.dll", "PySide6\\Qt6Widgets.dll", "PySide6/Qt6Gui.dll",
        "hanji/resources/models/ppocrv4_det_mobile.pt", "hanji/resources/models/MANIFEST.json",
        "hanji/resources/fonts/NanumGothic.ttf", "hanji/resources/fonts/NanumGothicBold.ttf",
        "numpy.libs/libscipy_openblas64_.so",
        "cv2/cv2.abi3.so", "opencv_python_headless.libs/libavcodec-abc.so.59",  # OpenCV is a dependency again
        "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets", "PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib", "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/opengl32sw.dll", "PySide6/pyside6.abi3.dll", "shiboken6/shiboken6.abi3.dll",
    ]
    assert [d for d in dropped if not common.pruned(d)] == []
    assert [k for k in kept if common.pruned(k)] == []
    toc = [(d, "/src/" + d, "BINARY") for d in dropped + kept]
    assert [e[0] for e in common.prune(toc)] == kept
    # PyInstaller's top-level links to libraries go with the library they point to
    links = [("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
             ("libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6Widgets.so.6", "SYMLINK")]
    assert [e[0] for e in common.prune(links)] == ["libQt6Widgets.so.6"]


def test_icu_data_keeps_korean_english_and_everything_not_per_locale(common):
    kept = ["root.res", "ko.res", "ko_KR.res", "en.res", "en_US_POSIX.res", "coll/ko.res", "coll/root.res",
            "coll/ucadata.icu", "zone/ko.res", "zone/en.res", "zone/pool.res", "curr/supplementalData.res",
            "brkitr/line.brk", "brkitr/cjdict.dict", "brkitr/root.res", "uts46.nrm", "nfkc.nrm", "unames.icu",
            "cnvalias.icu", "ibm-949_P110-1999.cnv", "ibm-970_P110_P110-2006_U2.cnv", "windows-949-2000.cnv",
            "likelySubtags.res", "zoneinfo64.res", "metaZones.res", "plurals.res", "pool.res", "res_index.res",
            "translit/root.res"]
    dropped = ["de.res", "ja_JP.res", "coll/zh.res", "coll/de__PHONEBOOK.res", "zone/fr.res", "lang/ar.res",
               "gb18030.cnv", "ibm-943_P15A-2003.cnv", "euc-tw-2014.cnv", "translit/Hang_Latn.res", "ff_Adlm.res"]
    assert [k for k in kept if not common.icu_item_kept(k)] == []
    assert [d for d in dropped if common.icu_item_kept(d)] == []


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_nothing_the_app_imports_is_excluded_from_the_frozen_build(common):
    """A module the app imports but the spec excludes would break only the frozen build."""
    excluded = set(common.EXCLUDES)
    offenders = []
    for py in sorted((REPO / "desktop" / "hanji").rglob("*.py")):
        for mod in _top_level_imports(py):
            parts = mod.split(".")
            if any(".".join(parts[:i]) in excluded for i in range(1, len(parts) + 1)):
                offenders.append(f"{py.relative_to(REPO)}: {mod}")
    assert offenders == []


def test_resources_are_shipped_and_checked(common):
    manifest = common._manifest_files()
    assert manifest, "MANIFEST.json lists no weights"
    models = REPO / "resources" / "models"
    for name in manifest:
        assert (models / name).is_file(), name
    good = [(f"hanji/resources/models/{n}", str(models / n), "DATA") for n in ["MANIFEST.json", *manifest]]
    common.check_resources(good)
    with pytest.raises(SystemExit, match="not collected"):
        common.check_resources(good[1:])
    with pytest.raises(SystemExit, match="weights not collected"):
        common.check_resources(good[:1])


def test_entry_point_is_the_console_script():
    text = (PKG / "pyinstaller" / "hanji_main.py").read_text(encoding="utf-8")
    assert "from hanji.app import main" in text and "freeze_support()" in text
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'hanji = "hanji.app:main"' in pyproject


def test_desktop_entry():
    cp = configparser.ConfigParser(interpolation=None, strict=True)
    cp.optionxform = str
    cp.read(PKG / "linux" / "hanji.desktop", encoding="utf-8")
    e = cp["Desktop Entry"]
    assert e["Type"] == "Application" and e["Name"] == "Hanji" and e["Name[ko]"] == "한지"
    assert e["Exec"].split()[0] == "hanji" and e["TryExec"] == "hanji" and e["Icon"] == "hanji"
    assert e["Terminal"] == "false" and e["Categories"].endswith(";")
    assert "application/x-hanji-project" in e["MimeType"]
    mime = (PKG / "linux" / "hanji-mime.xml").read_text(encoding="utf-8")
    assert 'type="application/x-hanji-project"' in mime and 'pattern="*.hanji"' in mime
    validator = shutil.which("desktop-file-validate")
    if validator:
        r = subprocess.run([validator, str(PKG / "linux" / "hanji.desktop")], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr


def test_deb_recipe_installs_to_opt_with_a_path_link_and_cleans_up():
    text = (PKG / "build-deb.sh").read_text(encoding="utf-8")
    assert 'ln -s /opt/hanji/hanji "$STAGE/usr/bin/hanji"' in text
    assert "usr/share/applications/hanji.desktop" in text
    assert 'rm -rf "${DPKG_ROOT:-}/opt/hanji"' in text  # postrm
    assert "DPKG_ROOT" in text and "dpkg-deb --root-owner-group" in text


def test_icons_are_drawn_in_code(tmp_path):
    pytest.importorskip("fontTools")
    from PIL import Image

    mod = _load("hanji_make_icons", PKG / "icons" / "make_icons.py")
    written = {p.name for p in mod.make(tmp_path)}
    assert {"hanji.svg", "hanji.png", "hanji.ico", "hanji.icns", "hanji-16.png", "hanji-512.png"} <= written
    with Image.open(tmp_path / "hanji.png") as im:
        assert im.size == (256, 256) and im.mode == "RGBA"
        # paper in the middle of the top edge, transparent corner, ink in the glyph area
        assert im.getpixel((0, 0))[3] == 0
        assert im.getpixel((128, 20))[3] == 255
        box = np.asarray(im.crop(mod.GLYPH_BOX).convert("L"))
        assert box.min() < 80, "no ink drawn for the glyph"
    with Image.open(tmp_path / "hanji.ico") as ico:
        assert (16, 16) in ico.info["sizes"] and (256, 256) in ico.info["sizes"]
    import xml.etree.ElementTree as ET

    svg = ET.parse(tmp_path / "hanji.svg").getroot()
    path = svg.find("{http://www.w3.org/2000/svg}path")
    assert path is not None and len(path.get("d")) > 100  # the glyph outline, no font needed


def test_wheelhouse_builder_checks_the_torch_it_got(tmp_path):
    wh = _load("hanji_build_wheelhouse", PKG / "wheelhouse" / "build_wheelhouse.py")

    def folder(*names):
        d = tmp_path / str(len(list(tmp_path.iterdir())))
        d.mkdir()
        for n in names:
            (d / n).write_bytes(b"")
        return d

    linux = "cp311-cp311-manylinux_2_28_x86_64.whl"
    assert wh.check_torch(folder(f"torch-2.13.0+cpu-{linux}"), "linux-x86_64", "cpu").name.startswith("torch-")
    with pytest.raises(SystemExit, match="CPU torch"):  # PyPI's Linux torch is the CUDA build
        wh.check_torch(folder(f"torch-2.13.0-{linux}", "nvidia_cudnn_cu12-9.1-py3-none-manylinux.whl"),
                       "linux-x86_64", "cpu")
    with pytest.raises(SystemExit, match="CPU torch"):
        wh.check_torch(folder(f"torch-2.13.0+cu128-{linux}"), "linux-x86_64", "cpu")
    assert wh.check_torch(folder("torch-2.13.0-cp311-cp311-win_amd64.whl"), "win-amd64", "cpu")
    assert wh.check_torch(folder("torch-2.13.0-cp311-none-macosx_11_0_arm64.whl"), "macos-arm64", "cpu")
    with pytest.raises(SystemExit, match="CUDA torch"):
        wh.check_torch(folder(f"torch-2.13.0+cpu-{linux}"), "linux-x86_64", "cuda")
    assert wh.check_torch(folder(f"torch-2.13.0-{linux}", "nvidia_cublas_cu12-12.8-py3-none-manylinux.whl"),
                          "linux-x86_64", "cuda")
    with pytest.raises(SystemExit, match="no torch"):
        wh.check_torch(folder(), "linux-x86_64", "cpu")


def test_wheelhouse_targets_and_install_scripts(tmp_path):
    wh = _load("hanji_build_wheelhouse2", PKG / "wheelhouse" / "build_wheelhouse.py")
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert wh.target_args(wh.host_target(), here) == []
    other = wh.target_args("win-amd64", "3.12")
    assert other[:5] == ["--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp"]
    assert ["--platform", "win_amd64"] == other[5:7]
    script = tmp_path / "install.sh"
    script.write_text(wh.INSTALL_SH.format(python="3.11"), encoding="utf-8")
    text = script.read_text(encoding="utf-8")
    assert "--no-index --find-links" in text and "PIP_CONFIG_FILE=/dev/null" in text and "{python}" not in text
    assert '!= "3.11"' in text
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    ps1 = wh.INSTALL_PS1.format(python="3.11")
    assert "--no-index --find-links" in ps1 and "py -3.11" in ps1


def test_nothing_imported_at_run_time_is_excluded(common):
    """`import torch` and the app's window, CLI and model modules, in a fresh interpreter: none of the
    modules they load may be one the spec leaves out (the frozen app would fail to import it)."""
    code = (
        "import json, sys\n"
        "import torch, hanji.app, hanji.cli, hanji.jobs.info, hanji.models.weights\n"
        "for m in ('hanji.jobs.preannotate', 'hanji.models.pipeline', 'hanji.ui.app', 'hanji.ui.mainwindow'):\n"
        "    try:\n"
        "        __import__(m)\n"
        "    except ModuleNotFoundError as e:\n"
        "        if not (e.name or '').startswith('hanji'):\n"
        "            raise\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr[-2000:]
    loaded = json.loads(r.stdout.strip().splitlines()[-1])
    excluded = set(common.EXCLUDES) - set(common.GUARDED)  # imports their importers guard (common.py)
    hit = [m for m in loaded if any(".".join(m.split(".")[:i]) in excluded for i in range(1, m.count(".") + 2))]
    assert hit == []


def test_what_the_build_leaves_out_as_guarded_is_guarded(common):
    """The GUARDED modules are left out on the promise that their importers cope without them: torch,
    the app and psycopg (PostgreSQL projects; it imports ``ssl`` unconditionally, which broke them in
    the frozen app) import in a fresh interpreter where those modules cannot be found."""
    code = (
        "import sys\n"
        "blocked = set(sys.argv[1:])\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in blocked:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import torch, hanji.app, hanji.cli, hanji.store.pg\n"
        "import psycopg\n"
        "print('pq', psycopg.pq.__impl__)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, *common.GUARDED], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0 and "pq " in r.stdout, r.stderr[-2000:]
