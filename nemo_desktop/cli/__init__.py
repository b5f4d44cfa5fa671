"""The headless front door: ``nemo-desktop make CLIP... --prompt TEXT`` and friends.

Contract kept stable for scripts: the exported file's path is the last line of stdout and the exit code
is 0; any failure exits non-zero with one clear sentence per problem on stderr (a traceback only with
``--debug``). Progress goes to stderr. This package never imports Qt.

Rooms: ``app`` (main: the commands and how each failure becomes an exit code), ``parser`` (arguments and
help), ``make`` (make and demo), ``commands`` (credits, settings, token), ``console`` (the event sink and
progress bar on stderr), ``signals`` (SIGTERM/SIGHUP behave like Ctrl-C), ``output`` (stdout/stderr lines).
"""

from nemo_desktop.cli.app import main
from nemo_desktop.cli.parser import build_parser

__all__ = ["build_parser", "main"]
