"""CPU work in worker threads with one cancel token per job, so the event loop never blocks.

Each ``run`` gets its own ``threading.Event``: cancelling the awaiting task sets that job's token (the
work checks it between frames, windows and blocks) and then waits briefly for the worker to finish its own
clean-up (a half-written WAV) before the caller's runs. ``cancel_all`` stops every job still running when
the engine closes. One token per job means one job's start can never clear another job's cancel.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
CancelToken = threading.Event
WORKER_STOP_S = 10.0  # how long a cancel waits for a worker thread to notice it


class Worker:
    def __init__(self) -> None:
        self._live: set[CancelToken] = set()

    async def run(self, fn: Callable[[CancelToken], T]) -> T:
        """``fn(token)`` in a thread; cancelling the caller sets ``token`` and waits for ``fn`` to stop."""
        token = CancelToken()
        self._live.add(token)
        # get_event_loop, not to_thread's get_running_loop: Qt's nested event loops (a modal dialog opened
        # while a job runs) may step this task while qasync is not marked as running.
        loop = asyncio.get_event_loop()
        work = loop.run_in_executor(None, fn, token)
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            token.set()
            # the thread's own ending (mostly Cancelled) is ours to take, or asyncio logs it as unretrieved
            work.add_done_callback(lambda done: done.cancelled() or done.exception())
            await asyncio.wait([work], timeout=WORKER_STOP_S)
            raise
        finally:
            self._live.discard(token)

    def cancel_all(self) -> None:
        for token in list(self._live):
            token.set()
