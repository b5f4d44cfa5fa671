"""Music stems + the clips' own sound → the final stereo track.

Order matters: set the music's level relative to the clip sound (the person's "quieter music"), duck it
under speech — VOICE_CLEARANCE_DB under each speaker's own loudness, so a soft voice gets a deeper duck than
a loud one and none is deeper than needed (a fixed DUCK_DB when there is no clip sound to measure) — fade the
edges, normalise the total to −16 LUFS, then a look-ahead true-peak
limiter keeps it under −1 dBTP; loudness is re-checked after limiting.

"Quieter music" means quieter *relative to the clip's own sound*: the music gain is applied to the music
alone before the total is normalised, so voices and ambience come forward while the programme stays at
−16 LUFS. With no clip sound there is nothing to be relative to, so the gain lowers the whole programme
instead: target = −16 + gain, never above −16 (a louder request cannot push past the delivery target).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import ndimage, signal

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
DUCK_DB = -22.0  # music level under speech, relative to its normal level, when there is no voice to measure
VOICE_CLEARANCE_DB = 19.0  # under a measured voice the music sits this far below it (≥ 18 dB, 1 dB to spare)
DUCK_RANGE_DB = (-60.0, -6.0)  # deepest and gentlest duck: a whisper still comes through; always a dip
DUCK_ATTACK = 0.35  # seconds: music is fully down when the voice starts
DUCK_RELEASE = 0.5  # seconds: music is back within 0.5 s after the voice stops
BRIDGE_GAP = 1.0  # pauses shorter than this between two speech spans stay ducked
FADE_IN = 0.02
FADE_OUT = 0.15
_SILENCE = 1e-7


def music_only(stems: dict[str, np.ndarray]) -> np.ndarray:
    """The sum of the stems: the music track on its own."""
    arrays = [np.asarray(a, dtype=np.float32) for a in stems.values()]
    if not arrays:
        return np.zeros((0, 2), dtype=np.float32)
    out = np.zeros_like(arrays[0])
    for a in arrays:
        out += a
    return out


# ------------------------------------------------------------------------------------------ loudness

_K_SHELF = (
    [1.53512485958697, -2.69169618940638, 1.19839281085285],
    [1.0, -1.69065929318241, 0.73248077421585],
)
_K_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])
_K_SHELF_32 = tuple(np.asarray(c, dtype=np.float32) for c in _K_SHELF)
_K_HIGHPASS_32 = tuple(np.asarray(c, dtype=np.float32) for c in _K_HIGHPASS)


def integrated_loudness(audio: np.ndarray, sample_rate: int = 48000) -> float:
    """ITU-R BS.1770-4 integrated loudness in LUFS (the algorithm pyloudnorm implements, vectorised).

    At 48 kHz it uses the standard K-weighting coefficients and builds the gated 400 ms blocks from sums
    of 100 ms steps, several times faster than pyloudnorm's block loop; other rates go to pyloudnorm.
    """
    x = np.asarray(audio)
    if x.ndim == 1:
        x = x[:, None]
    if sample_rate != 48000:
        import pyloudnorm

        return float(pyloudnorm.Meter(sample_rate).integrated_loudness(x.astype(np.float64)))
    # float32 filtering: 2-3× faster than float64 and within 1e-6 dB of it on programme material
    x = x.astype(np.float32, copy=False)
    block, step = int(0.4 * sample_rate), int(0.1 * sample_rate)
    if x.shape[0] < block:
        return float("-inf")
    y = signal.lfilter(*_K_SHELF_32, x, axis=0)
    y = signal.lfilter(*_K_HIGHPASS_32, y, axis=0)
    # the 400 ms blocks overlap by 75 %: each is the sum of four 100 ms steps
    steps = x.shape[0] // step
    per_step = np.einsum("ijc,ijc->ic", *(y[: steps * step].reshape(steps, step, -1),) * 2).astype(np.float64)
    window = block // step
    z = sum(per_step[k : steps - window + 1 + k] for k in range(window)) / block  # (blocks, channels)
    zsum = z.sum(axis=1)
    with np.errstate(divide="ignore"):
        lj = -0.691 + 10 * np.log10(zsum)
    keep = lj > -70.0
    if not np.any(keep):
        return float("-inf")
    rel = -0.691 + 10 * np.log10(zsum[keep].mean()) - 10.0
    keep &= lj > rel
    if not np.any(keep):
        return float("-inf")
    return float(-0.691 + 10 * np.log10(zsum[keep].mean()))


# -------------------------------------------------------------------------------------------- peaks

_OVERSAMPLE = 4
# 49 taps (odd): a whole-sample delay of 24 upsampled = 6 input samples, so phase r sits at i + r/4
_TP_FILTER = np.concatenate(
    [signal.firwin(49, 1.0 / _OVERSAMPLE, window=("kaiser", 8.0)) * _OVERSAMPLE, np.zeros(3)]
)
_TP_TAPS = len(_TP_FILTER) // _OVERSAMPLE  # 13 taps per polyphase branch
_TP_BANK = np.stack([_TP_FILTER[r::_OVERSAMPLE][::-1] for r in range(_OVERSAMPLE)], axis=1)  # (13, 4)
_TP_SHIFT = _TP_TAPS // 2  # 6 input samples each side
_TP_BLOCK = 256
_TP_HEADROOM = 10 ** (-4.0 / 20)  # inter-sample overs above 4 dB are not met in real programme


def true_peak_envelope(audio: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per-sample true peak: max |x| over both channels and 4 interpolated points (4× oversampling).

    The oversampling is a 48-tap polyphase FIR evaluated only in 256-sample blocks whose sample peak
    exceeds ``floor`` (elsewhere the sample peak is returned): a limiter only needs the loud places.
    """
    x = np.asarray(audio, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    n = x.shape[0]
    env = np.abs(x[:, 0])
    for c in range(1, x.shape[1]):
        np.maximum(env, np.abs(x[:, c]), out=env)
    hot = np.flatnonzero(env > floor)
    if hot.size == 0 or n == 0:
        return env
    blocks = np.unique(hot // _TP_BLOCK)
    js = (blocks[:, None] * _TP_BLOCK + np.arange(_TP_BLOCK)[None, :]).ravel()
    js = js[js < n]
    pad = 32
    xp = np.pad(x, ((pad, pad), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, _TP_TAPS, axis=0)  # (n', ch, 12)
    rows = pad + js - _TP_SHIFT
    inter = np.abs(windows[rows] @ _TP_BANK.astype(np.float32)).max(axis=(1, 2))
    env[js] = np.maximum(env[js], inter)
    return env


def true_peak_db(audio: np.ndarray) -> float:
    """The programme's true peak in dBTP."""
    if audio.size == 0:
        return float("-inf")
    peak = float(true_peak_envelope(audio).max())  # every block: floor 0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def limit(audio: np.ndarray, ceiling_db: float = CEILING_DBTP, sample_rate: int = 48000) -> np.ndarray:
    """Look-ahead true-peak limiter: gain drops smoothly before a peak, holds, and recovers.

    The required gain at each peak is spread by a minimum filter (look-ahead and hold of 20 ms each
    side) and smoothed by a 10 ms moving average; since every smoothed point averages values no larger
    than the peak's own requirement, no peak gets through, and the gain never jumps (no clicks).
    """
    x = np.array(audio, dtype=np.float32)  # a copy: the caller's programme is left as it was
    ceiling = 10 ** ((ceiling_db - 0.35) / 20)  # margin: the 4× estimate runs a little low near Nyquist
    aim = ceiling  # tightened a little on each extra pass; the check stays against ``ceiling``
    hold = int(0.02 * sample_rate)
    smooth = int(0.005 * sample_rate)
    reach = hold + 2 * smooth + 2  # how far one peak's gain reduction spreads
    for _ in range(4):
        tp = true_peak_envelope(x, floor=ceiling * _TP_HEADROOM)
        if tp.max() <= ceiling * 1.0001:
            break
        need = np.minimum(np.float32(1.0), np.float32(aim) / np.maximum(tp, np.float32(1e-12)))
        # only the stretches around peaks change (a few per mille of a mastered programme): filter those
        hot = np.flatnonzero(need < 1.0)
        starts, ends = np.maximum(hot - reach, 0), np.minimum(hot + reach + 1, len(need))
        breaks = np.flatnonzero(starts[1:] > ends[:-1])
        for a, b in zip(np.r_[starts[0], starts[breaks + 1]], np.r_[ends[breaks], ends[-1]], strict=True):
            gain = ndimage.minimum_filter1d(need[a:b], size=2 * (hold + smooth) + 1, mode="nearest")
            gain = ndimage.uniform_filter1d(gain, size=2 * smooth + 1, mode="nearest")
            x[a:b] *= np.minimum(gain, np.float32(1.0))[:, None]
        aim *= 0.995
    return x


# ------------------------------------------------------------------------------------------- ducking


def merge_speech(speech: Sequence[tuple[float, float]], gap: float = BRIDGE_GAP) -> list[tuple[float, float]]:
    """Speech spans sorted, with pauses shorter than ``gap`` bridged (the music does not bob up)."""
    spans = sorted((float(s), float(e)) for s, e in speech if e > s)
    merged: list[tuple[float, float]] = []
    for s, e in spans:
        if merged and s - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def duck_gain(
    n: int, speech: Sequence[tuple[float, float]], sample_rate: int = 48000, depth_db: float = DUCK_DB,
    depths: Sequence[float] | None = None, first: int = 0,
) -> np.ndarray:
    """Per-sample music gain for samples ``first`` … ``first + n``: ``depth_db`` during speech (or each
    merged span's own entry of ``depths``), raised-cosine ramps in and out; where ramps of two spans
    overlap, the deeper duck wins."""
    depth = np.zeros(n, dtype=np.float64)
    lo, hi = n, 0  # the stretch any span touches: only there is the gain below 1
    t0, t_end = first / sample_rate, (first + n) / sample_rate
    for k, (s, e) in enumerate(merge_speech(speech)):
        if e + DUCK_RELEASE <= t0 or s - DUCK_ATTACK >= t_end:
            continue
        db = depths[k] if depths is not None else depth_db
        xs = [s - DUCK_ATTACK, s, e, e + DUCK_RELEASE]
        i0 = max(first, int(xs[0] * sample_rate))
        i1 = min(first + n, int(np.ceil(xs[3] * sample_rate)) + 1)
        if i1 <= i0:
            continue
        t = np.arange(i0, i1) / sample_rate
        d = np.interp(t, xs, [0.0, 1.0, 1.0, 0.0])
        d = (0.5 - 0.5 * np.cos(np.pi * d)) * -db
        depth[i0 - first : i1 - first] = np.maximum(depth[i0 - first : i1 - first], d)
        lo, hi = min(lo, i0 - first), max(hi, i1 - first)
    gain = np.ones(n)
    if hi > lo:
        gain[lo:hi] = 10 ** (-depth[lo:hi] / 20)
    return gain


def voice_relative_depths(
    music: np.ndarray, clip: np.ndarray, speech: Sequence[tuple[float, float]], sample_rate: int = 48000
) -> list[float]:
    """For each merged speech span, the duck (dB) that puts the music VOICE_CLEARANCE_DB under that voice's
    own loudness — a softly spoken line gets a deeper duck than a loud one, and none deeper than needed
    (within DUCK_RANGE_DB). A span too short to measure gets the fixed DUCK_DB."""
    deepest, gentlest = DUCK_RANGE_DB
    depths: list[float] = []
    for s, e in merge_speech(speech):
        i0, i1 = max(0, int(s * sample_rate)), min(music.shape[0], int(e * sample_rate))
        voice = integrated_loudness(clip[i0:i1], sample_rate) if i1 > i0 else float("-inf")
        under = integrated_loudness(music[i0:i1], sample_rate) if i1 > i0 else float("-inf")
        if not np.isfinite(voice):
            depths.append(DUCK_DB)
        elif not np.isfinite(under):
            depths.append(gentlest)  # the music is silent there already
        else:
            depths.append(float(np.clip(voice - VOICE_CLEARANCE_DB - under, deepest, gentlest)))
    return depths


# ----------------------------------------------------------------------------------------------- mix


def mix(
    stems: dict[str, np.ndarray],
    clip_audio: np.ndarray | None,
    speech: Sequence[tuple[float, float]],
    sample_rate: int = 48000,
    music_gain_db: float = 0.0,
) -> np.ndarray:
    """The final programme: float32 (n, 2) at ``sample_rate``, −16 LUFS, ≤ −1 dBTP, ducked under speech.

    Arrays in, an array out (short pieces, tests); the export streams the same passes from files to a WAV
    (``mix_blocks.mix_into``): one implementation of the mix, whatever the length.
    """
    from nemo_desktop.engine import mix_blocks  # here: mix_blocks builds on this module's pieces

    music = music_only(stems)
    if clip_audio is None and music.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.float32)
    n = music.shape[0] if music.shape[0] else np.asarray(clip_audio).shape[0]
    sink = mix_blocks.ArraySink()
    mix_blocks.mix_into(sink, mix_blocks.array_reader(music) if music.shape[0] else None,
                        mix_blocks.array_reader(clip_audio), n, speech, sample_rate, music_gain_db)
    return sink.array()
