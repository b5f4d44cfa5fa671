"""Compare the sampled instruments: tinysoundfont vs our sampler, on the same scores and the same bank.

Three players of a calm piano piece and a cinematic one (60 s each):
- ``tsf``: tinysoundfont (MIT, optional: ``pip install --no-deps tinysoundfont``) playing every voice from
  Debian's FluidR3Mono_GM.sf3 — the old SoundFont mode (pans snapped to three positions per channel);
- ``ours-sf3``: our sampler (sampler.py) playing every voice from the same .sf3 (a user's bank);
- ``default``: the default instruments — the shipped subset for the acoustic voices, numpy for the rest.

Per player: render time of the raw stems (× real time, best of two); a held middle C on the piano: dB after 1/2/4 s;
attack time (10 % → 90 % of the peak envelope) of a piano, a string-section and a kick note; and on the
finished music (``finish_stems`` + ``music_only``): L/R correlation and spectral centroid.

Run: python benchmarks/bench_bank.py   (the machine may be shared: compare the columns of one run)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from nemo_desktop.engine.mix import music_only
from nemo_desktop.engine.music import gm, sampler
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.finish import finish_stems
from nemo_desktop.engine.music.score import STEMS, Note, Score
from nemo_desktop.engine.music.soundfont import load
from nemo_desktop.engine.prompt import VideoTraits, make_brief

SR = 48000
DURATION = 60.0
SF3 = Path("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3")
Player = Callable[[Score], dict[str, np.ndarray]]


def tsf_player() -> Player | None:
    """tinysoundfont playing every voice (note-ons/offs in time order), or None when it is not installed."""
    try:
        import tinysoundfont
    except ImportError:
        return None
    synth = tinysoundfont.Synth(samplerate=SR)
    sfid = synth.sfload(str(SF3))

    def play(score: Score) -> dict[str, np.ndarray]:
        n = int(round(score.duration * SR))
        return {stem: _tsf_stem(synth, sfid, score.notes.get(stem, ()), stem == "drums", n) for stem in STEMS}

    return play


def _tsf_stem(synth: object, sfid: int, notes: tuple[Note, ...], drums: bool, n: int) -> np.ndarray:
    s: object = synth
    out = np.zeros((n, 2), dtype=np.float32)
    s.sounds_off()  # type: ignore[attr-defined]
    s.generate(int(0.2 * SR))  # type: ignore[attr-defined]
    channels: dict[tuple[str, int], int] = {}
    events = []
    for note in notes:
        if drums:
            if not channels:
                s.program_select(9, sfid, 128, 0, is_drums=True)  # type: ignore[attr-defined]
                channels[("drums", 0)] = 9
            channel, key, length = 9, gm.DRUM_KEYS[note.instrument], 0.2
        else:
            side = -1 if note.pan < -0.2 else (1 if note.pan > 0.2 else 0)
            channel = channels.get((note.instrument, side), -1)
            if channel < 0:
                channel = [c for c in range(16) if c != 9][len(channels) % 15]
                channels[(note.instrument, side)] = channel
                s.program_select(channel, sfid, 0, gm.PROGRAMS[note.instrument])  # type: ignore[attr-defined]
                s.control_change(channel, 10, 64 + 32 * side)  # type: ignore[attr-defined]
            key, length = note.pitch, note.dur
        on = int(round(note.start * SR))
        events += [(on, 1, channel, key, int(np.clip(round(note.vel * 127), 1, 127))),
                   (max(on + 1, int(round((note.start + length) * SR))), 0, channel, key, 0)]
    pos = 0
    for at, kind, channel, key, vel in sorted(events):
        at = min(max(at, 0), n)
        if at > pos:
            out[pos:at] = np.frombuffer(s.generate(at - pos), dtype=np.float32).reshape(-1, 2)  # type: ignore[attr-defined]
            pos = at
        if kind:
            s.noteon(channel, key, vel)  # type: ignore[attr-defined]
        else:
            s.noteoff(channel, key)  # type: ignore[attr-defined]
    if pos < n:
        out[pos:] = np.frombuffer(s.generate(n - pos), dtype=np.float32).reshape(-1, 2)  # type: ignore[attr-defined]
    return out


def one_note(note: Note, stem: str, style: str, seconds: float = 5.0) -> Score:
    return Score(bpm=100, key="C", mode="major", style=style, seed=0, duration=seconds, fps=25, beats=(0.0,),
                 bars=(0.0,), sections=(("main", 0.0, seconds),), notes={stem: (note,)})


def envelope_db(x: np.ndarray, step: float = 0.005) -> np.ndarray:
    mono = x.mean(axis=1).astype(np.float64)
    k = int(step * SR)
    return 10 * np.log10((mono[: len(mono) // k * k].reshape(-1, k) ** 2).mean(axis=1) + 1e-20)


def attack_ms(x: np.ndarray) -> float:
    """10 % → 90 % of the peak of the 5 ms RMS envelope, in ms."""
    env = 10 ** (envelope_db(x) / 20)
    peak = env.max()
    return float((np.argmax(env >= 0.9 * peak) - np.argmax(env >= 0.1 * peak)) * 5.0)


def figures(play: Player) -> dict[str, str]:
    out: dict[str, str] = {}
    held = play(one_note(Note(0.0, 5.0, 60, 0.8, "piano"), "melody", "calm_piano"))["melody"]
    db = envelope_db(held, 0.1)
    out["piano dB 1/2/4 s"] = "/".join(f"{db[int(s * 10)] - db[:3].max():.0f}" for s in (1, 2, 4))
    for name, stem, style in (("piano", "melody", "calm_piano"), ("strings", "chords", "cinematic"),
                              ("kick", "drums", "acoustic")):
        x = play(one_note(Note(0.2, 2.0, 60, 0.8, name), stem, style, 3.0))[stem]
        out[f"attack {name} ms"] = f"{attack_ms(x):.0f}"
    for prompt in ("calm piano", "cinematic"):
        rng = np.random.default_rng(7)
        score = compose(make_brief(prompt, VideoTraits(duration=DURATION)), DURATION,
                        sorted(rng.uniform(2, 56, 10)), 30.0, 1)
        spent = np.inf
        for _ in range(2):  # the first run also decodes an .sf3's samples and calibrates the voices
            t0 = time.perf_counter()
            raw = play(score)
            spent = min(spent, time.perf_counter() - t0)
        music = music_only(finish_stems(raw, score, SR)).astype(np.float64)
        corr = np.corrcoef(music[:, 0], music[:, 1])[0, 1]
        mono = music.mean(axis=1)
        spec = np.abs(np.fft.rfft(mono)) ** 2
        centroid = float((spec * np.fft.rfftfreq(len(mono), 1 / SR)).sum() / spec.sum())
        out[f"{prompt}: × real time"] = f"{DURATION / spent:.0f}"
        out[f"{prompt}: L/R corr"] = f"{corr:.2f}"
        out[f"{prompt}: centroid kHz"] = f"{centroid / 1000:.2f}"
    return out


def main() -> None:
    players: dict[str, Player] = {}
    tsf = tsf_player() if SF3.is_file() else None
    if tsf is None:
        print("tinysoundfont or FluidR3Mono_GM.sf3 missing: its column is left out")
    else:
        players["tsf"] = tsf
    if SF3.is_file():
        bank = load(SF3)
        players["ours-sf3"] = lambda s: sampler.play_stems(s, SR, 0, int(round(s.duration * SR)), bank, True)
    players["default"] = lambda s: sampler.play_stems(s, SR, 0, int(round(s.duration * SR)))
    for p in players.values():  # warm: banks loaded, voices calibrated, samples decoded
        p(one_note(Note(0.0, 0.5, 60, 0.8, "piano"), "melody", "calm_piano", 1.0))
    table = {name: figures(p) for name, p in players.items()}
    rows = list(next(iter(table.values())))
    print(f"{'':28}" + "".join(f"{name:>12}" for name in table))
    for row in rows:
        print(f"{row:28}" + "".join(f"{table[name][row]:>12}" for name in table))


if __name__ == "__main__":
    main()
