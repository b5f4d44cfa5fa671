"""Undo and redo of the project: snapshots of the Draft before each change, nothing else.

A snapshot is the draft's compact form, the same form the autosave and the engines' ``restore`` already
read, so going back is "restore this draft": the clips, their order, a muted sound and the music's brief
and seed are all in it, and the engine brings back exactly that piece. The Session records one step per
job (adding three files at once is one step) and asks the backend to restore a step; no toolkit here.
"""

from __future__ import annotations

import json
from typing import Any

from nemo_desktop.core.draft import Draft

LIMIT = 50  # steps kept; the oldest go first


def _key(compact: dict[str, Any]) -> str:
    return json.dumps(compact, sort_keys=True, ensure_ascii=False)


class History:
    """Two stacks of draft snapshots. ``record(before, after)`` after a change; ``undo(current)`` and
    ``redo(current)`` hand back the draft to restore (and remember ``current`` for the way back)."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._undo: list[dict[str, Any]] = []
        self._redo: list[dict[str, Any]] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()

    def record(self, before: Draft, after: Draft) -> bool:
        """One step from ``before`` to ``after``; nothing when the draft did not change. A new step forgets
        what could be redone (the person went another way). Returns whether a step was kept."""
        old, new = before.to_compact(), after.to_compact()
        if _key(old) == _key(new):
            return False
        self._undo.append(old)
        del self._undo[:-self._limit]
        self._redo.clear()
        return True

    def undo(self, current: Draft) -> Draft | None:
        """The draft before the last step (None when there is none); ``current`` becomes redoable."""
        if not self._undo:
            return None
        self._redo.append(current.to_compact())
        return Draft.from_compact(self._undo.pop())

    def redo(self, current: Draft) -> Draft | None:
        """The draft the last undo left (None when there is none); ``current`` becomes undoable again."""
        if not self._redo:
            return None
        self._undo.append(current.to_compact())
        return Draft.from_compact(self._redo.pop())

    def undo_failed(self, target: Draft) -> None:
        """The draft ``undo`` handed out could not be restored: the step stays undoable."""
        if self._redo:
            self._redo.pop()
        self._undo.append(target.to_compact())

    def redo_failed(self, target: Draft) -> None:
        """The draft ``redo`` handed out could not be restored: the step stays redoable."""
        if self._undo:
            self._undo.pop()
        self._redo.append(target.to_compact())
