"""Can the window start here? Checked before PySide6 is imported (this module never imports Qt).

Without these checks a Linux machine with no display makes Qt abort (exit code 134) with a hint that
libxcb-cursor0 is needed, even when it is installed. Here a missing display is one clear sentence, and a
system library that Qt's xcb platform plugin links against is named when it is really missing. Windows and
macOS skip both checks: their Qt platform plugins need neither a display variable nor these libraries.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from nemo_desktop.i18n import tr

# What Qt's xcb platform plugin (plugins/platforms/libqxcb.so and lib/libQt6XcbQpa.so.6) links against from
# the system, with the Debian package that ships each one. scripts/system-packages installs all of them.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("libxcb.so.1", "libxcb1"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-image.so.0", "libxcb-image0"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-randr.so.0", "libxcb-randr0"),
    ("libxcb-render.so.0", "libxcb-render0"),
    ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libxcb-shape.so.0", "libxcb-shape0"),
    ("libxcb-shm.so.0", "libxcb-shm0"),
    ("libxcb-sync.so.1", "libxcb-sync1"),
    ("libxcb-util.so.1", "libxcb-util1"),
    ("libxcb-xfixes.so.0", "libxcb-xfixes0"),
    ("libxcb-xkb.so.1", "libxcb-xkb1"),
    ("libxkbcommon.so.0", "libxkbcommon0"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libfontconfig.so.1", "libfontconfig1"),
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libGL.so.1", "libgl1"),
    ("libEGL.so.1", "libegl1"),
)

# Platform plugins that talk to a display server; every other one (offscreen, minimal, vnc, linuxfb, eglfs…)
# needs no DISPLAY and is left to Qt.
_DISPLAY_PLATFORMS = ("xcb", "wayland")


def platform_argument(argv: Sequence[str]) -> str | None:
    """The value of Qt's ``-platform NAME`` (also ``--platform``, ``-platform=NAME``) in ``argv``, if any."""
    for i, arg in enumerate(argv):
        for flag in ("-platform", "--platform"):
            if arg == flag:
                return argv[i + 1] if i + 1 < len(argv) else ""
            if arg.startswith(flag + "="):
                return arg[len(flag) + 1:]
    return None


def requested_platform(argv: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt will be asked for ("" = Qt's default): ``-platform`` wins over QT_QPA_PLATFORM.

    QT_QPA_PLATFORM may list fallbacks ("wayland;xcb"); the name is lower-cased and its options
    ("xcb:foo=1") are dropped, the list is kept.
    """
    env = os.environ if environ is None else environ
    value = platform_argument(argv)
    if value is None:
        value = env.get("QT_QPA_PLATFORM", "")
    names = [part.split(":", 1)[0].strip().lower() for part in value.split(";")]
    return ";".join(n for n in names if n)


def has_display(platform: str, environ: Mapping[str, str] | None = None) -> bool:
    """False only when the platform needs a display server and none is named in the environment."""
    env = os.environ if environ is None else environ
    names = platform.split(";") if platform else []
    if any(not n.startswith(_DISPLAY_PLATFORMS) for n in names):
        return True  # offscreen, minimal, vnc…: no display needed (or one in the fallback list)
    x11, wayland = bool(env.get("DISPLAY")), bool(env.get("WAYLAND_DISPLAY"))
    if names and all(n == "xcb" for n in names):
        return x11
    if names and all(n.startswith("wayland") for n in names):
        return True  # Wayland clients fall back to the "wayland-0" socket: let Qt try it
    return x11 or wayland


def _load(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def _bundled_dirs() -> list[Path]:
    """Folders that may carry copies of the libraries: the PyInstaller bundle and PySide6's own Qt/lib."""
    dirs: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        dirs.append(Path(meipass))
    try:
        spec = importlib.util.find_spec("PySide6")  # finds the package without importing it
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        dirs.append(Path(spec.origin).parent / "Qt" / "lib")
    return dirs


def missing_libraries(
    libraries: Iterable[tuple[str, str]] = XCB_LIBRARIES,
    load: Callable[[str], bool] = _load,
    search: Iterable[Path] | None = None,
) -> list[tuple[str, str]]:
    """The (library, Debian package) pairs that the dynamic loader cannot open and no bundled folder holds."""
    folders = list(_bundled_dirs() if search is None else search)
    return [
        (name, package)
        for name, package in libraries
        if not load(name) and not any((folder / name).is_file() for folder in folders)
    ]


def no_display_message() -> str:
    return tr(
        "No display found (DISPLAY/WAYLAND_DISPLAY is not set). Start Nemo Desktop from a desktop session, "
        "or use the command line: nemo-desktop make CLIP --prompt TEXT."
    )


def missing_libraries_message(missing: Sequence[tuple[str, str]]) -> str:
    packages = " ".join(dict.fromkeys(package for _, package in missing))
    if len(missing) == 1:
        return tr("Qt cannot start: the system library {library} is missing. Install it with: "
                  "apt-get install {packages}").format(library=missing[0][0], packages=packages)
    return tr("Qt cannot start: the system libraries {libraries} are missing. Install them with: "
              "apt-get install {packages}").format(libraries=", ".join(n for n, _ in missing), packages=packages)


def problem(
    argv: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    load: Callable[[str], bool] = _load,
) -> str | None:
    """One sentence saying why the window cannot start here, or None when Qt may go ahead.

    ``platform`` is ``sys.platform`` by default; anything but Linux is never checked.
    """
    if not (platform or sys.platform).startswith("linux"):
        return None
    env = os.environ if environ is None else environ
    qt_platform = requested_platform(argv, env)
    if not has_display(qt_platform, env):
        return no_display_message()
    # The xcb libraries matter only when Qt will use xcb: asked for, or the default on an X11-only session.
    uses_xcb = qt_platform == "xcb" or (not qt_platform and env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"))
    if uses_xcb:
        missing = missing_libraries(load=load)
        if missing:
            return missing_libraries_message(missing)
    return None
