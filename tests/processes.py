"""This test process's live children, read so that a child exiting while it is read is simply not listed
(``psutil`` raises for a process that is gone between listing and naming it)."""

from __future__ import annotations

from collections.abc import Iterator

import psutil


def _named_children() -> Iterator[tuple[psutil.Process, str]]:
    """(process, name) of each descendant still running when it is read; one gone by then is skipped
    (``ZombieProcess`` is a ``NoSuchProcess``)."""
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.is_running():
                yield proc, proc.name()
        except psutil.NoSuchProcess:
            continue


def live_children(named: str = "") -> list[psutil.Process]:
    """The descendants of this process still running whose name contains ``named``."""
    return [proc for proc, name in _named_children() if named in name]


def child_names() -> list[str]:
    """The names of the children still running (for a failure message)."""
    return [name for _proc, name in _named_children()]
