"""The headless front door: ``nemo-desktop make CLIP... --prompt TEXT`` and friends.

Contract kept stable for scripts: the exported file's path is the last line of stdout and the exit code
is 0; any failure exits non-zero with one clear sentence per problem on stderr (a traceback only with
``--debug``). Progress goes to stderr. This module never imports Qt.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from nemo_desktop import __version__, backends, i18n, logs, paths
from nemo_desktop.core.errors import (
    CloudError,
    InternalError,
    MediaError,
    NemoError,
    NoMusicComposed,
    NotAMusicRequest,
)
from nemo_desktop.core.events import Event, ExportReady, Failed, Notice, Progress, Reply, Status, stage_label
from nemo_desktop.core.intents import Action, classify
from nemo_desktop.core.ports import StemWriter
from nemo_desktop.core.session import Session
from nemo_desktop.i18n import tr
from nemo_desktop.progress_bar import ProgressBar
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import ENGINES, Settings

log = logging.getLogger("nemo_desktop.cli")
T = TypeVar("T")
EXIT_FAIL, EXIT_USAGE, EXIT_CANCELLED = 1, 2, 130
# Signals that end a run like Ctrl-C does (cancel the job, stop ffmpeg, remove every .part and temp file);
# the exit code is the shell's 128 + signal number (143 for SIGTERM, 129 for SIGHUP).
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class Stopped(Exception):
    """A stop signal arrived; raised once the job has been cancelled and cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum


