"""Lines on stdout (results a script reads) and stderr (everything a person reads), and the usage error."""

from __future__ import annotations

import sys


class UsageError(Exception):
    """The command line itself is wrong: one sentence and exit code 2."""


def out(text: str) -> None:
    if sys.stdout is not None:
        print(text, flush=True)


def err(text: str) -> None:
    if sys.stderr is not None:
        print(text, file=sys.stderr, flush=True)
