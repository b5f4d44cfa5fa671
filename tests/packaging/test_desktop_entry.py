"""The freedesktop integration: desktop entry, icons and scripts/install-desktop (into a temp XDG_DATA_HOME)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "linux" / "nemo-desktop.desktop"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
INSTALL = ROOT / "scripts" / "install-desktop"
MIME_TYPES = (
    "video/mp4;video/quicktime;video/x-msvideo;video/webm;video/x-matroska;image/jpeg;image/png;image/gif;"
    "image/webp;audio/mpeg;audio/wav;audio/x-wav;audio/mp4;audio/aac"
).split(";")


def _entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_desktop_file_validates() -> None:
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian: desktop-file-utils)")
    proc = subprocess.run([tool, str(DESKTOP)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr


def test_desktop_file_contents() -> None:
    entry = _entry(DESKTOP)
    assert entry["Type"] == "Application"
    assert entry["Icon"] == "nemo-desktop"
    assert entry["Terminal"] == "false"
    assert entry["Exec"].endswith(" %F")
    for key in ("Name", "Name[zh_CN]", "Comment", "Comment[zh_CN]"):
        assert entry.get(key), key
    assert entry["MimeType"].rstrip(";").split(";") == MIME_TYPES
    assert {"AudioVideo", "Video", "AudioVideoEditing"} <= set(entry["Categories"].rstrip(";").split(";"))


def test_svg_icon_parses() -> None:
    root = ET.parse(ICONS / "nemo-desktop.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 256 256"


@pytest.mark.parametrize("size", SIZES)
def test_png_icon_sizes(size: int) -> None:
    png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "nemo-desktop.png"
    assert png.is_file(), png
    assert _png_size(png) == (size, size)


# --- scripts/install-desktop -----------------------------------------------------------------------------


@pytest.fixture
def fake_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "dist with space" / "NemoDesktop"
    bundle.mkdir(parents=True)
    exe = bundle / "NemoDesktop"
    exe.write_text("#!/bin/sh\necho nemo \"$@\"\n")
    exe.chmod(0o755)
    (bundle / "_internal").mkdir()
    (bundle / "_internal" / "lib.so").write_bytes(b"\0" * 16)
    return bundle


def _run(args: list[str], data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(data.parent / "home")}
    return subprocess.run([str(INSTALL), *args], capture_output=True, text=True, env=env, timeout=60)


def test_install_and_uninstall(tmp_path: Path, fake_bundle: Path) -> None:
    data = tmp_path / "data"
    (data / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    other_icon = data / "icons" / "hicolor" / "48x48" / "apps" / "someone-else.png"
    other_icon.write_bytes(b"x")  # installed by another app: must survive our uninstall

    proc = _run([str(fake_bundle)], data)
    assert proc.returncode == 0, proc.stderr

    app = data / "nemo-desktop" / "app"
    assert (app / "NemoDesktop").is_file() and os.access(app / "NemoDesktop", os.X_OK)
    assert (app / "_internal" / "lib.so").is_file()
    desktop = data / "applications" / "nemo-desktop.desktop"
    entry = _entry(desktop)
    exe = str(app / "NemoDesktop")
    assert entry["Exec"] == f"{exe} %F" or entry["Exec"] == f'"{exe}" %F'
    assert Path(entry["Exec"].rsplit(" ", 1)[0].strip('"')).is_absolute()
    assert entry["TryExec"] == exe
    assert entry["Icon"] == "nemo-desktop" and entry["Name[zh_CN]"]
    for size in SIZES:
        png = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "nemo-desktop.png"
        assert _png_size(png) == (size, size)
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "nemo-desktop.svg").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout

    proc = _run(["--uninstall"], data)
    assert proc.returncode == 0, proc.stderr
    assert not desktop.exists()
    assert not (data / "nemo-desktop").exists()
    assert not list(data.rglob("nemo-desktop*"))
    assert other_icon.is_file()
    assert data.is_dir()


def test_reinstall_replaces_the_previous_copy(tmp_path: Path, fake_bundle: Path) -> None:
    data = tmp_path / "data"
    assert _run([str(fake_bundle)], data).returncode == 0
    (fake_bundle / "_internal" / "lib.so").unlink()
    (fake_bundle / "_internal" / "new.so").write_bytes(b"1")
    assert _run([str(fake_bundle)], data).returncode == 0
    internal = data / "nemo-desktop" / "app" / "_internal"
    assert sorted(p.name for p in internal.iterdir()) == ["new.so"]
    assert _run(["--uninstall"], data).returncode == 0


def test_install_refuses_a_folder_without_the_app(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _run([str(empty)], tmp_path / "data")
    assert proc.returncode != 0 and "NemoDesktop" in proc.stderr
    assert not (tmp_path / "data" / "applications").exists()


def test_uninstall_without_install_fails_cleanly(tmp_path: Path) -> None:
    proc = _run(["--uninstall"], tmp_path / "data")
    assert proc.returncode == 1 and "not installed" in proc.stderr
