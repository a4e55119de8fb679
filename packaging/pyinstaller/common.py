"""What Hanji's PyInstaller specs share: what to collect, what to leave out, and the pruning of
files that hooks collect but the app never uses.

The specs (packaging/linux/hanji.spec, packaging/windows/hanji.spec, packaging/macos/hanji.spec)
add this folder to ``sys.path`` and call :func:`analysis_options` and :func:`prune`. It is plain
Python without PyInstaller imports at module level, so the dry-run test can import it anywhere.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ENTRY = HERE / "hanji_main.py"
APP_NAME = "hanji"
BUNDLE_ID = "org.hanji.Hanji"

# OpenSSL's hashes: imported inside ``try/except ImportError`` (hashlib tries OpenSSL first, then uses
# Python's own SHA-2, MD5, BLAKE2). Python's ``ssl`` stays in the bundle: psycopg imports it
# unconditionally (it sets up libcrypto's callbacks before libpq), and without it PostgreSQL projects
# (issue 21) cannot open in the frozen app; it was left out (5 MB with libssl/libcrypto) before that.
GUARDED = ("_hashlib",)

# Python modules the app never imports at run time. onnx/onnxruntime/rapidocr are dev-only (the
# ONNX peer in benchmarks, the weight converters in tools/); test tools; other GUI toolkits;
# Qt modules the studio does not use (it is Widgets only).
EXCLUDES = [
    "onnx", "onnxruntime", "rapidocr_onnxruntime", "rapidocr",
    # SciPy was a dependency once (our own image hashes replaced it); a build venv made before that
    # still has it, and a hook must not pull it back in. OpenCV is a dependency again (hanji.imaging).
    "scipy", "imagehash", "pywt",
    # matplotlib too (hanji.quality.charts draws the dashboard's and the PNG export's charts with Pillow)
    "matplotlib", "mpl_toolkits", "kiwisolver", "contourpy", "fontTools",
    "pytest", "_pytest", "pytestqt", "hypothesis", "importlinter", "grimp", "ruff",
    "tkinter", "_tkinter", "IPython", "jupyter", "notebook", "ipykernel",
    "tensorboard", "torch.utils.tensorboard", "triton", "torchvision", "torchaudio",
    # torch's compiler, test helpers, ONNX exporter and benchmark tools: never imported by `import torch`
    # nor by eager CPU inference; they pull sympy, scipy.stats and more into the bundle
    # (`import torch` itself imports torch.testing._internal.logging_tensor and common_dtype: only the
    # test-suite parts of that package are left out)
    # (not torch._inductor: training imports torch._dynamo, whose trace rules import
    # torch._inductor.test_operators; without it `hanji train` fails in the bundle)
    "torch.onnx", "torch.utils.benchmark",
    # libraries of torch's compiler (graphs, code templates, remote files): neither inference nor
    # training imports them (training does import torch._dynamo, and with it sympy: they stay)
    "networkx", "jinja2", "fsspec",
    # build tools that torch's C++-extension builder imports; the app builds nothing
    "setuptools", "pkg_resources",
    *GUARDED,
    "torch.testing._internal.opinfo", "torch.testing._internal.common_methods_invocations",
    "torch.testing._internal.distributed", "torch.testing._internal.optests", "torch.testing._internal.generated",
    "torch.testing._internal.codegen", "torch.testing._internal.common_distributed",
    "torch.testing._internal.common_fsdp", "torch.testing._internal.common_quantization",
    "torch.testing._internal.common_modules", "torch.testing._internal.common_nn",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2", "PySide6.QtQuick3D",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel", "PySide6.QtWebSockets",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtSql", "PySide6.QtDesigner",
    "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtTest", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
    "PySide6.Qt3DCore", "PySide6.QtCharts", "PySide6.QtDataVisualization", "PySide6.QtBluetooth",
    "PySide6.QtPositioning", "PySide6.QtLocation", "PySide6.QtSensors", "PySide6.QtSerialPort",
    "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtStateMachine", "PySide6.QtTextToSpeech",
    "PySide6.QtNfc", "PySide6.QtSpatialAudio", "PySide6.QtHttpServer", "PySide6.QtGraphs",
    # the app never goes online: QtNetwork (with libQt6Network and the Kerberos libraries it links, 5 MB)
    "PySide6.QtNetwork",
    # line editing for Python's interactive prompt (with libreadline and libtinfo); the app has none
    "readline",
]

# Files hooks collect that the app never opens (matched against the destination path inside the
# bundle, with "/" separators). Headers, C++ tests and CMake files of torch; CUDA and other GPU
# runtimes (the bundle is CPU-only); Qt's QML/Quick/WebEngine/Designer libraries and plugins; Qt
# translations other than Korean and English.
PRUNE = [
    "torch/include/*", "torch/test/*", "torch/bin/*", "torch/share/*", "torch/testing/_internal/data/*",
    "torch/lib/*test*", "torch/lib/libbackend_with_compiler*", "torch/lib/libaoti_custom_ops*",
    "torch/lib/*.lib", "torch/lib/*.a",
    "*.h", "*.hpp", "*.cuh", "*.cpp", "*.pyi", "*.cmake", "*.a",
    # GPU runtimes (Linux and Windows names)
    "nvidia/*", "*libcuda*", "*libcudart*", "*libcublas*", "*libcudnn*", "*libcufft*", "*libcurand*",
    "*libcusolver*", "*libcusparse*", "*libnccl*", "*libnvrtc*", "*libnvJitLink*", "*libnvToolsExt*",
    "*libcupti*", "*libtorch_cuda*", "*libc10_cuda*", "*cudart64*", "*cublas64*", "*cudnn*", "*nvrtc*",
    "triton/*", "*libroctx*", "*libamdhip*", "*libMIOpen*", "*librocm*", "*libhipblas*",
    # Qt we do not use
    "PySide6/Qt/lib/libQt6Qml*", "PySide6/Qt/lib/libQt6Quick*", "PySide6/Qt/lib/libQt6Labs*",
    "PySide6/Qt/lib/libQt6WebEngine*", "PySide6/Qt/lib/libQt6Designer*", "PySide6/Qt/lib/libQt6Pdf*",
    "PySide6/Qt/lib/libQt6Help*", "PySide6/Qt/lib/libQt6Sql*", "PySide6/Qt/lib/libQt6Test*",
    "PySide6/Qt/lib/libQt6VirtualKeyboard*", "PySide6/Qt/lib/libQt6WaylandCompositor*",
    "PySide6/Qt/lib/libQt6Multimedia*", "PySide6/Qt/lib/libQt63D*", "PySide6/Qt/lib/libQt6ShaderTools*",
    "PySide6/Qt/plugins/qmltooling/*", "PySide6/Qt/plugins/qmllint/*", "PySide6/Qt/plugins/designer/*",
    "PySide6/Qt/plugins/sqldrivers/*", "PySide6/Qt/plugins/virtualkeyboard/*", "PySide6/Qt/plugins/multimedia/*",
    "PySide6/Qt/plugins/sceneparser/*", "PySide6/Qt/plugins/renderers/*", "PySide6/Qt/plugins/position/*",
    "PySide6/Qt/plugins/wayland-graphics-integration-server/*",
    # Linux: embedded-device platforms (eglfs, linuxfb, vnc) and evdev input, the GTK theme (it pulls
    # GTK, cairo and pango into the bundle), network status and TLS plugins (the app never goes online)
    "PySide6/Qt/plugins/platforms/libqeglfs*", "PySide6/Qt/plugins/platforms/libqlinuxfb*",
    "PySide6/Qt/plugins/platforms/libqvnc*", "PySide6/Qt/plugins/platforms/libqvkkhrdisplay*",
    "PySide6/Qt/plugins/platforms/libqminimalegl*", "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*", "PySide6/Qt/plugins/platformthemes/libqgtk3*",
    "PySide6/Qt/plugins/networkinformation/*", "PySide6/Qt/plugins/tls/*",
    "PySide6/Qt/lib/libQt6EglFS*", "libQt6EglFS*", "PySide6/Qt/lib/libQt6EglFsKms*", "PySide6/Qt/lib/libQt6Network*",
    "PySide6/Qt/qml/*", "PySide6/Qt/resources/qtwebengine*",
    "PySide6/Qt6*.dll", "PySide6/Qt/bin/Qt6Qml*", "PySide6/Qt/bin/Qt6Quick*", "PySide6/Qt6Qml*", "PySide6/Qt6Quick*",
    "PySide6/Qt6Pdf*", "PySide6/Qt6WebEngine*", "PySide6/Qt6Designer*", "PySide6/Qt6VirtualKeyboard*",
    "PySide6/QtQml*", "PySide6/QtQuick*", "PySide6/designer*", "PySide6/assistant*", "PySide6/linguist*",
    "PySide6/qml*", "PySide6/lupdate*", "PySide6/lrelease*", "PySide6/include/*", "PySide6/typesystems/*",
    "PySide6/glue/*", "PySide6/scripts/*", "PySide6/examples/*",
    # macOS: the same Qt modules as frameworks
    "PySide6/Qt/lib/QtQml*.framework/*", "PySide6/Qt/lib/QtQuick*.framework/*", "PySide6/Qt/lib/QtWebEngine*",
    "PySide6/Qt/lib/QtDesigner*.framework/*", "PySide6/Qt/lib/QtPdf*.framework/*", "PySide6/Qt/lib/QtLabs*",
    "PySide6/Qt/lib/QtVirtualKeyboard*.framework/*", "PySide6/Qt/lib/QtMultimedia*.framework/*",
    # no longer dependencies (see EXCLUDES)
    "scipy/*", "scipy.libs/*", "pywt/*", "imagehash/*",
    "matplotlib/*", "matplotlib.libs/*", "mpl_toolkits/*", "kiwisolver/*", "contourpy/*", "fontTools/*",
    # Pillow's AVIF codec (5 MB): Hanji imports no AVIF images (Pillow reports the format unsupported)
    "PIL/_avif*", "pillow.libs/libavif*",
]
# Qt translations: keep Korean and English only
QT_TRANSLATIONS_KEEP = ("_ko.qm", "_en.qm")

# On Windows, Qt DLLs sit next to the PySide6 modules; the names above that start with "PySide6/Qt6"
# are meant for them. Keep the Widgets stack whatever the patterns say.
KEEP = ["torch/bin/torch_shm_manager*",  # `import torch` checks that it is there
        "PySide6/Qt6Core*", "PySide6/Qt6Gui*", "PySide6/Qt6Widgets*", "PySide6/Qt6Svg*", "PySide6/Qt6DBus*",
        "PySide6/Qt6OpenGL*"]


def _norm(dest: str) -> str:
    return dest.replace("\\", "/")


def pruned(dest: str) -> bool:
    """Whether a file at ``dest`` (path inside the bundle) is left out of the bundle."""
    d = _norm(dest)
    if any(fnmatch(d, k) for k in KEEP):
        return False
    if "/translations/" in d and d.endswith(".qm"):
        return not d.endswith(QT_TRANSLATIONS_KEEP)
    return any(fnmatch(d, p) for p in PRUNE)


def prune(toc):
    """A PyInstaller TOC (list of (dest, src, typecode)) without the pruned entries. A top-level
    symbolic link that PyInstaller makes for a library (``libQt6Network.so.6`` ->
    ``PySide6/Qt/lib/libQt6Network.so.6``) goes with its target: COLLECT would copy the target back."""
    return [entry for entry in toc
            if not pruned(entry[0]) and not (entry[2] == "SYMLINK" and entry[1] and pruned(entry[1]))]


def prune_orphans(binaries):
    """Linux: drop top-level shared libraries that no kept binary needs any more (the dependencies of
    pruned plugins, e.g. GTK for the GTK theme). Needs are read with ldd (transitively), from the
    files' build-time locations. Elsewhere the TOC is returned unchanged."""
    import subprocess
    import sys

    if not sys.platform.startswith("linux"):
        return binaries
    top = [e for e in binaries if "/" not in _norm(e[0]) and ".so" in e[0]]
    roots = [e for e in binaries if e not in top or e[0].startswith("libpython")]
    needed: set[str] = set()
    for _dest, src, _kind in roots:
        if not src or not Path(src).is_file():
            continue
        r = subprocess.run(["ldd", src], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            name = line.strip().split(" ", 1)[0]
            if name:
                needed.add(Path(name).name)
    keep_top = [e for e in top if e[0] in needed or e[0].startswith("libpython")]
    dropped = sorted(e[0] for e in top if e not in keep_top)
    if dropped:
        print(f"hanji spec: dropping {len(dropped)} libraries nothing needs: {' '.join(dropped)}")
    return [e for e in binaries if e not in top or e in keep_top]


def strip_debug_info(internal: Path) -> int:
    """Linux: drop the debug sections (not the symbols) of the bundle's extension modules and
    libraries that still carry them (pyclipper, Python's own modules; kiwisolver and fontTools when
    matplotlib was bundled: about 20 MB then). Libraries that auditwheel patched (grafted into ``*.libs``, or with an ``$ORIGIN``
    run path) are left alone: stripping them breaks them. Each stripped file is then loaded with
    ctypes in a fresh process; a file that loaded before and no longer does gets its original
    back. Returns the bytes saved."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    if not sys.platform.startswith("linux") or not shutil.which("strip") or not shutil.which("readelf"):
        return 0

    def loads(lib: Path) -> bool:
        env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
        code = "import ctypes, sys; ctypes.CDLL(sys.argv[1])"
        return subprocess.run([sys.executable, "-c", code, str(lib)], capture_output=True, env=env).returncode == 0

    saved = 0
    backup = Path(tempfile.mkdtemp(prefix="hanji-strip-"))
    for lib in sorted(internal.rglob("*.so*")):
        rel = lib.relative_to(internal).as_posix()
        if not lib.is_file() or lib.is_symlink() or ".libs/" in rel:
            continue
        dyn = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True)
        if dyn.returncode != 0 or "$ORIGIN" in dyn.stdout:
            continue
        sections = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True, text=True).stdout
        if ".debug_" not in sections:
            continue
        keep = backup / lib.name
        shutil.copy2(lib, keep)
        loaded = loads(lib)
        before = lib.stat().st_size
        if subprocess.run(["strip", "--strip-debug", str(lib)]).returncode != 0 or (loaded and not loads(lib)):
            print(f"hanji spec: {rel} does not strip cleanly; kept whole")
            shutil.copy2(keep, lib)
            continue
        saved += before - lib.stat().st_size
    shutil.rmtree(backup, ignore_errors=True)
    return saved


# ICU data items kept by :func:`shrink_icu_data`: the locales Hanji's UI speaks (and root, which every
# lookup falls back to), the converters for Korean (EUC-KR, CP949) and Western text, and every item
# that is not per-locale (normalisation, break rules and their dictionaries, time zones, likely
# subtags, plural rules, ...). Qt formats dates and numbers from its own CLDR tables; ICU serves
# collation, time-zone names, IDNA and non-UTF text codecs.
ICU_KEEP_LOCALES = frozenset({"root", "en", "en_US", "en_US_POSIX", "ko", "ko_KR"})
ICU_KEEP_CONVERTERS = ("ibm-949", "ibm-970", "ibm-1363", "ibm-5471", "windows-949", "ibm-1252", "ibm-5348",
                       "iso-8859_1")


def icu_item_kept(item: str) -> bool:
    """Whether the ICU data item ``item`` (as ``icupkg -l`` lists it, e.g. ``coll/ko.res``) stays."""
    import os
    import re

    parts = item.split("/")
    stem, ext = os.path.splitext(parts[-1])
    if parts[0] == "translit":  # transliterators: Qt does not use them
        return stem in ICU_KEEP_LOCALES
    if ext == ".cnv":
        return parts[-1].startswith(ICU_KEEP_CONVERTERS)
    # a locale's bundle (ko, en_US, sr_Latn, es_419, de__PHONEBOOK...): a language code, then subtags
    # that start with a capital or a digit (res_index and pool are not locales)
    m = re.match(r"^[a-z]{2,3}(_+[A-Z0-9][A-Za-z0-9]*)*$", stem)
    if ext == ".res" and m and stem != "root":
        return stem in ICU_KEEP_LOCALES
    return True


def shrink_icu_data(internal: Path) -> int:
    """Linux: replace Qt's ICU data library (32 MB: every locale and legacy codec ICU knows) with one
    holding only the items :func:`icu_item_kept` keeps (about 9 MB). Needs ICU's ``icupkg`` and
    ``genccode`` (Debian's icu-devtools) and a C compiler; without them the library is left whole.
    The new library is checked by opening a Korean collator and the EUC-KR converter through the
    bundle's own ICU; if that fails the original comes back. Returns the bytes saved."""
    import re
    import shutil
    import subprocess
    import sys
    import tempfile

    if not sys.platform.startswith("linux"):
        return 0
    libs = [p for p in internal.rglob("libicudata.so.*") if p.is_file() and not p.is_symlink()]
    tools = [shutil.which(t) for t in ("icupkg", "genccode", "cc", "nm")]
    if not libs or not all(tools):
        print("hanji spec: ICU data left whole (needs icupkg and genccode from icu-devtools, cc and nm)")
        return 0
    lib = libs[0]
    syms = subprocess.run(["nm", "-D", "-S", "--defined-only", str(lib)], capture_output=True, text=True).stdout
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) R (icudt(\d+)_dat)$", syms, re.M)
    if not m:
        print(f"hanji spec: no ICU data symbol in {lib.name}; left whole")
        return 0
    addr, size, symbol, ver = int(m.group(1), 16), int(m.group(2), 16), m.group(3), m.group(4)
    # the symbol's file offset: its section's file offset plus its place in the section
    sections = subprocess.run(["readelf", "-S", "-W", str(lib)], capture_output=True, text=True).stdout
    offset = None
    for line in sections.splitlines():
        f = re.search(r"\]\s+\S+\s+\S+\s+([0-9a-f]{8,})\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if f:
            s_addr, s_off, s_size = (int(x, 16) for x in f.groups())
            if s_addr <= addr < s_addr + s_size:
                offset = s_off + addr - s_addr
    if offset is None:
        print(f"hanji spec: cannot place {symbol} in {lib.name}; left whole")
        return 0
    work = Path(tempfile.mkdtemp(prefix="hanji-icu-"))
    name = f"icudt{ver}l"  # the package name inside the data (l: little-endian)
    whole, small = work / f"{name}.dat", work / "out" / f"{name}.dat"
    small.parent.mkdir()
    with open(lib, "rb") as fh:
        fh.seek(offset)
        whole.write_bytes(fh.read(size))
    items = subprocess.run(["icupkg", "-l", str(whole)], capture_output=True, text=True, check=True).stdout.split()
    drop = {i for i in items if not icu_item_kept(i)}
    for _ in range(10):  # an item that needs a dropped one goes too (e.g. coll/de_.res needs coll/de.res)
        (work / "drop.txt").write_text("\n".join(sorted(drop)) + "\n")
        small.unlink(missing_ok=True)
        r = subprocess.run(["icupkg", "-r", str(work / "drop.txt"), str(whole), str(small)],
                           capture_output=True, text=True)
        needs = set(re.findall(r"^Item (\S+) depends on missing item", r.stdout + r.stderr, re.M))
        if not needs:
            break
        drop |= needs
    if r.returncode != 0 or not small.exists():
        print(f"hanji spec: icupkg failed ({(r.stderr or r.stdout).strip()[:200]}); ICU data left whole")
        return 0
    subprocess.run(["genccode", "-a", "gcc", "-e", f"icudt{ver}", "-d", str(small.parent), str(small)],
                   check=True, capture_output=True)
    new = work / lib.name
    subprocess.run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{lib.name}", "-Wl,-z,noexecstack", "-o", str(new),
                    str(small.parent / f"{name}_dat.S")], check=True)
    keep = work / (lib.name + ".orig")
    shutil.copy2(lib, keep)
    before = lib.stat().st_size
    shutil.copy2(new, lib)
    if not _icu_works(lib.parent, ver):
        shutil.copy2(keep, lib)
        print("hanji spec: the trimmed ICU data does not open a Korean collator; original kept")
        shutil.rmtree(work, ignore_errors=True)
        return 0
    shutil.rmtree(work, ignore_errors=True)
    print(f"hanji spec: ICU data {len(items)} -> {len(items) - len(drop)} items")
    return before - lib.stat().st_size


