"""Starting the window where it cannot start: one clear sentence and exit code 1, never Qt's abort."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nemo_desktop.ui import display_check

NO_DISPLAY = "No display found (DISPLAY/WAYLAND_DISPLAY is not set)."


def all_there(name: str) -> bool:
    return True


def headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["NEMO_HOME"] = str(tmp_path / "home")
    env["LANGUAGE"] = "en"
    return env


@pytest.mark.parametrize("command", [["-m", "nemo_desktop.ui.app"], ["-m", "nemo_desktop"]])
def test_the_window_without_a_display_says_so_and_exits_1(tmp_path: Path, command: list[str]) -> None:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, *command], env=headless_env(tmp_path), capture_output=True, text=True,
                          timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert NO_DISPLAY in proc.stderr
    assert "nemo-desktop make CLIP --prompt TEXT" in proc.stderr
    assert "Traceback" not in proc.stderr and "xcb" not in proc.stderr
    assert proc.stdout == ""
    assert elapsed < 40, f"took {elapsed:.1f} s"  # no hang waiting for a display (~1 s when idle)


def test_the_no_display_sentence_is_on_one_line_and_loads_no_qt(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from nemo_desktop.ui import app\n"
        "rc = app.main([])\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qasync'))]\n"
        "assert not bad, bad\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=headless_env(tmp_path), capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines() == [display_check.no_display_message()]


def test_no_display_is_found_only_when_none_is_named() -> None:
    linux = "linux"
    assert display_check.problem([], {}, linux, all_there) == display_check.no_display_message()
    assert display_check.problem([], {"QT_QPA_PLATFORM": "xcb"}, linux, all_there) is not None
    assert display_check.problem([], {"DISPLAY": ":0"}, linux, all_there) is None
    assert display_check.problem([], {"WAYLAND_DISPLAY": "wayland-0"}, linux, all_there) is None
    # Platforms that need no display, by environment or by Qt's -platform argument.
    for env in ({"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "minimal"}, {"QT_QPA_PLATFORM": "vnc"},
                {"QT_QPA_PLATFORM": "xcb;offscreen"}, {"QT_QPA_PLATFORM": "wayland"}):
        assert display_check.problem([], env, linux, all_there) is None, env
    for argv in (["-platform", "offscreen"], ["--platform", "minimal"], ["-platform=vnc"], ["clip.mp4", "-platform",
                                                                                          "offscreen"]):
        assert display_check.problem(argv, {}, linux, all_there) is None, argv
    assert display_check.problem(["-platform", "xcb"], {"QT_QPA_PLATFORM": "offscreen"}, linux, all_there) is not None


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_skip_the_checks(platform: str) -> None:
    assert display_check.problem([], {}, platform, lambda name: False) is None
    assert display_check.problem([], {"DISPLAY": ":0"}, platform, lambda name: False) is None


def test_a_missing_library_is_named_with_its_package() -> None:
    fake = "libnemo-no-such-library.so.7"
    missing = display_check.missing_libraries([(fake, "libnemo-nothing7"), ("libc.so.6", "libc6")], search=[])
    assert missing == [(fake, "libnemo-nothing7")]
    assert display_check.missing_libraries_message(missing) == (
        f"Qt cannot start: the system library {fake} is missing. Install it with: apt-get install libnemo-nothing7"
    )


def test_a_library_in_a_bundled_folder_counts_as_present(tmp_path: Path) -> None:
    fake = "libnemo-bundled-only.so.1"
    (tmp_path / fake).write_bytes(b"")
    assert display_check.missing_libraries([(fake, "x")], search=[tmp_path]) == []
    assert display_check.missing_libraries([(fake, "x")], search=[tmp_path / "elsewhere"]) == [(fake, "x")]


def test_xcb_libraries_are_checked_only_when_qt_will_use_xcb() -> None:
    asked: list[str] = []

    def no_cursor(name: str) -> bool:
        asked.append(name)
        return name != "libxcb-cursor.so.0"

    message = display_check.problem([], {"DISPLAY": ":0"}, "linux", no_cursor)
    assert message == ("Qt cannot start: the system library libxcb-cursor.so.0 is missing. "
                       "Install it with: apt-get install libxcb-cursor0")
    assert "libxkbcommon-x11.so.0" in asked and "libxcb-icccm.so.4" in asked
    asked.clear()
    # A Wayland session, or a platform that needs no X server, never looks at the xcb libraries.
    assert display_check.problem([], {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux", no_cursor) is None
    assert display_check.problem([], {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", no_cursor) is None
    assert asked == []


def test_several_missing_libraries_are_listed_in_one_apt_get_line() -> None:
    gone = {"libxcb-cursor.so.0", "libxkbcommon-x11.so.0"}
    message = display_check.problem([], {"DISPLAY": ":1"}, "linux", lambda name: name not in gone)
    assert message is not None
    assert "libxcb-cursor.so.0, libxkbcommon-x11.so.0" in message
    assert message.endswith("apt-get install libxcb-cursor0 libxkbcommon-x11-0")


def test_the_libraries_on_this_machine_are_found() -> None:
    """This test machine has the window's libraries (scripts/system-packages): the real check finds them all."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the xcb libraries are a Linux matter")
    assert display_check.missing_libraries() == []


ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PACKAGES = ROOT / "scripts" / "system-packages"


