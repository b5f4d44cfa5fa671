"""The instrument registry: every voice a style or a brief can name is registered, and a name that is not
fails loudly instead of quietly becoming a piano (or a hi-hat)."""

from __future__ import annotations

import numpy as np
import pytest

from nemo_desktop.engine.music import bank, gm, instruments
from nemo_desktop.engine.music import compose as compose_module
from nemo_desktop.engine.music.instruments import DRUMS, VOICES, Drums, UnknownVoice, Voices
from nemo_desktop.engine.music.parts.accents import PERCUSSIVE
from nemo_desktop.engine.music.score import Note, Score
from nemo_desktop.engine.music.styles import FLAVOURS, STYLES, Orchestra
from nemo_desktop.engine.music.synth import render_stems


def _orchestra_voices(band: Orchestra) -> set[str]:
    """Every voice an orchestra may give a part."""
    names = {*band.arps, band.soft, band.legato, *band.winds, band.lead, band.climax_lead, band.low[0]}
    names |= {v for v in (band.ostinato, band.tremolo, band.brass, band.choir, band.low[1]) if v}
    return names | ({"timpani"} if band.timpani else set())


def test_every_voice_a_piece_can_name_is_registered() -> None:
    named = {"piano"} | set(PERCUSSIVE)  # cut accents fall back to a piano, struck voices are listed
    for style in STYLES.values():
        named |= {style.chord_instrument, style.melody_instrument, style.bass_instrument}
        named |= {style.pad} if style.pad else set()
    for chords, melody in compose_module._INSTRUMENT_VOICES.values():
        named |= {chords, melody}
    for style in [*STYLES.values(), *FLAVOURS.values()]:
        named |= {style.chord_instrument, style.melody_instrument, style.bass_instrument}
        named |= {style.pad} if style.pad else set()
        if style.orchestra:
            named |= _orchestra_voices(style.orchestra)
    assert "timpani" in named and "slow_strings" in named  # the orchestra is counted
    assert named <= set(VOICES)
    drums = {"crash", "kick", "tom", "rim", "snare"}  # crashes, fills and cut accents
    for style in STYLES.values():
        for groove in style.grooves:
            drums |= set(groove)
    assert drums <= set(DRUMS)


def test_every_voice_has_a_general_midi_program_and_the_bank_holds_the_sampled_ones() -> None:
    """A user's bank can play every voice; the shipped bank holds every voice it plays by default."""
    assert set(VOICES) <= set(gm.PROGRAMS)
    assert set(gm.DRUM_KEYS) == set(DRUMS)
    assert gm.SAMPLED <= set(gm.PROGRAMS)
    presets = bank.shipped().presets
    for name in gm.SAMPLED:
        assert presets.get((0, gm.PROGRAMS[name])), name
    kit = presets[(gm.DRUM_BANK, gm.DRUM_KIT)]
    for name, key in gm.DRUM_KEYS.items():
        assert any(z.keys[0] <= key <= z.keys[1] for z in kit), name


def test_the_numpy_piano_decays_like_a_piano() -> None:
    """Held, it falls ≥ 20 dB within 4 s (its sample is 3.2 s: by then), higher notes faster; its upper
    partials die before the fundamental (the spectrum darkens as it rings)."""
    sr = 48000
    voices = Voices(sr, 0.5)

    def level(x: np.ndarray, at: float) -> float:
        seg = x[int(at * sr) : int((at + 0.1) * sr)].astype(np.float64)
        return float(10 * np.log10(np.mean(seg**2)))

    falls = {}
    for pitch in (48, 60, 72):
        x = voices.get("piano", pitch, 4.0)
        falls[pitch] = level(x, 0.0) - level(x, 3.0)
    assert falls[60] >= 20 and falls[48] < falls[60] < falls[72], falls
    x = voices.get("piano", 60, 4.0)

    def brightness(seg: np.ndarray) -> float:
        spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg))))
        f = np.fft.rfftfreq(len(seg), 1 / sr)
        return float((spec * f).sum() / spec.sum())

    assert brightness(x[int(2.0 * sr) : int(2.2 * sr)]) < 0.8 * brightness(x[int(0.05 * sr) : int(0.25 * sr)])


def test_an_unknown_voice_raises_instead_of_playing_a_piano() -> None:
    with pytest.raises(UnknownVoice, match="pianoo"):
        Voices(48000, 0.5).get("pianoo", 60, 1.0)
    with pytest.raises(UnknownVoice, match="cowbell"):
        Drums(48000, "upbeat_pop").get("cowbell")


@pytest.mark.parametrize(("stem", "voice"), [("melody", "theremin"), ("drums", "cowbell")])
def test_a_score_with_an_unknown_voice_does_not_render(stem: str, voice: str) -> None:
    score = Score(
        bpm=100, key="C", mode="major", style="calm_piano", seed=0, duration=1.0, fps=25, beats=(0.0,),
        bars=(0.0,), sections=(("ending", 0.0, 1.0),), notes={stem: (Note(0.1, 0.5, 60, 0.8, voice),)},
    )
    with pytest.raises(UnknownVoice, match=voice):
        render_stems(score)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_attacks_are_timed_at_the_real_sample_rate(rate: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2 ms attack is 2 ms at any rate (it used to be counted in 48 kHz samples whatever the rate)."""
    seen: list[int] = []
    real = instruments.attack

    def spy(x: np.ndarray, seconds: float, sr: int) -> np.ndarray:
        seen.append(sr)
        return real(x, seconds, sr)

    monkeypatch.setattr(instruments, "attack", spy)
    voices, drums = Voices(rate, 0.5), Drums(rate, "cinematic")
    for name, entry in VOICES.items():
        if entry.decay:  # the struck voices are the ones with an attack ramp
            voices.get(name, 60, 0.5)
    for name in DRUMS:
        drums.get(name)
    assert seen and set(seen) == {rate}