def _icu_works(libdir: Path, ver: str) -> bool:
    """Open a Korean collator and the EUC-KR converter through the ICU libraries in ``libdir``."""
    import subprocess
    import sys

    code = f"""
import ctypes, sys
d = sys.argv[1]
uc = ctypes.CDLL(d + "/libicuuc.so.{ver}")
i18n = ctypes.CDLL(d + "/libicui18n.so.{ver}")
st = ctypes.c_int(0)
i18n.ucol_open_{ver}.restype = ctypes.c_void_p
c = i18n.ucol_open_{ver}(b"ko_KR", ctypes.byref(st))
ok = c and st.value <= 0 and st.value != -127  # -127: U_USING_DEFAULT_WARNING (no Korean data)
st2 = ctypes.c_int(0)
uc.ucnv_open_{ver}.restype = ctypes.c_void_p
cv = uc.ucnv_open_{ver}(b"EUC-KR", ctypes.byref(st2))
sys.exit(0 if ok and cv and st2.value <= 0 else 1)
"""
    return subprocess.run([sys.executable, "-c", code, str(libdir)], capture_output=True).returncode == 0


def torch_collection_mode() -> dict[str, str]:
    """torch's hook copies all its 1,700 .py files next to the compiled ones (33 MB), for
    TorchScript, which Hanji does not use: compiled modules only, except torch's config modules,
    which read their own source when imported (``torch.utils._config_module``)."""
    import importlib.util

    modes = {"torch": "pyz"}
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return modes
    root = Path(list(spec.submodule_search_locations)[0])
    for py in root.rglob("*.py"):
        if py.name == "_config_module.py" or "testing" in py.parts:
            continue
        try:
            text = py.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "install_config_module(" in text:
            rel = py.relative_to(root.parent).with_suffix("")
            modes[".".join(rel.parts)] = "pyz+py"
    return modes


