"""SIGTERM and SIGHUP end a run the way Ctrl-C does: the job is cancelled, ffmpeg is stopped, every ``.part``
and temporary file is removed, and the exit code is the shell's 128 + signal number."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class Stopped(Exception):
    """A stop signal arrived; raised once the job has been cancelled and cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"signal {signum}")
        self.signum = signum


def raise_stopped(signum: int, frame: object) -> None:  # outside the event loop (a sync step)
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


@contextlib.contextmanager
def stop_signals_raise() -> Iterator[None]:
    """While a command runs outside the event loop (a sync step), a stop signal raises ``Stopped``."""
    previous = {}
    for signum in STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):  # ValueError: not the main thread (tests)
            previous[signum] = signal.signal(signum, raise_stopped)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, handler)
