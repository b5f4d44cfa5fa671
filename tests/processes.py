"""This test process's live children, read so that a child exiting while it is read is simply not listed
(``psutil`` raises for a process that is gone between listing and naming it)."""

from __future__ import annotations

import psutil


def live_children(named: str = "") -> list[psutil.Process]:
    """The descendants of this process still running whose name contains ``named``."""
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.is_running() and named in proc.name():
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def child_names() -> list[str]:
    """The names of the children still running (for a failure message)."""
    names = []
    for proc in live_children():
        try:
            names.append(proc.name())
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return names
