"""The finishing room: what every instrument set gets, ours or a SoundFont's.

Each stem's high-pass (the low end is the kick's and the bass's), the style's stereo room (one convolution
reverb at the full rate for the whole piece: a generated decaying-noise impulse per side, with a short
pre-delay, a high-passed return with an air shelf), the chords' low-mid dip (a stack of chord tones and
pads builds up around 300 Hz), the chords' and the melody's width (a slightly detuned double on the
sides), a mono low end, the sidechain under the kick, lo-fi's dull top, the balance between stems, the
bus's gentle compression and saturation, and the ending's fade. Every effect depends only on the signal
around it (filters, a compressor releasing within a second, a sidechain keyed on the score's kick times, a
memoryless saturation): a window of the piece rendered with a few seconds of pre-roll comes out as the
whole would. Kept apart from the instruments so a SoundFont's stems are finished exactly like ours.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import fft as sfft
from scipy import signal

from nemo_desktop.engine.music.dsp import (
    compressor_gain,
    duck_envelope,
    highpass_sos,
    lowpass,
    peaking_sos,
    saturate,
    shelf_sos,
    sosfilt,
)
from nemo_desktop.engine.music.score import STEMS, Score
from nemo_desktop.engine.music.styles import STYLES, Style

_STEM_REVERB = {"drums": 0.25, "bass": 0.0, "chords": 1.0, "melody": 0.9}  # send to the room, per stem
_STEM_GAIN = {"drums": 0.5, "bass": 0.8, "chords": 0.55, "melody": 1.13}  # the balance between stems
_STEM_WIDTH = {"drums": 0.0, "bass": 0.0, "chords": 1.0, "melody": 0.5}  # the detuned double on the sides
_STEM_HIGHPASS = {"drums": 30.0, "chords": 110.0, "melody": 150.0}  # Hz, 12 dB/octave; the bass keeps its low end
_DUCKED = ("bass", "chords")  # what the sidechain ducks under the kick (the chords stem holds the pads)
_BUS_THRESHOLD_DB = -18.0  # the bus compressor's threshold (RMS over ~10 ms, dBFS of the stems' sum)
_BUS_RATIO = 2.0
_BUS_ATTACK = 0.03  # seconds: slow enough to let every attack through
_BUS_RELEASE = 0.3
_SIDE_HIGHPASS = 240.0  # Hz, 24 dB/oct on the side: kick, bass, low notes (a sampled piano's too) stay centred
END_FLOOR = 0.3  # the ending's gain on the last frame: the last chord still rings there (about -10 dB)
_PRE_DELAY = 0.022  # seconds before the room answers
_RETURN_BAND = (220.0, 14000.0)  # the room's return: no mud below, the top gently rolled off
_RETURN_AIR = (5000.0, 3.0)  # Hz, dB: a high shelf on the return, the air a plate or a hall adds
_CHORDS_DIP = (300.0, -1.5, 1.4)  # Hz, dB, Q: the low-mid boxiness of stacked chords and pads, tamed
_CHORDS_MAKEUP = 10 ** (0.6 / 20)  # … and the level it took back (the melody stays within a few dB of them)


def tail_seconds(score: Score) -> float:
    """How far back a finished sample still hears the raw stems (the room's length and its pre-delay): a
    window finished with this much pre-roll equals the same stretch of the whole piece finished at once."""
    spec = STYLES.get(score.style)
    return 1.2 + 2.0 * (spec.reverb if spec else 0.3) + _PRE_DELAY


@lru_cache(maxsize=4)
def _impulse(sr: int, seconds: float, seed: int = 99) -> np.ndarray:
    """A stereo room: decaying noise, independent per side (a wide, decorrelated return), darker as it
    decays, after a short pre-delay, band-passed so the return carries no low end and no fizz."""
    rng = np.random.default_rng(seed)
    n = int(seconds * sr)
    t = np.arange(n) / sr
    env = np.exp(-6.9 * t / seconds)
    ir = rng.standard_normal((n, 2)) * env[:, None]
    dark = signal.lfilter([0.25], [1, -0.75], ir, axis=0)
    mix = np.clip(t / seconds * 1.5, 0, 1)[:, None]
    ir = ir * (1 - mix) + dark * mix * 2.0
    ir[: int(0.004 * sr)] *= np.linspace(0, 1, int(0.004 * sr))[:, None]  # the first reflections swell in
    ir = np.concatenate([np.zeros((int(_PRE_DELAY * sr), 2)), ir])
    ir /= np.sqrt(np.sum(ir**2, axis=0, keepdims=True))  # unit energy before the band: the band takes some
    band = (_RETURN_BAND[0], min(_RETURN_BAND[1], 0.45 * sr))  # a low rate (a preview's) has less top
    sos = np.vstack([signal.butter(2, band, btype="band", fs=sr, output="sos"), shelf_sos(*_RETURN_AIR, sr)])
    ir = signal.sosfilt(sos, ir, axis=0).astype(np.float32)
    ir.flags.writeable = False  # cached: shared by every window of a piece
    return ir


def _reverb(send: np.ndarray, seconds: float, sr: int, block: int = 1 << 18) -> np.ndarray:
    """True stereo convolution reverb at the full rate (no resampling: no band edge, no haze): the left
    send into the left room, the right into the right, overlap-added a block at a time."""
    n = send.shape[0]
    ir = _impulse(sr, seconds)
    size = sfft.next_fast_len(block + len(ir) - 1, real=True)
    room = sfft.rfft(ir.T, size, axis=1, workers=2)
    out = np.zeros((n + size, 2), dtype=np.float32)
    for s in range(0, n, block):
        seg = send[s : s + block].T.astype(np.float32)
        out[s : s + size] += sfft.irfft(sfft.rfft(seg, size, axis=1, workers=2) * room, size, axis=1, workers=2).T
    return out[:n]


def _double(x: np.ndarray, sr: int, rate: float, offset: int = 0) -> np.ndarray:
    """A doubled take of mono ``x`` (which starts at sample ``offset`` of the piece): 16 ms late, its delay
    swept ±2 ms by a slow sine (a few cents of drift, like a second player)."""
    n = len(x)
    start = offset * rate / sr % 1.0  # the sweep's phase at the window's first sample, exact at any length
    delay = np.arange(n, dtype=np.float32) * np.float32(rate / sr)
    delay += np.float32(start)
    delay *= np.float32(2 * np.pi)
    np.sin(delay, out=delay)
    delay *= np.float32(0.002 * sr)
    delay += np.float32(0.016 * sr)  # samples
    whole = delay.astype(np.int32)
    delay -= whole  # the fraction
    pad = int(0.02 * sr) + 2
    xp = np.concatenate([np.zeros(pad, dtype=np.float32), x.astype(np.float32, copy=False)])
    idx = np.arange(pad, n + pad, dtype=np.int32)
    idx -= whole
    y = xp[idx]  # y[t] = x(t − delay), linearly interpolated
    idx -= 1
    y += (xp[idx] - y) * delay
    return y


def _image(x: np.ndarray, extra_side: np.ndarray | None, sr: int) -> np.ndarray:
    """Set the stem's stereo image: ``extra_side`` (a double) joins the side, left in phase and right out
    of phase (wide in stereo, gone in mono), and the side is high-passed at ``_SIDE_HIGHPASS`` (24 dB per
    octave) so kick, bass and every low note stay centred."""
    side = (x[:, 0] - x[:, 1]) * 0.5
    if extra_side is not None:
        side += extra_side
    if not np.any(side):
        return x
    mid = (x[:, 0] + x[:, 1]) * 0.5
    side = sosfilt(signal.butter(4, _SIDE_HIGHPASS, btype="high", fs=sr, output="sos"), side)
    x[:, 0] = mid + side
    x[:, 1] = mid - side
    return x


def _end_envelope(score: Score, n: int, sr: int, offset: int = 0) -> np.ndarray:
    """Gain over time for samples ``offset`` … ``offset + n`` of the piece: a tiny fade-in, and after the
    final hit a smooth taper to ``END_FLOOR`` at the last frame, so the chord rings to the end (a fade-out
    ending fades to silence instead); absolute times, so every window agrees."""
    total = int(round(score.duration * sr))
    idx = np.arange(offset, offset + n)
    env = np.ones(n, dtype=np.float32)
    k = min(total, int(0.01 * sr))
    head = idx < k
    env[head] = (idx[head] / max(k - 1, 1)).astype(np.float32)
    start = score.fade_start if score.fade_out else score.final_hit + 0.55 * (score.duration - score.final_hit)
    s = int(start * sr)
    tail = idx >= s
    if np.any(tail):
        ramp = ((idx[tail] - s) / max(total - s - 1, 1)).astype(np.float32)
        shape = np.cos(np.pi * np.minimum(ramp, 1)) * 0.5 + 0.5
        if score.fade_out:
            env[tail] *= shape**1.5
        else:  # the last chord still sounds on the last frame (the export's edge fade closes it)
            env[tail] *= END_FLOOR + (1.0 - END_FLOOR) * shape
    return env


def _kicks(score: Score) -> np.ndarray:
    """The kick times of the score: what the sidechain ducks to."""
    return np.array([n.start for n in score.notes.get("drums", ()) if n.instrument == "kick"], dtype=np.float64)


def _style_trim_db(spec: Style | None, stem: str) -> float:
    """The style's own correction of the stem balance (dB)."""
    if spec is None:
        return 0.0
    return spec.melody_db if stem == "melody" else (spec.drums_db if stem == "drums" else 0.0)


def _bus(stems: dict[str, np.ndarray], sr: int) -> None:
    """The music bus, in place: gentle compression keyed on the sum of the stems (2:1 above
    ``_BUS_THRESHOLD_DB``, slow attack) applied to every stem alike, so the stems still add up to the bus;
    then soft saturation, per stem (the stems are delivered apart, so the bus's colour is given to each)."""
    key = np.zeros(len(stems[STEMS[0]]), dtype=np.float32)
    for s in STEMS:
        key += stems[s][:, 0]
        key += stems[s][:, 1]
    key *= 0.5
    gain = compressor_gain(key, sr, _BUS_THRESHOLD_DB, _BUS_RATIO, _BUS_ATTACK, _BUS_RELEASE)
    for s in STEMS:
        stems[s] *= gain[:, None]
        stems[s] = saturate(stems[s], in_place=True)


def _highpass(stems: dict[str, np.ndarray], sr: int) -> None:
    """Each stem's high-pass, in place (all but the bass: the low end belongs to kick and bass)."""
    for s, cutoff in _STEM_HIGHPASS.items():
        if np.any(stems[s]):
            stems[s] = highpass_sos(stems[s], cutoff, sr)


def finish_stems(
    stems: dict[str, np.ndarray], score: Score, sample_rate: int = 48000, offset: int = 0
) -> dict[str, np.ndarray]:
    """What every instrument set gets, ours or a SoundFont's: each stem's high-pass (all but the bass: the
    low end belongs to kick and bass), the chords' low-mid dip, the chords' and melody's width and a mono
    low end, the style's stereo room (one reverb for the whole piece, returned with the chords), the chords
    and bass ducked under the kick where the style pumps, lo-fi's dull top, the stem balance, the bus's
    compression and saturation, and the ending's fade. ``stems`` may be a window starting at sample
    ``offset`` of the piece: the envelopes use absolute times, and ``tail_seconds`` of pre-roll makes it exact."""
    sr = sample_rate
    n = len(next(iter(stems.values())))
    spec = STYLES.get(score.style)
    _highpass(stems, sr)
    reverb_amount = spec.reverb if spec else 0.3
    room = 1.2 + 2.0 * reverb_amount
    send = sum(stems[s] * (_STEM_REVERB[s] * reverb_amount) for s in STEMS if _STEM_REVERB[s] > 0)
    if np.any(stems["chords"]):  # the dry chords only: the room still gets their warmth
        dipped = sosfilt(peaking_sos(*_CHORDS_DIP, sr), stems["chords"], axis=0)
        stems["chords"] = (dipped * _CHORDS_MAKEUP).astype(np.float32)
    width = spec.width if spec else 1.0
    for k, s in enumerate(STEMS):
        x = stems[s].astype(np.float32, copy=True)
        double = None
        if _STEM_WIDTH[s] > 0 and np.any(x):
            double = _double(x.mean(axis=1), sr, 0.21 + 0.07 * k, offset) * np.float32(_STEM_WIDTH[s] * width)
        if s == "chords" and isinstance(send, np.ndarray) and np.any(send):
            x += _reverb(send, room, sr) * 0.6  # the room's return comes back with the chords
        stems[s] = _image(x, double, sr)
    if spec and spec.sidechain_db > 0:
        duck = duck_envelope(_kicks(score), n, sr, spec.sidechain_db, spec.sidechain_release, offset / sr)
        for s in _DUCKED:
            stems[s] *= duck[:, None]
    if spec and spec.name == "lofi":
        for s in ("chords", "melody"):
            stems[s] = lowpass(stems[s].T, 5200, sr).T
    for s in STEMS:
        trim = 10 ** (_style_trim_db(spec, s) / 20)
        stems[s] = stems[s].astype(np.float32, copy=False)  # a float32 stem is scaled in place
        stems[s] *= np.float32(_STEM_GAIN[s] * trim)
    _bus(stems, sr)
    env = _end_envelope(score, n, sr, offset)
    shaped = np.flatnonzero(env < 1.0)
    for s in STEMS:
        x = stems[s]
        x[shaped] *= env[shaped, None]
    return stems