def analysis_options() -> dict:
    """Keyword arguments for ``Analysis`` shared by all platforms."""
    from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

    # every hanji module (the CLI loads its command modules by name), and the shipped resources
    # (weights, fonts, manifest) as data so importlib.resources finds them in the frozen app
    hidden = collect_submodules("hanji")
    datas = collect_data_files("hanji", include_py_files=False)
    datas += copy_metadata("hanji")
    return {
        "pathex": [],
        "binaries": [],
        "datas": datas,
        "hiddenimports": hidden,
        "hookspath": [],
        "hooksconfig": {},
        "module_collection_mode": torch_collection_mode(),
        "runtime_hooks": [],
        "excludes": EXCLUDES,
        "noarchive": False,
    }


def check_resources(datas) -> None:
    """Fail the build when the shipped resources are not collected (a bundle without weights must not ship)."""
    dests = {_norm(d[0]) for d in datas}
    for need in ("hanji/resources/models/MANIFEST.json",):
        if need not in dests:
            raise SystemExit(f"hanji spec: {need} was not collected; is hanji installed in the build venv?")
    manifest_files = _manifest_files()
    missing = [f for f in manifest_files if f"hanji/resources/models/{f}" not in dests]
    if missing:
        raise SystemExit(f"hanji spec: shipped weights not collected: {missing}")


def _manifest_files() -> list[str]:
    import json

    p = REPO / "resources" / "models" / "MANIFEST.json"
    return sorted(json.loads(p.read_text(encoding="utf-8"))) if p.exists() else []


def project_version() -> str:
    import re

    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(r'^version = "([^"]+)"', text, re.M).group(1)
