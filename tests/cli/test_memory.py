"""Bounded memory (issues 16 and 18): a 3-minute ``make`` (clip sound, speech, music, mix, stems) needs
hardly more memory than a 1-minute one (whose music windows and mix blocks are already full size). The
whole-programme pipeline held ~10 copies of the programme (48 kHz stereo float32, 23 MB a minute each: the
clip sound, four stems, the room, the mix…), so it grew by ~450 MB here; the bound lets the 3-minute run grow
by 1.5 copies of the two extra minutes, plus the sampler's cache of pitched samples, which a longer piece
fills further but never past its fixed size (``sampler.CACHE_BYTES``): a sampled peak moves by tens of MB
from run to run with the allocator, so the bound leaves room for that and still catches the old growth.
Resident memory of the whole process tree (the CLI and its ffmpeg children), sampled every 50 ms."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from nemo_desktop.engine.music.sampler import CACHE_BYTES
from tests.media import ffmpeg, make_clip
from tests.process_memory import tree_peak_mb

PIECE_S, SHORT_S, LONG_S = 10.0, 60.0, 180.0
PROGRAMME_BYTES_PER_S = 48000 * 2 * 4  # one copy of the programme: 48 kHz stereo float32


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A 10 s 1080p piece (cuts, speech) repeated into 1 and 3 minutes (stream copy: cheap to make, and
    the export stream-copies both, so x264 does not enter the comparison)."""
    folder = tmp_path_factory.mktemp("memory-media")
    piece = make_clip(folder / "piece.mp4", PIECE_S, cuts=(3.0, 6.5), audio="speech", speech_at=(1.0,)).path
    made = []
    for seconds in (SHORT_S, LONG_S):
        listing = folder / f"list-{seconds:.0f}.txt"
        listing.write_text(f"file '{piece}'\n" * int(seconds / PIECE_S))
        made.append(folder / f"clip-{seconds:.0f}.mp4")
        ffmpeg("-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(made[-1]))
    return made[0], made[1]


def _peak_mb(clip: Path, home: Path) -> float:
    env = {**os.environ, "NEMO_HOME": str(home), "NEMO_API_URL": "http://127.0.0.1:9"}
    proc = psutil.Popen([sys.executable, "-m", "nemo_desktop", "make", str(clip), "--prompt", "upbeat pop",
                         "--engine", "builtin", "--seed", "4", "--out", str(home / "out"), "--stems"],
                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = tree_peak_mb(proc, timeout=600)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert len(list((home / "out").glob("*.wav"))) == 5  # the stems were written too
    return peak


def test_a_long_make_needs_no_more_memory_than_a_short_one(clips: tuple[Path, Path], tmp_path: Path) -> None:
    short, long = clips
    base = _peak_mb(short, tmp_path / "short")
    grown = _peak_mb(long, tmp_path / "long") - base
    bound = (1.5 * (LONG_S - SHORT_S) * PROGRAMME_BYTES_PER_S + CACHE_BYTES) / 2**20  # 66 + 48 MB
    assert grown < bound, f"1 min: {base:.0f} MB; 3 min: {base + grown:.0f} MB (+{grown:.0f}, bound {bound:.0f})"
