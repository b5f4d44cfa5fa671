"""Speech spans with Silero VAD's ONNX model on onnxruntime (no torch).

The model (MIT, 2.3 MB) ships inside our own package, ``nemo_desktop/resources/silero_vad.onnx``, so a plain
``pip install`` or the bundle has it; the silero-vad package itself needs torch and is not used. When the
model cannot be loaded, ``problem()`` says why, and the engine tells the person instead of going on deaf.

Input: 16 kHz mono float32, 512-sample windows each preceded by
the previous 64 samples of context, with the recurrent state carried across windows. The probabilities
become spans with the same hysteresis rules as silero's ``get_speech_timestamps``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
WINDOW = 512
CONTEXT = 64
THRESHOLD = 0.5
NEG_THRESHOLD = 0.35
MIN_SPEECH_S = 0.25
MIN_SILENCE_S = 0.10
PAD_S = 0.03

_lock = threading.Lock()
_session = None


PACKAGED_MODEL = Path(__file__).resolve().parents[1] / "resources" / "silero_vad.onnx"


class SpeechModelUnavailable(RuntimeError):
    """The speech model cannot run; the message says why in a few words (shown to the person)."""


def model_path() -> Path:
    """The ONNX file: ``$NEMO_VAD_MODEL`` (tests, a packager's own copy) or the one in our package."""
    env = os.environ.get("NEMO_VAD_MODEL")
    return Path(env) if env else PACKAGED_MODEL


def _get_session():
    global _session
    with _lock:
        if _session is None:
            path = model_path()
            if not path.is_file():
                raise SpeechModelUnavailable(f"the speech model {path.name} is missing")
            try:
                import onnxruntime as ort
            except ImportError as exc:
                raise SpeechModelUnavailable(f"onnxruntime cannot be loaded: {exc}") from exc
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            try:
                _session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
            except Exception as exc:  # onnxruntime raises its own types for a damaged or foreign file
                raise SpeechModelUnavailable(f"the speech model {path.name} cannot be loaded") from exc
        return _session


def problem() -> str | None:
    """None when speech detection works, else why it does not (a few words)."""
    try:
        _get_session()
    except SpeechModelUnavailable as exc:
        return str(exc)
    return None


def available() -> bool:
    return problem() is None


def speech_probabilities(audio: np.ndarray, cancel: threading.Event | None = None) -> np.ndarray:
    """One speech probability per 512-sample window of 16 kHz mono audio."""
    return block_probabilities([audio], cancel)


def block_probabilities(blocks: Iterable[np.ndarray], cancel: threading.Event | None = None) -> np.ndarray:
    """``speech_probabilities`` of the concatenated ``blocks`` (16 kHz mono, any sizes), read one at a time:
    the model's state, its 64-sample context and a partial window carry over, so a long sound is never
    whole in memory and the result is the same as for one array."""
    sess = _get_session()
    names = [i.name for i in sess.get_inputs()]
    audio_name = next((n for n in names if n in ("input", "x")), names[0])
    state_name = next((n for n in names if n in ("state", "h")), None)
    sr_name = next((n for n in names if n == "sr"), None)
    out_names = [o.name for o in sess.get_outputs()]
    state = np.zeros((2, 1, 128), np.float32)
    context = np.zeros(CONTEXT, np.float32)
    sr = np.array(SAMPLE_RATE, dtype=np.int64)
    probs: list[float] = []
    rest = np.zeros(0, np.float32)
    done = False
    it = iter(blocks)
    while not done:
        block = next(it, None)
        if block is None:
            done = True
            if not len(rest):
                break
            rest = np.concatenate([rest, np.zeros(WINDOW - len(rest), np.float32)])  # the last window, padded
        else:
            rest = np.concatenate([rest, np.asarray(block, np.float32)])
        for i in range(len(rest) // WINDOW):
            if cancel is not None and len(probs) % 256 == 0 and cancel.is_set():
                from nemo_desktop.core.errors import Cancelled

                raise Cancelled()
            chunk = rest[i * WINDOW : (i + 1) * WINDOW]
            feeds = {audio_name: np.concatenate([context, chunk])[None, :]}
            if state_name:
                feeds[state_name] = state
            if sr_name:
                feeds[sr_name] = sr
            out = sess.run(out_names, feeds)
            probs.append(float(np.asarray(out[0]).reshape(-1)[0]))
            if len(out) > 1:
                state = out[1]
            context = chunk[-CONTEXT:]
        rest = rest[len(rest) // WINDOW * WINDOW :]
    return np.asarray(probs, np.float32)


def spans_from_probabilities(probs: np.ndarray, duration: float) -> tuple[tuple[float, float], ...]:
    hop = WINDOW / SAMPLE_RATE
    spans: list[list[float]] = []
    triggered = False
    start = 0.0
    silence_from: float | None = None
    for i, p in enumerate(probs):
        t = i * hop
        if p >= THRESHOLD:
            silence_from = None
            if not triggered:
                triggered, start = True, t
        elif triggered and p < NEG_THRESHOLD:
            if silence_from is None:
                silence_from = t
            if t + hop - silence_from >= MIN_SILENCE_S:
                spans.append([start, silence_from])
                triggered, silence_from = False, None
    if triggered:
        spans.append([start, silence_from if silence_from is not None else len(probs) * hop])
    spans = [s for s in spans if s[1] - s[0] >= MIN_SPEECH_S]
    out: list[list[float]] = []
    for a, b in spans:
        a, b = max(0.0, a - PAD_S), min(duration, b + PAD_S)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((round(a, 3), round(b, 3)) for a, b in out)
