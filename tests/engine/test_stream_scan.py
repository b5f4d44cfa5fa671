"""Analysis from the compressed stream: the same cuts as a full decode, on their exact frames, from a small
part of the frames; no false cuts on busy shots and dissolves; the full decode when the stream says nothing."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from nemo_desktop.core.events import no_progress
from nemo_desktop.engine.analysis import packets as pk
from nemo_desktop.engine.analysis.scanner import Scanner
from nemo_desktop.engine.probe import probe
from tests.media import ffmpeg

SMALL = (192, 108)
LIFE = "life=mold=10:ratio=0.5"
SHOTS = ("testsrc2", "mandelbrot", LIFE, "smptebars", "color=c=0xd08020", "rgbtestsrc")
HALF_FRAME = 1 / 30 / 2 + 1e-6


def _scan(path):
    scanner = Scanner(probe(path), no_progress, None, None)
    return scanner, scanner.run()


def _full_decode_cuts(path):
    """Today's rule over every frame: the reference the fast path must match."""
    scanner = Scanner(probe(path), no_progress, None, None)
    scanner._decode_every_frame()
    return scanner._cuts_and_motion()[0], scanner.frames_read


def _assert_exact(found, truth):
    assert len(found) == len(truth), (found, truth)
    for f, t in zip(found, truth, strict=True):
        assert abs(f - t) < HALF_FRAME, (found, truth)


@pytest.mark.parametrize("encoding", [
    {"gop": 60, "x264_params": "scenecut=0", "preset": "veryfast"},  # B frames, cuts inside GOPs, one on a keyframe
    {"gop": 60, "x264_params": "scenecut=0", "preset": "ultrafast"},  # P frames only
    {"preset": "veryfast"},  # x264 puts a keyframe on each cut
])
def test_same_cuts_as_the_full_decode_on_and_off_keyframes(media, encoding):
    cuts = (3.5, 10.0, 16.1, 26.0)  # 10.0 s = frame 300, a regular keyframe with gop 60
    made = media.clip(duration=40, size=SMALL, fps=30, cuts=cuts, audio=None, sources=SHOTS, **encoding)
    scanner, result = _scan(made.path)
    assert scanner.stream is not None, scanner.fallback
    _assert_exact(result.cuts, made.cuts)
    full, every = _full_decode_cuts(made.path)
    assert result.cuts == full
    assert scanner.frames_read < 0.6 * every  # the fast path reads a fraction of the frames


def test_few_cuts_decode_few_frames(media):
    made = media.clip(duration=40, size=SMALL, fps=30, cuts=(12.0, 27.3667), audio=None,
                      sources=("testsrc2", "smptebars", "rgbtestsrc"), preset="veryfast")
    scanner, result = _scan(made.path)
    assert scanner.stream is not None, scanner.fallback
    _assert_exact(result.cuts, made.cuts)
    assert scanner.frames_read < 0.25 * 1200
    assert result.brightness.times and result.motion.mean() > 0.0


def test_no_false_cuts_on_busy_shots(media):
    made = media.clip(duration=40, size=SMALL, fps=30, cuts=(10.0, 20.0, 30.0), audio=None, preset="veryfast",
                      sources=("mandelbrot", LIFE, "testsrc2", "mandelbrot"))
    scanner, result = _scan(made.path)
    assert scanner.stream is not None, scanner.fallback
    _assert_exact(result.cuts, made.cuts)
    full, _ = _full_decode_cuts(made.path)
    assert result.cuts == full


def test_a_dissolve_is_not_a_cut(media):
    made = media.dissolve(duration=30, fade_at=8.0, fade=1.0, cut=20.0, size=SMALL)
    scanner, result = _scan(made.path)
    assert scanner.stream is not None, scanner.fallback
    _assert_exact(result.cuts, made.cuts)


def test_all_intra_falls_back_to_the_full_decode_and_says_so(media, caplog):
    made = media.clip(duration=12, size=SMALL, fps=30, cuts=(2.5, 6.0, 8.3667), audio=None, gop=1, sources=SHOTS)
    with caplog.at_level(logging.INFO, logger="nemo_desktop.engine.analysis.scanner"):
        scanner, result = _scan(made.path)
    assert scanner.stream is None and "intra-only" in (scanner.fallback or "")
    assert any("full decode" in r.getMessage() and "intra-only" in r.getMessage() for r in caplog.records)
    _assert_exact(result.cuts, made.cuts)


def test_framecrc_listing_parsed_in_display_order():
    text = "\n".join([
        "#tb 0: 1/15360", "#media_type 0: video",
        "0,      -1024,          0,      512,     5705, 0x4693d05a",
        "0,       -512,       1024,      512,     1011, 0x4ccbe5a8, F=0x0",
        "0,          0,        512,      512,       45, 0xa8fb13f5, F=0x0",
        "0,        512,       1536,      512,     9000, 0x55628ec2",
    ])
    packets = pk.parse_framecrc(text)
    assert packets.pts.tolist() == [0, 512, 1024, 1536]
    assert packets.size.tolist() == [5705, 45, 1011, 9000]
    assert packets.key.tolist() == [True, False, False, True]
    assert pk.frame_numbers(packets, 30.0).tolist() == [0, 1, 2, 3]
    gappy = pk.Packets(np.array([0, 512, 1536]), np.ones(3, np.int64), np.ones(3, bool), packets.time_base)
    with pytest.raises(pk.NoSignal):
        pk.frame_numbers(gappy, 30.0)


def test_ntsc_rate_and_matroska_give_the_full_decode_cuts(media, tmp_path):
    """29.97 fps in MP4 goes the fast way; the same stream in Matroska (millisecond timestamps, video
    starting after the sound) must give the full decode's cuts whichever way it goes."""
    made = media.clip(duration=40, size=SMALL, fps=30000 / 1001, cuts=(5.005, 12.012, 25.0584), audio="sine",
                      preset="veryfast", sources=("testsrc2", "mandelbrot", "smptebars", "rgbtestsrc"))
    scanner, result = _scan(made.path)
    assert scanner.stream is not None, scanner.fallback
    assert result.cuts == _full_decode_cuts(made.path)[0]
    mkv = tmp_path / "copy.mkv"
    ffmpeg("-i", str(made.path), "-c", "copy", str(mkv))
    scanner, result = _scan(mkv)
    assert result.cuts == _full_decode_cuts(mkv)[0]


def test_grainy_footage_falls_back_and_keeps_its_cut(media, caplog):
    """Grain makes every picture cost nearly a keyframe, so a cut does not show in the sizes: the full
    decode runs (and says so) rather than a fast path that would miss the cut."""
    made = media.noisy_pan(duration=16, cut=9.5667, size=(320, 180))
    with caplog.at_level(logging.INFO, logger="nemo_desktop.engine.analysis.scanner"):
        scanner, result = _scan(made.path)
    assert scanner.stream is None and "noise" in (scanner.fallback or "")
    assert any("full decode" in r.getMessage() for r in caplog.records)
    _assert_exact(result.cuts, made.cuts)