def _raise_stopped(signum: int, frame: object) -> None:  # outside the event loop (a sync step)
    raise Stopped(signum)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` where SIGTERM/SIGHUP cancel the main task like Ctrl-C, so its clean-up runs."""

    async def guarded() -> T:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        caught: list[int] = []

        def stop(signum: int) -> None:
            if not caught and task is not None:
                caught.append(signum)
                task.cancel()

        for signum in STOP_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, stop, signum)
        try:
            return await coro
        except asyncio.CancelledError:
            if caught:
                raise Stopped(caught[0]) from None
            raise
        finally:
            for signum in STOP_SIGNALS:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.remove_signal_handler(signum)

    return asyncio.run(guarded())


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one sentence instead of argparse's usage dump
        raise UsageError(f"{message[0].upper()}{message[1:]} (see `nemo-desktop --help`).")


def _out(text: str) -> None:
    if sys.stdout is not None:
        print(text, flush=True)


def _err(text: str) -> None:
    if sys.stderr is not None:
        print(text, file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    from nemo_desktop.settings import describe_keys  # the same table `settings set` checks against

    raw = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="nemo-desktop", description="Put music under your video clips.")
    parser.add_argument("--version", action="version", version=f"nemo-desktop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and log at DEBUG")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    make = sub.add_parser("make", help="compose music for clips and export an MP4",
                          description="Compose music for your clips and export one MP4; its path is the last line.")
    make.add_argument("clips", nargs="*", type=Path, metavar="CLIP", help="video, image or audio files to use")
    make.add_argument("--prompt", "-p", default="", help="the music you want, e.g. 'calm piano' or '欢快的音乐'")
    make.add_argument("--engine", choices=ENGINES, default=None,
                      help="which engine composes the music (default: the engine setting)")
    make.add_argument("--out", type=Path, default=None,
                      help="folder to save the MP4 in (default: the output_dir setting, else Downloads)")
    make.add_argument("--seed", type=int, default=None, help="a whole number: the same seed makes the same music")
    make.add_argument("--stems", action="store_true", help="also write the music stems and a cue sheet")

    demo = sub.add_parser("demo", help="make a sample clip and run `make` on it",
                          description="Make a short sample clip and run `make` on it, to try the app.")
    demo.add_argument("--prompt", "-p", default="a calm background track that matches the mood",
                      help="the music you want (default: a calm background track)")
    demo.add_argument("--engine", choices=ENGINES, default="builtin",
                      help="which engine composes the music (default: builtin)")
    demo.add_argument("--out", type=Path, default=None,
                      help="folder to save the MP4 in (default: the output_dir setting, else Downloads)")
    demo.add_argument("--seed", type=int, default=None, help="a whole number: the same seed makes the same music")
    demo.add_argument("--stems", action="store_true", help="also write the music stems and a cue sheet")

    sub.add_parser("credits", help="show the NemoVideo credit balance",
                   description="Show your NemoVideo cloud credit balance. The built-in engine needs no credits.")

    keys = f"settings (KEY: what it is for, and its allowed values):\n{describe_keys()}"
    settings = sub.add_parser(
        "settings", help="show or change settings", formatter_class=raw,
        description="Show the settings, or change one; a value is checked before it is saved.",
        epilog=f"{keys}\n\nexamples:\n  nemo-desktop settings set image_seconds 6\n"
               "  nemo-desktop settings set output_dir ~/Videos\n  nemo-desktop settings set seed none",
    )
    settings_sub = settings.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, title="actions")
    settings_sub.add_parser("show", help="print every setting and where the settings file is (the default)")
    set_cmd = settings_sub.add_parser("set", help="change one setting: set KEY VALUE", formatter_class=raw,
                                      description="Change one setting; nonsense is refused and nothing is saved.",
                                      epilog=keys)
    set_cmd.add_argument("key", metavar="KEY", help="the setting to change (listed below)")
    set_cmd.add_argument("value", metavar="VALUE", help="its new value; “none” clears an optional one")

    token = sub.add_parser("token", help="the NemoVideo API token (never printed)",
                           description="Manage the NemoVideo API token; it is never printed.")
    token_sub = token.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, title="actions")
    token_sub.add_parser("status", help="say whether a token is stored, and where (the default)")
    token_sub.add_parser("clear", help="remove the stored token; a free anonymous one is made on next use")
    token_sub.add_parser("set", help="read a token from standard input and store it")
    return parser


# --- running a session ---------------------------------------------------------------------------------


class _Console:
    """The CLI's event sink: a progress bar and short lines on stderr."""

    def __init__(self) -> None:
        self.bar = ProgressBar()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress):
            self.bar.update(stage_label(event.stage), event.fraction)
        elif isinstance(event, Status):
            self.bar.update(event.text, None)
        elif isinstance(event, Reply | Notice):
            self.bar.line(event.text)
        elif isinstance(event, ExportReady) and event.link:  # the cloud delivers a browser link (§7.8)
            self.bar.line(tr("Open the project in your browser: {link}").format(link=event.link))
        elif isinstance(event, Failed):
            self.bar.finish()  # the error itself is raised and printed once, at the end


async def _make(args: argparse.Namespace, settings: Settings) -> Path:
    console = _Console()
    choice = backends.EngineChoice(args.engine or settings.engine)
    if args.seed is not None:
        settings = settings.replace(seed=args.seed)
    session = await backends.open_session(choice, settings, console, notice=console.bar.line)
    try:
        return await _run_make(session, args, console)
    except CloudError as err:
        if choice is not backends.EngineChoice.AUTO:
            raise
        console.bar.line(tr("{problem} Using the built-in engine instead.").format(problem=err.message()))
        session = await backends.open_session(backends.EngineChoice.BUILTIN, settings, console)
        return await _run_make(session, args, console)


async def _run_make(session: Session, args: argparse.Namespace, console: _Console) -> Path:
    """Add the clips, compose (the prompt, or the video decides when there is none), export; the session
    is closed at the end whatever happens.

    ``make`` is a music command: it never saves a video without music and calls it done. Words that ask
    for something else (``--prompt credits``) are answered and nothing is exported."""
    try:
        if args.clips:
            rejected = await session.add_media(list(args.clips))
            if rejected:
                raise _Rejected(rejected)
        prompt = args.prompt.strip()
        intent = classify(prompt)
        if intent.action in (Action.CREDITS, Action.STATUS, Action.UPLOAD):
            await session.send(prompt)
            raise NotAMusicRequest(text=prompt)
        await session.compose("" if intent.action is Action.EXPORT else prompt)
        if not session.has_music and not session.music_removed:
            raise NoMusicComposed(tr("Try another --prompt, e.g. --prompt \"calm piano\"."))
        path = await session.export(args.out)
        if getattr(args, "stems", False):
            if not isinstance(session.backend, StemWriter):
                console.bar.line(tr("This engine cannot write stems; only the MP4 was saved."))
            else:
                for stem in await session.backend.write_stems(path):
                    console.bar.line(str(stem))
        console.bar.finish()
        return path
    finally:
        await session.aclose()


class _Rejected(Exception):
    def __init__(self, errors: list[MediaError]) -> None:
        super().__init__("rejected")
        self.errors = errors


def _cmd_make(args: argparse.Namespace, settings: Settings) -> int:
    if not args.clips and not args.prompt.strip():
        raise UsageError(tr("Give at least one clip or a --prompt (e.g. --prompt \"a 30 second upbeat intro\")."))
    path = run_async(_make(args, settings))
    _out(str(path))
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from nemo_desktop.engine.demo import make_demo_clip

    clip = make_demo_clip(paths.get().cache / "demo")
    _err(tr("Sample clip: {path}").format(path=clip))
    args.clips = [clip]
    return _cmd_make(args, settings)


def _cmd_credits(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> str:
        from nemo_desktop.core.errors import CreditsUnavailable, Offline, ServerError

        backend = backends.cloud(settings)
        try:
            await backend.connect()
            credits = await backend.credits()
        except (Offline, ServerError) as err:  # their hint is `make`'s --engine builtin, which credits lacks
            raise CreditsUnavailable(err.detail) from err
        finally:
            await backend.aclose()
        if credits is None:
            return tr("The built-in engine is free: no credits are needed.")
        return tr("You have {available} credits ({frozen} reserved).").format(
            available=credits.available, frozen=credits.frozen)

    _out(run_async(run()))
    return 0


def _cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    from nemo_desktop.settings import RULES

    if args.action == "set":
        settings.set(args.key, args.value)  # refuses nonsense (SettingInvalid) before anything is saved
        settings.save()
        _out(tr("{key} = {value}").format(key=args.key, value=RULES[args.key].display(getattr(settings, args.key))))
        return 0
    for key, value in settings.as_dict().items():
        _out(f"{key} = {RULES[key].display(value) if key in RULES else value}")
    _out(f"# {Settings.file()}")
    return 0


def _cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    store = TokenStore()
    if args.action == "clear":
        removed = store.clear()
        _out(tr("The stored token was removed.") if removed else tr("No token was stored."))
        return 0
    if args.action == "set":
        value = sys.stdin.readline().strip() if sys.stdin is not None else ""
        if not value:
            raise UsageError(tr("No token was given on standard input."))
        store.save(value)
        _out(tr("The token was stored in {path} (readable only by you).").format(path=store.token_path))
        return 0
    status = store.status()
    if status.source == "environment":
        _out(tr("A token is set by the NEMO_TOKEN environment variable."))
    elif status.present:
        kind = tr("anonymous") if status.anonymous else tr("personal")
        line = tr("A {kind} token is stored in {path}.").format(kind=kind, path=status.path)
        if status.expires_at:
            line += " " + tr("It expires at {when}.").format(when=status.expires_at)
        _out(line)
    else:
        _out(tr("No token is stored; a free anonymous one is made when the cloud is first used."))
    return 0


COMMANDS = {
    "make": _cmd_make, "demo": _cmd_demo, "credits": _cmd_credits, "settings": _cmd_settings,
    "token": _cmd_token,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    try:
        logs.setup(logging.DEBUG if debug else logging.INFO)
    except OSError:
        pass
    settings = Settings.load()
    i18n.set_language(settings.language or None)
    if settings.notice:
        _err(settings.notice)
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    log.info("command %s", args.command)
    previous = {}
    for signum in STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread (tests)
            previous[signum] = signal.signal(signum, _raise_stopped)
    try:
        return COMMANDS[args.command](args, settings)
    except Stopped as exc:
        log.info("stopped by signal %d", exc.signum)
        _err(tr("Cancelled. Nothing was written."))
        return 128 + exc.signum
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except _Rejected as exc:
        for err in exc.errors:
            _err(err.message())
        return EXIT_FAIL
    except NemoError as err:
        log.info("failed: %s", err.code)
        if debug:
            log.exception("details")
        _err(err.message())
        return EXIT_FAIL
    except (KeyboardInterrupt, asyncio.CancelledError):
        _err(tr("Cancelled. Nothing was written."))
        return EXIT_CANCELLED
    except Exception as exc:  # a bug: one sentence for the person, the traceback in the log
        log.exception("unexpected error")
        if debug:
            raise
        _err(InternalError(type(exc).__name__).message())
        return EXIT_FAIL
    finally:
        for signum, handler in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