def window_packages() -> set[str]:
    text = SYSTEM_PACKAGES.read_text()
    match = re.search(r"^window_pkgs=\(([^)]*)\)", text, re.MULTILINE)
    assert match, "scripts/system-packages has no window_pkgs=(…) list"
    return set(match.group(1).split())


def test_system_packages_installs_every_library_the_check_names() -> None:
    assert {package for _, package in display_check.XCB_LIBRARIES} <= window_packages()


def fake_tools(folder: Path, missing: set[str]) -> dict[str, str]:
    """dpkg that lacks ``missing``, an id that is not root, an apt-get that must not run."""
    folder.mkdir()
    cases = " ".join(sorted(missing)) or "none"
    scripts = {
        "dpkg": f'#!/bin/sh\nfor p in {cases}; do [ "$2" = "$p" ] && exit 1; done\nexit 0\n',
        "id": "#!/bin/sh\necho 1000\n",
        "apt-get": "#!/bin/sh\necho apt-get must not run >&2\nexit 99\n",
    }
    for name, body in scripts.items():
        (folder / name).write_text(body)
        (folder / name).chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.skipif(sys.platform == "win32", reason="a bash script")
def test_system_packages_without_root_prints_the_apt_get_line(tmp_path: Path) -> None:
    env = fake_tools(tmp_path / "bin", {"libxcb-cursor0", "xvfb"})
    window = subprocess.run(["bash", str(SYSTEM_PACKAGES), "--window"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert window.returncode == 1
    assert "apt-get install --no-install-recommends libxcb-cursor0\n" in window.stderr
    assert "must not run" not in window.stderr
    everything = subprocess.run(["bash", str(SYSTEM_PACKAGES)], env=env, capture_output=True, text=True, timeout=60)
    assert everything.returncode == 1
    assert "apt-get install --no-install-recommends libxcb-cursor0 xvfb\n" in everything.stderr
    nothing_missing = subprocess.run(["bash", str(SYSTEM_PACKAGES), "--window"], env=fake_tools(tmp_path / "b2", set()),
                                     capture_output=True, text=True, timeout=60)
    assert nothing_missing.returncode == 0 and nothing_missing.stderr == ""


@pytest.mark.skipif(sys.platform == "win32", reason="a bash script")
def test_install_without_root_prints_the_apt_get_line_and_carries_on(tmp_path: Path) -> None:
    """scripts/install in a copy of the tree whose .venv/bin/python only records what it was asked to do."""
    tree = tmp_path / "tree"
    (tree / "scripts").mkdir(parents=True)
    for name in ("install", "system-packages"):
        (tree / "scripts" / name).write_text((ROOT / "scripts" / name).read_text())
    python = tree / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$@" >> "{tmp_path / "pip.log"}"\n')
    python.chmod(0o755)
    env = fake_tools(tmp_path / "bin", {"libxcb-cursor0"})
    proc = subprocess.run(["bash", str(tree / "scripts" / "install")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "apt-get install --no-install-recommends libxcb-cursor0\n" in proc.stderr
    assert "-m pip install" in (tmp_path / "pip.log").read_text()
