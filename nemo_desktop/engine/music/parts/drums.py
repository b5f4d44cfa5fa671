"""The drums part: the style's grooves from light to full by intensity, a fill into each anchored cut,
crashes on new sections, and a last kick and crash on the final hit."""

from __future__ import annotations

from dataclasses import dataclass

from nemo_desktop.engine.music.parts.context import Bar, PartContext
from nemo_desktop.engine.music.score import Note
from nemo_desktop.engine.music.styles import LIGHT_GROOVES, DrumGrid

# kick, snare and clap stay centred; the kit spreads around them as a drummer's overheads hear it
_PANS = {"hat": 0.45, "openhat": 0.5, "shaker": -0.55, "rim": -0.3, "tom": -0.35, "crash": 0.4}


def _grooves(ctx: PartContext) -> list[DrumGrid]:
    """The style's grooves (a soft kit for a style without drums, asked for them) with a seed-dependent extra
    kick, so two variations do not share one groove."""
    grooves = [dict(g) for g in (ctx.spec.grooves or LIGHT_GROOVES)]
    for g in grooves:
        if "kick" in g and ctx.rng.random() < 0.5:
            k = list(g["kick"])
            k[int(ctx.rng.choice([6, 10, 14]))] = "o"
            g["kick"] = "".join(k)
    return grooves


@dataclass(frozen=True)
class _DrumBar:
    """One bar as the drummer plays it: the groove, the loudness, and where a fill takes over."""

    bar: Bar
    groove: DrumGrid
    vel: float
    steps: int  # sixteenths in the bar
    fill_from: int  # the sixteenth the fill starts on (= steps: no fill)


def _groove(ctx: PartContext, d: _DrumBar) -> list[Note]:
    """The groove's sixteenths up to the fill, swung, ghost notes ("o") soft."""
    notes: list[Note] = []
    swing, beat0 = ctx.swing, d.bar.beat0
    for voice, pattern in d.groove.items():
        for s in range(min(d.steps, d.fill_from)):
            ch = pattern[s % 16]
            if ch == ".":
                continue
            off = s % 4
            pos = s / 4 + (swing * 0.3 if off == 2 else (swing * 0.15 if off in (1, 3) else 0.0))
            v = d.vel * (0.45 if ch == "o" else 1.0) * (0.8 if off else 1.0)
            notes.append(Note(ctx.clock.t(beat0 + pos), 0.2, 0, v, voice, _PANS.get(voice, 0.0)))
    return notes


def _ghosts(ctx: PartContext, d: _DrumBar) -> list[Note]:
    """Ghost snares a drummer drops around the backbeat (the sixteenths just before and after beats two
    and four), where the style has them and the groove has a snare; none inside a fill."""
    if not ctx.spec.ghosts or "snare" not in d.groove or d.bar.level < 0.5:
        return []
    pattern = d.groove["snare"]
    notes: list[Note] = []
    for s in range(min(d.steps, d.fill_from)):
        near_backbeat = s % 8 in (3, 5, 7)
        if pattern[s % 16] != "." or not near_backbeat or ctx.rng.random() >= ctx.spec.ghosts:
            continue
        pos = s / 4 + ctx.swing * 0.15
        notes.append(Note(ctx.clock.t(d.bar.beat0 + pos), 0.1, 0, d.vel * 0.3, "snare", 0.0))
    return notes


def _fill(ctx: PartContext, d: _DrumBar) -> list[Note]:
    """A rising fill over the last beat (toms in cinematic music or where the arrangement asks, else the
    snare); a "stop" leaves the beat empty but for a kick on it (the breath before a breakdown)."""
    if d.fill_from >= d.steps:
        return []
    if d.bar.fill == "stop":
        return [Note(ctx.clock.t(d.bar.beat0 + d.fill_from / 4), 0.2, 0, d.vel * 0.8, "kick", 0.0)]
    fill_voice = "tom" if ctx.spec.name == "cinematic" or d.bar.fill == "toms" else "snare"
    # electronic music leaves a breath before the drop: the fill stops a sixteenth early
    last = d.steps - 1 if ctx.spec.extra.get("drop_gap") else d.steps
    beat0 = d.bar.beat0
    span = d.steps - d.fill_from
    notes = [
        Note(ctx.clock.t(beat0 + s / 4), 0.2, 0, d.vel * (0.5 + 0.5 * (s - d.fill_from) / span), fill_voice, 0.0)
        for s in range(d.fill_from, last)
    ]
    if "kick" in d.groove:
        notes.append(Note(ctx.clock.t(beat0 + d.fill_from / 4), 0.2, 0, d.vel * 0.8, "kick", 0.0))
    return notes


def _crash(ctx: PartContext, bar: Bar, vel: float, prev_section: str) -> list[Note]:
    """A crash where a loud section begins, a softer one on a loud bar that starts on an anchored cut."""
    if bar.section != prev_section and bar.level >= 0.5 and bar.section in ("main", "build"):
        return [Note(bar.start, 1.5, 0, vel * 0.7, "crash", _PANS["crash"])]
    if bar.beat0 in ctx.anchors and bar.level >= 0.5:
        return [Note(bar.start, 1.5, 0, vel * 0.55, "crash", _PANS["crash"])]
    return []


def _groove_index(bar: Bar, count: int) -> int:
    """The groove the arrangement gives the bar (one lighter when it is thin), else by its energy."""
    if bar.groove >= 0:
        return max(0, min(count - 1, bar.groove - (1 if bar.density < 0.8 else 0)))
    return min(count - 1, 0 if bar.level < 0.5 else (1 if bar.level < 0.72 else 2))


def drum_part(ctx: PartContext) -> list[Note]:
    """The drums stem (only when the brief asks for drums), where the arrangement has them. Quiet bars rest;
    a fill goes into anchored cuts and where the arrangement asks (a roll takes two beats), and needs room
    (two bars since the last, a bar of 2+ beats)."""
    grooves = _grooves(ctx)
    bars = ctx.bars
    notes: list[Note] = []
    last_fill = -99
    prev_section = ""
    for bar in bars:
        level = bar.level
        if level < 0.25 or not bar.plays("drums"):
            prev_section = bar.section
            continue
        groove = grooves[_groove_index(bar, len(grooves))]
        steps = bar.nbeats * 4
        vel = 0.6 + 0.4 * level
        fill_from = steps
        next_idx = bar.beat0 + bar.nbeats
        into_cut = next_idx in ctx.anchors or bar is bars[-1]
        if (into_cut or bar.fill) and level >= 0.4 and next_idx - last_fill >= 8 and steps >= 8:
            fill_from = steps - (8 if bar.fill == "roll" and steps >= 12 else 4)
            last_fill = next_idx
        d = _DrumBar(bar, groove, vel, steps, fill_from)
        notes += _groove(ctx, d) + _ghosts(ctx, d) + _fill(ctx, d) + _crash(ctx, bar, vel, prev_section)
        prev_section = bar.section
    end_v = 0.5 if ctx.fade_out else 0.95
    if bars and bars[-1].level >= 0.25:
        hit = ctx.final_hit
        notes.append(Note(hit, 0.3, 0, end_v, "kick", 0.0))
        notes.append(Note(hit, ctx.duration - hit, 0, end_v * 0.8, "crash", _PANS["crash"]))
    return notes
