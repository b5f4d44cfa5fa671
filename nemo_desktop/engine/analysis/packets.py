"""The compressed video stream read without decoding: each picture's packet size and whether it is a
keyframe, and from that the frames where a hard cut may start (so only short windows around them are
decoded) and a rough motion estimate between them.

Why packet sizes show cuts: an encoder predicts each picture from the previous ones, so a picture costs
few bytes while the shot goes on; the first picture of a new shot cannot be predicted and costs about as
much as a keyframe (or the encoder makes it a keyframe off its regular cadence). A cut exactly on a
regular keyframe leaves no trace in the sizes; those keyframes are checked against the picture before.
Where every predicted picture costs nearly a keyframe (fast motion, grain) a cut cannot stand out: such
groups of pictures are decoded whole, and a stream made mostly of them is decoded frame by frame.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SPIKE_RATIO = 1.8  # a picture this many times the size of the bigger ones around it may start a shot
_NEIGHBOURS = 8  # pictures on each side that set the local size
BEFORE, AFTER = 12, 10  # frames decoded before and after a candidate: find_cuts looks 6 frames each way


class NoSignal(Exception):
    """The stream gives nothing to go on (the sentence says why): decode every frame instead."""


@dataclass(frozen=True)
class Packets:
    """The video packets in presentation order: size in bytes, keyframe flag and timestamp."""

    pts: np.ndarray  # int64, in ``time_base`` units, ascending
    size: np.ndarray  # int64
    key: np.ndarray  # bool
    time_base: Fraction

    def __len__(self) -> int:
        return int(self.pts.size)

    def seconds(self, i: int) -> float:
        return float(self.pts[i] * self.time_base)


def parse_framecrc(text: str) -> Packets:
    """Packets from ffmpeg's ``-c copy -f framecrc`` listing of one stream (decode order in, display out).

    Lines read ``stream, dts, pts, duration, size, crc[, F=0xFLAGS][, S=...]``; a keyframe has no F field
    (or flag bit 0 set)."""
    time_base = Fraction(1, 1)
    rows: list[tuple[int, int, bool]] = []
    for line in text.splitlines():
        if line.startswith("#tb 0:"):
            num, _, den = line.split(":", 1)[1].strip().partition("/")
            time_base = Fraction(int(num), int(den or 1))
            continue
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 6 or parts[0] != "0":
            continue
        flags = next((p for p in parts[6:] if p.startswith("F=")), None)
        key = flags is None or bool(int(flags[2:], 16) & 1)
        rows.append((int(parts[2]), int(parts[4]), key))
    rows.sort()
    arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return Packets(arr[:, 0], arr[:, 1], arr[:, 2].astype(bool), time_base)


def frame_numbers(packets: Packets, fps: float) -> np.ndarray:
    """Each packet's frame number from the start of the stream; NoSignal unless the frames come at a
    constant rate, one packet per frame (what lets a window decode be matched to its frames)."""
    n = len(packets)
    if n == 0:
        raise NoSignal("no video packets")
    rel = (packets.pts - packets.pts[0]).astype(np.float64) * float(packets.time_base) * fps
    idx = np.rint(rel).astype(np.int64)
    if not np.array_equal(idx, np.arange(n)) or np.abs(rel - idx).max() > 0.25:
        raise NoSignal("variable frame rate")
    return np.asarray(idx, dtype=np.int64)


def check_usable(packets: Packets, min_frames: int) -> None:
    """NoSignal for streams whose sizes say nothing: too short, all keyframes, or not starting on one."""
    n = len(packets)
    if n < min_frames:
        raise NoSignal(f"short clip ({n} frames)")
    if not packets.key[0]:
        raise NoSignal("stream does not start on a keyframe")
    if packets.key.mean() > 0.3:
        raise NoSignal("intra-only stream (every frame a keyframe)")


def _p80(windows: np.ndarray) -> np.ndarray:
    """80th percentile of each row, NaN (keyframes, outside the clip) left out; 0 for an empty row."""
    valid = ~np.isnan(windows)
    rows = np.sort(np.where(valid, windows, -1.0), axis=1)  # missing ones (-1) first
    counts = valid.sum(axis=1)
    pos = np.clip(windows.shape[1] - np.ceil(counts * 0.2).astype(int), 0, windows.shape[1] - 1)
    return np.where(counts > 0, rows[np.arange(rows.shape[0]), pos], 0.0)


def size_spikes(size: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Non-key frames far bigger than the bigger ones around them (the 80th percentile of 8 a side, so a
    P picture among smaller B pictures is not a spike, and two cuts close together both are), or a bit
    bigger than those before and far bigger than those after (the new shot's next pictures are
    predicted from it, the old shot's were busy)."""
    n, m = size.size, _NEIGHBOURS
    s = np.where(key, np.nan, size.astype(np.float64))
    pad = np.concatenate([np.full(m, np.nan), s, np.full(m, np.nan)])
    before = _p80(sliding_window_view(pad[:-1], m)[:n])
    after = _p80(sliding_window_view(pad[m + 1 :], m)[:n])
    big = size.astype(np.float64) - 16.0
    both = big > SPIKE_RATIO * np.maximum(before, after)
    lopsided = (big > 1.3 * before) & (big > 2.2 * after)
    return np.flatnonzero(~key & (both | lopsided))


