"""Work around a PySide6 6.12 bug on CPython 3.11: void methods return ``None`` without a new reference.

Measured here: every call of a void Qt method from Python (``setEnabled``, ``setText``…) drops one
reference to ``None``. On 3.12+ ``None`` is immortal, so it does not matter there; on 3.11 a long session
(thousands of progress updates) drives the count to zero and the interpreter aborts with
"Fatal Python error: none_dealloc" — at the latest when the process exits. Giving the singletons a huge
extra count makes them as good as immortal, which is exactly what 3.12 does. Must run before Qt is used.
"""

from __future__ import annotations

import ctypes
import platform
import sys

PAD = 1 << 40
_pinned = False


def pin_singletons() -> bool:
    """Make None/True/False/Ellipsis/NotImplemented effectively immortal on CPython < 3.12 (idempotent)."""
    global _pinned
    if _pinned or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    for obj in (None, True, False, Ellipsis, NotImplemented):
        ctypes.c_ssize_t.from_address(id(obj)).value += PAD
    _pinned = True
    return True
