"""What a turn changed, in words: the silent-turn fallback (§7.3) and the report after a dropped stream.

The cloud often finishes an edit without a word; the person still deserves to hear what happened, so
the draft before and after the turn are compared track by track.
"""

from __future__ import annotations

from nemo_desktop.core.draft import AUDIO, TEXT, VIDEO, Draft, Segment
from nemo_desktop.i18n import N_, tr

_KIND_WORDS: dict[int, str] = {VIDEO: N_("video"), AUDIO: N_("music"), TEXT: N_("title")}


_ITEM = N_("item")


def _span(seg: Segment) -> str:
    return f"{seg.start:g}–{seg.end:g} s"


def _describe(kind: int, seg: Segment, lang: str | None) -> str:
    word = tr(_KIND_WORDS.get(kind, _ITEM), lang)
    name = seg.name or word
    extra = f", {round(seg.volume * 100)}%" if seg.volume is not None and kind == AUDIO else ""
    if kind == TEXT:
        return tr(N_("title “{name}” ({span})"), lang).format(name=name, span=_span(seg))
    return f"{word} {name} ({_span(seg)}{extra})"


def _key(kind: int, seg: Segment) -> tuple[int, str, float, float, float | None]:
    return (kind, seg.name, round(seg.start, 3), round(seg.duration, 3), seg.volume)


def describe_changes(before: Draft | None, after: Draft, lang: str | None = None) -> list[str]:
    """Sentences naming what was added, removed or changed; empty when the drafts are the same."""
    old = {_key(t.kind, s): (t.kind, s) for t in (before.tracks if before else []) for s in t.segments}
    new = {_key(t.kind, s): (t.kind, s) for t in after.tracks for s in t.segments}
    lines: list[str] = []
    added = [new[k] for k in new if k not in old]
    removed = [old[k] for k in old if k not in new]
    if added:
        lines.append(tr(N_("Added: {items}."), lang).format(items="; ".join(_describe(k, s, lang) for k, s in added)))
    if removed:
        lines.append(tr(N_("Removed: {items}."), lang).format(
            items="; ".join(_describe(k, s, lang) for k, s in removed)))
    if not lines and before is not None and before.to_compact() != after.to_compact():
        lines.append(tr(N_("The timeline was adjusted."), lang))
    return lines
