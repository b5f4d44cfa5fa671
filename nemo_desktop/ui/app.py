"""``nemo-desktop-gui``: the QApplication, translations, crash handler and the qasync event loop.

Before Qt is imported, ``display_check`` makes sure the window can start here (a display, Qt's xcb system
libraries); if not, one sentence goes to stderr and the exit code is 1 instead of Qt's abort.

Python 3.11 has no ``asyncio.run(loop_factory=...)``, so the loop is started with
``asyncio.Runner(loop_factory=qasync.QEventLoop)``; the main coroutine lives until the window has closed
cleanly (job cancelled, engine closed), and only then does the Runner stop the loop and the executor.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import runpy
import sys
import time
from importlib import resources
from pathlib import Path

from nemo_desktop import APP_ID, APP_NAME, __version__, i18n, logs, paths
from nemo_desktop.settings import ENGINES, Settings
from nemo_desktop.ui import display_check

log = logging.getLogger(__name__)
ORGANISATION = "Nemo"
SMOKE_WAIT_S = 30.0  # the smoke hook waits at most this long for the command line's clips to be taken


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="nemo-desktop-gui", description=APP_NAME)
    parser.add_argument("files", nargs="*", type=Path, help="clips to open in a new project")
    parser.add_argument("--add", action="store_true", help="add the files to the last project instead")
    parser.add_argument("--engine", choices=ENGINES, help="auto, builtin or cloud (default: from settings)")
    parser.add_argument("--lang", help="en or zh_CN (default: from settings, else the system's)")
    parser.add_argument("--no-crash-dialog", action="store_true", help="log unexpected errors without a dialog")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--demo-script", type=Path, help=argparse.SUPPRESS)  # screenshots: scripts/screenshot
    parser.add_argument("-platform", "--platform", dest="platform", help=argparse.SUPPRESS)  # Qt's own option
    args, _unknown = parser.parse_known_args(argv)  # other Qt options pass through unused
    return args


def app_icon():  # QIcon, imported lazily with Qt
    """The app icon from resources when they exist, else a theme or standard icon."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QStyle

    for name in ("nemo-desktop.svg", "nemo-desktop.png", "icon.svg", "icon.png"):
        for base in (resources.files("nemo_desktop") / "resources",
                     Path(__file__).resolve().parents[2] / "resources",
                     Path(__file__).resolve().parents[2] / "resources" / "icons"):
            try:
                candidate = base / name
                if candidate.is_file():
                    return QIcon(str(candidate))
            except (OSError, TypeError):
                continue
    themed = QIcon.fromTheme(APP_ID)
    if not themed.isNull():
        return themed
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay)


def install_translations(app, lang: str) -> list:  # QApplication
    """Qt's own strings (QMessageBox and QFileDialog buttons) in the UI language; ours come from gettext."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    loaded: list[QTranslator] = []
    if lang == "en":
        return loaded
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for catalog in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(QLocale(lang), catalog, "_", folder):
            app.installTranslator(translator)
            loaded.append(translator)
            break
    if not loaded:
        log.info("no Qt translations for %s in %s", lang, folder)
    return loaded


def main(argv: list[str] | None = None) -> int:
    """Run the window until it is closed; returns the process exit code."""
    started = time.perf_counter()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    paths.get().ensure()
    logs.setup()
    settings = Settings.load()
    if args.engine:
        settings.engine = args.engine
    lang = i18n.set_language(args.lang or settings.language or None)
    problem = display_check.problem(argv)
    if problem is not None:  # no display, or a system library Qt needs is missing: Qt would abort
        log.error("cannot start the window: %s", problem)
        print(problem, file=sys.stderr, flush=True)
        logs.shutdown()
        return 1

    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from nemo_desktop.ui.crash import CrashHandler

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    qt_argv = ["-platform", args.platform] if args.platform else []
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *qt_argv])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(ORGANISATION)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # the main coroutine ends the app once shutdown is complete
    install_translations(app, lang)
    from nemo_desktop.ui import theme

    theme.apply(app)
    theme.follow_system(app)
    no_dialog = args.no_crash_dialog or os.environ.get("NEMO_NO_CRASH_DIALOG", "") not in ("", "0")
    crash = CrashHandler(show_dialog=not no_dialog).install()
    try:
        with asyncio.Runner(loop_factory=qasync.QEventLoop) as runner:
            crash.install_loop(runner.get_loop())
            return runner.run(_run(settings, args, started))
    finally:
        crash.uninstall()
        logs.shutdown()


async def _run(settings: Settings, args: argparse.Namespace, started: float) -> int:
    from nemo_desktop.ui.main_window import MainWindow

    closed = asyncio.Event()
    window = MainWindow(settings)
    window.closedCleanly.connect(closed.set)
    window.show()
    log.info("window shown after %.0f ms", (time.perf_counter() - started) * 1000)
    if os.environ.get("NEMO_REPORT_STARTUP"):  # benchmarks/bench_ui.py reads this line
        print(f"NEMO_WINDOW_SHOWN {time.perf_counter() - started:.4f}", flush=True)
    window.start([p.expanduser().absolute() for p in args.files], add=args.add)
    quit_after = os.environ.get("NEMO_SMOKE_QUIT_AFTER_MS")  # scripts/smoke-bundle: show, then quit cleanly
    smoke = None
    if quit_after and quit_after.isdigit():
        async def close_when_idle() -> None:
            await asyncio.sleep(int(quit_after) / 1000)
            # the clips given on the command line are still being added, or (on a loaded machine) their adding
            # has not started yet: a report before then read "clips=0"
            deadline = time.perf_counter() + SMOKE_WAIT_S
            while window.bridge.busy or (args.files and not window.drop_zone.clip_paths()
                                         and time.perf_counter() < deadline):
                await asyncio.sleep(0.1)
            names = [p.name for p in window.drop_zone.clip_paths()]
            print(f"NEMO_SMOKE_SHOWN clips={len(names)} timeline={window.timeline.draft.duration:.2f}s "
                  f"names={'|'.join(names)}", flush=True)
            window.close()

        smoke = asyncio.ensure_future(close_when_idle())
    demo = None
    script = args.demo_script or (Path(os.environ["NEMO_DEMO_SCRIPT"]) if os.environ.get("NEMO_DEMO_SCRIPT") else None)
    if script is not None:
        demo = asyncio.ensure_future(runpy.run_path(str(script))["run"](window))
    await closed.wait()
    for extra in (demo, smoke):
        if extra is not None and not extra.done():
            extra.cancel()
    await window.bridge.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
