"""The peak resident memory of a process and all its descendants, sampled from /proc while it runs: how the
memory bound of issues 16 and 18 is measured, by the benchmark and the test alike (not ``ru_maxrss``)."""

from __future__ import annotations

import time

import psutil


def tree_peak_mb(proc: psutil.Popen, every: float = 0.05, timeout: float | None = None) -> float:
    """Sample ``proc`` until it exits (or ``timeout`` seconds pass); return the peak of the summed RSS of it
    and all its descendants, in MB."""
    peak = 0
    deadline = None if timeout is None else time.monotonic() + timeout
    while proc.poll() is None and (deadline is None or time.monotonic() < deadline):
        total = 0
        try:
            members = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in members:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        peak = max(peak, total)
        time.sleep(every)
    return peak / 2**20
