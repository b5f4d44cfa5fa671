"""build_installer.spec, read as Python source: the promises the frozen app depends on, checked without building.

The real build takes minutes; it runs only with NEMO_SMOKE_BUNDLE=1 (scripts/smoke-bundle).
"""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build_installer.spec"


@pytest.fixture(scope="module")
def tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def _calls(tree: ast.Module, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == name]


def _kw(call: ast.Call, key: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == key), None)


def _const(node: ast.expr | None):
    return node.value if isinstance(node, ast.Constant) else None


def _exe_by_name(tree: ast.Module) -> dict[str, ast.Call]:
    return {_const(_kw(c, "name")): c for c in _calls(tree, "EXE")}


def test_spec_is_valid_python(tree: ast.Module) -> None:
    assert _calls(tree, "Analysis"), "no Analysis"
    assert len(_calls(tree, "COLLECT")) == 1, "one onedir bundle, so both executables share the libraries"


def test_windowed_gui_and_console_cli(tree: ast.Module) -> None:
    exes = _exe_by_name(tree)
    assert set(exes) == {"NemoDesktop", "nemo-desktop"}
    assert _const(_kw(exes["NemoDesktop"], "console")) is False
    assert _const(_kw(exes["nemo-desktop"], "console")) is True
    for exe in exes.values():  # onedir: libraries live in the COLLECT, not inside each executable
        assert _const(_kw(exe, "exclude_binaries")) is True


def test_both_executables_are_collected_together(tree: ast.Module) -> None:
    (collect,) = _calls(tree, "COLLECT")
    names = {a.id for a in collect.args if isinstance(a, ast.Name)}
    assert {"gui_exe", "cli_exe"} <= names
    assert _const(_kw(collect, "name")) is None or _const(_kw(collect, "name")) == "NemoDesktop"


def test_upx_is_off_everywhere(tree: ast.Module) -> None:
    calls = _calls(tree, "EXE") + _calls(tree, "COLLECT")
    for call in calls:
        assert _const(_kw(call, "upx")) is False, f"{ast.unparse(call.func)} at line {call.lineno}"
    assert "upx=True" not in SPEC.read_text(encoding="utf-8")


def test_launchers_call_the_entry_points() -> None:
    gui = (ROOT / "resources" / "launchers" / "nemo_desktop_gui.py").read_text(encoding="utf-8")
    cli = (ROOT / "resources" / "launchers" / "nemo_desktop_cli.py").read_text(encoding="utf-8")
    assert "from nemo_desktop.ui.app import main" in gui
    assert "from nemo_desktop.cli import main" in cli
    assert "PySide6" not in cli and "nemo_desktop.ui" not in cli
    text = SPEC.read_text(encoding="utf-8")
    assert "nemo_desktop_gui.py" in text and "nemo_desktop_cli.py" in text


def test_bundled_files_are_listed() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert "imageio_ffmpeg.get_ffmpeg_exe()" in text and '"imageio_ffmpeg/binaries"' in text, "ffmpeg"
    assert "silero_vad.onnx" in text and '"nemo_desktop/resources"' in text, "VAD model where vad.py looks"
    assert 'includes=["locale/**/*.mo"]' in text, "our gettext catalogs"
    assert "qtbase_zh_CN.qm" in text, "Qt's Chinese strings"
    for folder in ('"resources" / "icons"', '"resources" / "linux"'):
        assert folder in text, folder
    assert '(str(PACKAGE_RESOURCES / "icons"), "nemo_desktop/resources/icons")' in text, "the window's icons"


def test_unused_heavy_modules_are_excluded() -> None:
    text = SPEC.read_text(encoding="utf-8")
    for mod in ("tkinter", "PySide6.QtWebEngineCore", "PySide6.QtQuick", "PySide6.QtMultimediaWidgets", "pytest",
                "av"):
        assert f'"{mod}"' in text, mod
    assert '"numpy.f2py"' not in text, "scipy's array_api_compat imports numpy.f2py lazily through numpy"


def test_preview_sound_is_bundled_without_ffmpeg_libraries() -> None:
    """QtMultimedia ships for the preview's QAudioSink; its FFmpeg plugin and libav*/libsw* never do (the app
    loads no FFmpeg library: the bundled ffmpeg binary is its one media tool)."""
    text = SPEC.read_text(encoding="utf-8")
    assert '"PySide6.QtMultimedia"' not in text, "the preview needs QtMultimedia"
    for prefix in ('"PySide6/Qt/plugins/multimedia"', '"PySide6/Qt/lib/libav"', '"PySide6/Qt/lib/libsw"',
                   '"libavcodec"', '"libswscale"'):
        assert prefix in text, prefix


def test_listed_sources_exist() -> None:
    for rel in ("resources/launchers/nemo_desktop_gui.py", "resources/launchers/nemo_desktop_cli.py",
                "resources/launchers/rthook_nemo_desktop.py", "resources/icons/nemo-desktop.svg",
                "resources/icons/hicolor/256x256/apps/nemo-desktop.png", "resources/linux/nemo-desktop.desktop"):
        assert (ROOT / rel).is_file(), rel


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("NEMO_SMOKE_BUNDLE") != "1", reason="builds the bundle: set NEMO_SMOKE_BUNDLE=1")
@pytest.mark.timeout(1800)
def test_smoke_bundle() -> None:
    proc = subprocess.run([str(ROOT / "scripts" / "smoke-bundle")], cwd=ROOT, capture_output=True, text=True,
                          timeout=1800)
    print(proc.stdout[-5000:], proc.stderr[-5000:])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
