"""Undo history: one step per change, redo forgotten by a new step, failed restores keep their step."""

from __future__ import annotations

from nemo_desktop.core.draft import VIDEO, Draft, Role, Segment, Track
from nemo_desktop.core.history import History
from nemo_desktop.core.projects import RecentProjects, default_export_name, project_name


def _draft(*names: str) -> Draft:
    track = Track(VIDEO, [Segment(start=float(i), duration=1.0, source=f"/clips/{n}.mp4", role=Role.CLIP)
                          for i, n in enumerate(names)])
    return Draft(tracks=[track]) if names else Draft()


def test_undo_redo_walk_the_steps() -> None:
    history = History()
    a, b, c = _draft(), _draft("a"), _draft("a", "b")
    assert not history.record(b, b.copy())  # no change, no step
    assert history.record(a, b) and history.record(b, c)
    back = history.undo(c)
    assert back is not None and back.to_compact() == b.to_compact()
    back2 = history.undo(back)
    assert back2 is not None and back2.is_empty and not history.can_undo
    forward = history.redo(back2)
    assert forward is not None and forward.to_compact() == b.to_compact()
    assert history.can_redo
    history.record(forward, _draft("z"))  # another way: what could be redone is gone
    assert not history.can_redo


def test_a_failed_restore_keeps_the_step() -> None:
    history = History()
    a, b = _draft("a"), _draft("a", "b")
    history.record(a, b)
    target = history.undo(b)
    assert target is not None
    history.undo_failed(target)
    assert history.can_undo and not history.can_redo
    again = history.undo(b)
    assert again is not None and again.to_compact() == a.to_compact()


def test_limit_drops_the_oldest() -> None:
    history = History(limit=2)
    drafts = [_draft(*"abcd"[:i]) for i in range(4)]
    for before, after in zip(drafts, drafts[1:], strict=False):
        history.record(before, after)
    assert history.undo(drafts[3]) is not None and history.undo(drafts[2]) is not None
    assert not history.can_undo


def test_recent_projects_newest_first_and_named(tmp_path) -> None:
    recent = RecentProjects(tmp_path, keep=2)
    assert recent.keep(Draft(), "builtin") is None
    for names in (("beach",), ("city", "x"), ("walk",)):
        recent.keep(_draft(*names), "builtin")
    entries = recent.entries()
    assert [e.name for e in entries] == ["walk", "city"]
    loaded = recent.load(entries[1].path)
    assert loaded is not None and project_name(loaded) == "city"
    assert recent.keep(_draft("walk"), "builtin") == entries[0].path  # the same project is not kept twice
    assert default_export_name(_draft("beach day")) == "beach day – music.mp4"