def level_shifts(size: np.ndarray, key: np.ndarray, ratio: float = 3.0) -> np.ndarray:
    """Frames where the typical size before and after differ by ``ratio`` or more, either way: a cut from
    a busy shot to a simple one is coded in fewer bytes than the busy shot's pictures, so it never
    spikes, but the sizes change level there (the median of 8 a side; keyframes left out)."""
    n = size.size
    s = np.where(key, np.nan, size.astype(np.float64) + 16.0)
    pad = np.concatenate([np.full(_NEIGHBOURS, np.nan), s, np.full(_NEIGHBOURS, np.nan)])
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        before = np.nanmedian(sliding_window_view(pad[:-1], _NEIGHBOURS)[:n], axis=1)
        after = np.nanmedian(sliding_window_view(pad[_NEIGHBOURS:], _NEIGHBOURS)[:n], axis=1)
        shift = np.abs(np.log(after / before))
    shift = np.nan_to_num(shift, nan=0.0)
    peak = shift >= np.max(sliding_window_view(np.pad(shift, 4), 9), axis=1)
    return np.flatnonzero(peak & (shift > np.log(ratio)))


def group_costs(size: np.ndarray, key: np.ndarray) -> list[tuple[int, int, float]]:
    """Each group of pictures as (first, end, cost): its bigger predicted pictures (80th percentile) over
    the dearer of its two keyframes (a cut into a cheap shot shows as a drop in level instead). Near 1, a
    predicted picture costs what a keyframe does (noise, fast motion): a new shot would not stand out."""
    keys = np.flatnonzero(key)
    bounds = [*keys.tolist(), size.size]
    out: list[tuple[int, int, float]] = []
    for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
        inner = size[a + 1 : b][~key[a + 1 : b]]
        if inner.size < 2:
            continue
        intra = float(max(size[a], size[bounds[i + 1]] if i + 1 < keys.size else size[a]))
        out.append((a, b, float(np.percentile(inner, 80)) / max(1.0, intra)))
    return out


def blind_groups(costs: list[tuple[int, int, float]]) -> np.ndarray:
    """The frames of groups whose sizes cannot show a spike of SPIKE_RATIO: they are decoded whole."""
    out = [np.arange(a + 1, b) for a, b, cost in costs if cost * SPIKE_RATIO >= 1.0]
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def check_costs(costs: list[tuple[int, int, float]]) -> None:
    """NoSignal when most groups' predicted pictures cost 40 % of a keyframe or more: a stream dominated by
    noise, where a cut costs no more than the pictures around it (the cut itself is as unpredictable)."""
    if costs and float(np.median([c for _, _, c in costs])) >= 0.4:
        raise NoSignal("predicted pictures cost nearly as much as keyframes (noise): sizes cannot show cuts")


def hides_change(size: np.ndarray, key: np.ndarray, k: int) -> bool:
    """Whether the sizes around regular keyframe ``k`` say a new shot may start there: the pictures after
    it cost clearly more or less than those before. A busy shot going on (a zoom, a pan) keeps its sizes
    (its keyframes' sizes may drift: a zoom's grow 1.4 times in 2 s)."""
    lo, hi = max(0, k - _NEIGHBOURS), min(size.size, k + 1 + _NEIGHBOURS)
    before = size[lo:k][~key[lo:k]]
    after = size[k + 1 : hi][~key[k + 1 : hi]]
    if not before.size or not after.size:
        return True

    def ratio(a: float, b: float) -> float:
        return max(a, b) / max(1.0, min(a, b))

    return ratio(float(np.median(after)), float(np.median(before))) > 1.4


def keyframe_cadence(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(off cadence, on cadence) keyframes after the first: the encoder's regular GOP is the commonest
    gap; a keyframe off it was placed by the encoder's own scene-cut detection."""
    if keys.size < 2:
        return keys[:0], keys[:0]
    gaps = np.diff(keys)
    cadence = int(np.bincount(gaps).argmax())
    regular = gaps == cadence
    return keys[1:][~regular], keys[1:][regular]


def windows(candidates: np.ndarray, keys: np.ndarray, n: int, join: int = 15,
            exact: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Frame ranges (first, last) to decode so each candidate has BEFORE frames before it and AFTER after
    (an ``exact`` candidate, a keyframe the encoder put on a new shot, 7 and 12: find_cuts' neighbourhood);
    each starts on the keyframe at or before, where a decode can start. Ranges that touch or lie within
    ``join`` frames of each other are decoded as one."""
    spans: list[tuple[int, int]] = []
    sure = set() if exact is None else {int(x) for x in exact}
    near = np.array(sorted(sure), dtype=np.int64)
    # a size change within 5 frames of such a keyframe is that cut's own: its window reaches 12 frames on
    loose = {int(c) for c in candidates if not near.size or np.abs(near - int(c)).min() > 5}
    for c in sorted(loose | sure):
        before, after = (7, 12) if c in sure else (BEFORE, AFTER)
        start = int(keys[np.searchsorted(keys, max(0, c - before), side="right") - 1])
        spans.append((start, min(n - 1, c + after)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1] + join:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def frames_in(spans: list[tuple[int, int]]) -> int:
    return sum(b - a + 1 for a, b in spans)
