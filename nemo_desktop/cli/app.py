"""``main``: run one command and turn whatever ends it into one sentence and an exit code."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence

from nemo_desktop import i18n, logs
from nemo_desktop.cli.commands import cmd_credits, cmd_settings, cmd_token
from nemo_desktop.cli.make import Rejected, cmd_demo, cmd_make
from nemo_desktop.cli.output import UsageError, err
from nemo_desktop.cli.parser import build_parser
from nemo_desktop.cli.signals import Stopped, stop_signals_raise
from nemo_desktop.core.errors import InternalError, NemoError
from nemo_desktop.i18n import tr
from nemo_desktop.settings import Settings

log = logging.getLogger("nemo_desktop.cli")
EXIT_FAIL, EXIT_USAGE, EXIT_CANCELLED = 1, 2, 130


Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {
    "make": cmd_make, "demo": cmd_demo, "credits": cmd_credits, "settings": cmd_settings, "token": cmd_token,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        err(str(exc))
        return EXIT_USAGE
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    settings = _prepare(debug)
    if args.command is None:
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    log.info("command %s", args.command)
    try:
        with stop_signals_raise():
            return COMMANDS[args.command](args, settings)
    except Exception as exc:  # every way a command ends other than success: one sentence, an exit code
        if debug and not isinstance(exc, NemoError | UsageError | Rejected | Stopped):
            log.exception("unexpected error")
            raise
        return _failed(exc, debug)
    except (KeyboardInterrupt, asyncio.CancelledError):
        err(tr("Cancelled. Nothing was written."))
        return EXIT_CANCELLED


def _prepare(debug: bool) -> Settings:
    """Logging, settings and the UI language; a settings file that had to be reset is reported."""
    try:
        logs.setup(logging.DEBUG if debug else logging.INFO)
    except OSError:
        pass
    settings = Settings.load()
    i18n.set_language(settings.language or None)
    if settings.notice:
        err(settings.notice)
    return settings


def _failed(exc: Exception, debug: bool) -> int:
    """The sentence(s) on stderr and the exit code for a command that did not succeed."""
    if isinstance(exc, Stopped):
        log.info("stopped by signal %d", exc.signum)
        err(tr("Cancelled. Nothing was written."))
        return 128 + exc.signum
    if isinstance(exc, UsageError):
        err(str(exc))
        return EXIT_USAGE
    if isinstance(exc, Rejected):
        for problem in exc.errors:
            err(problem.message())
        return EXIT_FAIL
    if isinstance(exc, NemoError):
        log.info("failed: %s", exc.code)
        if debug:
            log.exception("details")
        err(exc.message())
        return EXIT_FAIL
    log.exception("unexpected error")  # a bug: one sentence for the person, the traceback in the log
    err(InternalError(type(exc).__name__).message())
    return EXIT_FAIL
