"""The score played by a person's own General-MIDI SoundFont (optional): same length, same timing, same
ending, a clear fallback when the bank cannot be used. Uses Debian's FluidR3Mono GM bank (MIT, an .sf3: its
samples decoded through the bundled ffmpeg), installed for the tests; the .sf2 path is in test_sf2.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nemo_desktop.core.events import Notice
from nemo_desktop.core.session import Session
from nemo_desktop.engine.backend import LocalBackend
from nemo_desktop.engine.mix import mix, music_only, true_peak_db
from nemo_desktop.engine.music import soundfont
from nemo_desktop.engine.music.compose import compose
from nemo_desktop.engine.music.sampler import render_stems
from nemo_desktop.engine.prompt import VideoTraits, make_brief, refine
from nemo_desktop.settings import Settings
from tests.engine.test_compose import IRREGULAR, hit_rate
from tests.sound_measures import onsets

BANK = Path("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3")
needs_bank = pytest.mark.skipif(
    not BANK.is_file(), reason="the FluidR3Mono GM bank is not installed (scripts/system-packages)"
)
SR = 48000


@needs_bank
@pytest.mark.parametrize("prompt", ["upbeat pop", "calm piano", "cinematic"])
def test_the_bank_plays_the_same_score_on_the_cuts_with_an_ending(prompt: str) -> None:
    brief = make_brief(prompt, VideoTraits(duration=16.0))
    score = compose(brief, 16.0, IRREGULAR, 30.0, 1)
    stems = soundfont.render_stems(score, BANK, SR)
    n = round(16.0 * SR)
    assert all(s.shape == (n, 2) and s.dtype == np.float32 for s in stems.values())
    for name in ("bass", "chords", "melody"):
        assert np.sqrt(np.mean(stems[name] ** 2)) > 1e-3, name
    music = music_only(stems)
    rate, median = hit_rate(IRREGULAR, onsets(music))
    assert rate >= 0.9 and median <= 0.02, (rate, median)
    last = np.sqrt(np.mean(music[-SR // 10 :] ** 2))
    before = np.sqrt(np.mean(music[-int(2.1 * SR) : -SR // 10] ** 2))
    assert last < before * 0.5  # it rings out and fades, no chop
    assert true_peak_db(mix(stems, None, ())) <= -1.0


@needs_bank
def test_same_seed_same_bytes_and_no_drums_means_silent_drums() -> None:
    brief = make_brief("lo-fi", VideoTraits(duration=8.0))
    score = compose(brief, 8.0, [3.0], 30.0, 7)
    a, b = soundfont.render_stems(score, BANK, SR), soundfont.render_stems(score, BANK, SR)
    assert all(a[k].tobytes() == b[k].tobytes() for k in a)
    quiet = refine(brief, "no drums")
    assert quiet is not None
    stems = soundfont.render_stems(compose(quiet.brief, 8.0, [3.0], 30.0, 7), BANK, SR)
    assert not np.any(stems["drums"]) and np.any(stems["chords"])


@pytest.mark.parametrize("kind", ["missing", "not a bank", "corrupt"])
async def test_an_unusable_bank_falls_back_with_a_notice(kind: str, tmp_path: Path, media) -> None:
    bank = tmp_path / "my bank.sf2"
    if kind == "not a bank":
        bank.write_text("this is not a SoundFont")
    elif kind == "corrupt":  # a real header, then tables that point past their ends
        body = b"sfbk" + b"LIST" + (40).to_bytes(4, "little") + b"pdta" + b"phdr" + (76).to_bytes(4, "little")
        bank.write_bytes(b"RIFF" + len(body).to_bytes(4, "little") + body + bytes(20))
    clip = media.clip(duration=3, size=(192, 108), audio=None).path
    events: list = []
    session = Session(LocalBackend(Settings(soundfont=str(bank)), seed=3), events.append, output_dir=lambda: tmp_path)
    await session.start()
    await session.add_media([clip])
    await session.send("calm piano")
    notices = [e for e in events if isinstance(e, Notice)]
    assert len(notices) == 1 and notices[0].level == "warning" and "my bank.sf2" in notices[0].text
    assert session.draft.music() is not None  # the built-in instruments played it
    await session.send("faster")
    assert len([e for e in events if isinstance(e, Notice)]) == 1  # said once, not on every change
    await session.aclose()


@needs_bank
async def test_the_engine_uses_the_configured_bank(tmp_path: Path, media) -> None:
    clip = media.clip(duration=3, size=(192, 108), audio=None).path
    events: list = []
    backend = LocalBackend(Settings(soundfont=str(BANK)), seed=3)
    session = Session(backend, events.append, output_dir=lambda: tmp_path)
    await session.start()
    await session.add_media([clip])
    await session.send("upbeat pop")
    assert session.draft.music() is not None and not [e for e in events if isinstance(e, Notice)]
    music = backend.project.music
    assert music is not None
    ours = render_stems(music.score, SR)  # by default the lead is our numpy voice; a user's bank plays it
    corr = np.corrcoef(ours["melody"].ravel(), music.stems["melody"].ravel())[0, 1]
    assert abs(corr) < 0.5, corr
    video = await session.export()
    stems = await backend.write_stems(video)
    assert len(stems) == 6 and all(p.stat().st_size > 0 for p in stems)
    await session.aclose()
