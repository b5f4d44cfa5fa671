"""Our SoundFont 2 reader and sampler on a bank the test writes: one preset, one looped sine sample — the
pitch follows the key, the loop sustains past the sample's end, zone and note pans add, a broken file is
refused, and a person's .sf2 plays through soundfont.render_stems."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from nemo_desktop.engine.music import sampler, sf2, soundfont
from nemo_desktop.engine.music.score import Note, Score

SR = 48000
RATE = 44100
ROOT = 69  # the sample is an A at 441 Hz (100 samples per cycle at 44.1 kHz: a seamless loop)


def chunk(cid: bytes, body: bytes) -> bytes:
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


def write_bank(path: Path, pan: int = 0, programs: tuple[int, ...] = (0, 46)) -> None:
    """A minimal .sf2: presets ``programs`` (bank 0), each → one instrument → one looped 0.5 s sine zone."""
    n = RATE // 2
    sine = np.round(np.sin(2 * np.pi * 441 * np.arange(n) / RATE) * 16000).astype("<i2")
    smpl = sine.tobytes() + bytes(2 * 46)
    phdr = b"".join(struct.pack("<20sHHHIII", b"p", prog, 0, k, 0, 0, 0) for k, prog in enumerate(programs))
    phdr += struct.pack("<20sHHHIII", b"EOP", 0, 0, len(programs), 0, 0, 0)
    pbag = b"".join(struct.pack("<HH", k, 0) for k in range(len(programs) + 1))
    pgen = struct.pack("<Hh", 41, 0) * len(programs) + struct.pack("<Hh", 0, 0)
    inst = struct.pack("<20sH", b"i", 0) + struct.pack("<20sH", b"EOI", 1)
    ibag = struct.pack("<HH", 0, 0) + struct.pack("<HH", 3, 0)
    igen = struct.pack("<Hh", 17, pan) + struct.pack("<Hh", 54, 1) + struct.pack("<Hh", 53, 0) + bytes(4)
    shdr = struct.pack("<20sIIIIIBbHH", b"sine", 0, n, 100, n - 100, RATE, ROOT, 0, 0, 1) + bytes(46)
    pdta = b"pdta" + b"".join(
        chunk(cid, body)
        for cid, body in ((b"phdr", phdr), (b"pbag", pbag), (b"pmod", bytes(10)), (b"pgen", pgen), (b"inst", inst),
                          (b"ibag", ibag), (b"imod", bytes(10)), (b"igen", igen), (b"shdr", shdr))
    )
    info = b"INFO" + chunk(b"ifil", struct.pack("<HH", 2, 1)) + chunk(b"INAM", b"test\0\0")
    body = b"sfbk" + chunk(b"LIST", info) + chunk(b"LIST", b"sdta" + chunk(b"smpl", smpl)) + chunk(b"LIST", pdta)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def score_of(note: Note, duration: float = 3.0) -> Score:
    return Score(bpm=100, key="A", mode="minor", style="calm_piano", seed=0, duration=duration, fps=25,
                 beats=(0.0,), bars=(0.0,), sections=(("main", 0.0, duration),), notes={"melody": (note,)})


def test_the_reader_resolves_the_zone(tmp_path: Path) -> None:
    path = tmp_path / "sine.sf2"
    write_bank(path, pan=250)
    bank = sf2.read(path)
    zone = bank.presets[(0, 0)][0]
    assert (zone.keys, zone.vels, zone.root, zone.mode, zone.rate) == ((0, 127), (0, 127), ROOT, 1, RATE)
    assert (zone.loop_start, zone.loop_end, zone.pan) == (100, RATE // 2 - 100, 0.5)
    assert bank.read_pcm(zone.sample).shape == (RATE // 2,)


def test_pitch_follows_the_key_and_the_loop_sustains(tmp_path: Path) -> None:
    path = tmp_path / "sine.sf2"
    write_bank(path)
    bank = sf2.read(path)
    x = sampler.play_stems(score_of(Note(0.2, 2.0, ROOT + 12, 0.8, "piano")), SR, 0, 3 * SR, bank, True)["melody"]
    mono = x.mean(axis=1).astype(np.float64)
    late = mono[int(1.5 * SR) : int(2.0 * SR)]  # well past the 0.5 s sample: the loop holds the note
    spectrum = np.abs(np.fft.rfft(late * np.hanning(len(late))))
    assert abs(np.argmax(spectrum) * SR / len(late) - 882) < 4
    assert np.sqrt(np.mean(late**2)) > 0.3 * np.sqrt(np.mean(mono[int(0.3 * SR) : int(0.8 * SR)] ** 2))
    assert mono[-SR // 2 :].max() < 1e-4  # released after 2.2 s: gone before the end


def test_zone_and_note_pans_add(tmp_path: Path) -> None:
    path = tmp_path / "pan.sf2"
    write_bank(path, pan=250)  # the zone at +0.5, the note at -0.2: +0.3 in all
    bank = sf2.read(path)
    x = sampler.play_stems(score_of(Note(0.2, 1.0, ROOT, 0.8, "piano", -0.2)), SR, 0, 3 * SR, bank, True)["melody"]
    left, right = np.sqrt((x.astype(np.float64) ** 2).mean(axis=0))
    angle = (0.3 + 1) * np.pi / 4
    assert right / left == pytest.approx(np.sin(angle) / np.cos(angle), rel=0.01)


@pytest.mark.parametrize("damage", ["truncated", "not riff"])
def test_a_broken_file_is_refused(damage: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.sf2"
    write_bank(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"RIFX" + data[4:])
    with pytest.raises(sf2.BankError):
        sf2.read(path)
    with pytest.raises(soundfont.SoundFontUnavailable):
        soundfont.render_stems(score_of(Note(0.2, 1.0, ROOT, 0.8, "piano")), path, SR)


def test_a_users_sf2_plays_the_voices_it_has(tmp_path: Path) -> None:
    """A note of a voice the bank has a preset for is played from its sample (here a pure sine)."""
    path = tmp_path / "mine.sf2"
    write_bank(path)
    score = score_of(Note(0.2, 1.0, ROOT, 0.8, "piano"))
    stems = soundfont.render_stems(score, path, SR)
    mono = stems["melody"].mean(axis=1)[int(0.3 * SR) : int(0.8 * SR)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(mono * np.hanning(len(mono))))
    assert abs(np.argmax(spectrum) * SR / len(mono) - 441) < 4
    assert spectrum[int(882 * len(mono) / SR)] < 0.01 * spectrum.max()  # a pure sine: the bank's, not a piano


def test_a_users_bank_plays_window_by_window(tmp_path: Path) -> None:
    """soundfont.player is a window player (play_stems' signature) whose windows join into the whole."""
    path = tmp_path / "mine.sf2"
    write_bank(path)
    notes = tuple(Note(0.1 + 0.4 * k, 0.7, ROOT + k, 0.8, "piano") for k in range(6))
    score = Score(bpm=100, key="A", mode="minor", style="calm_piano", seed=0, duration=3.0, fps=25, beats=(0.0,),
                  bars=(0.0,), sections=(("main", 0.0, 3.0),), notes={"melody": notes})
    whole = soundfont.raw_stems(score, path, SR)["melody"]
    play = soundfont.player(score, path, SR)
    joined = np.concatenate([play(score, SR, s, min(SR // 3, 3 * SR - s))["melody"] for s in range(0, 3 * SR, SR // 3)])
    assert joined.tobytes() == whole.tobytes() and np.abs(whole).max() > 0.01
