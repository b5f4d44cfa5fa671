"""render(): a 1080p H.264/AAC MP4 as long as the draft, copied when it can be, padded never stretched,
never overwriting, and leaving nothing behind when cancelled or out of space."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections import namedtuple
from pathlib import Path

import av
import numpy as np
import psutil
import pytest

from nemo_desktop.core.errors import DiskFull
from nemo_desktop.engine.audio_io import SAMPLE_RATE, timeline_audio, write_wav
from nemo_desktop.engine.probe import probe
from nemo_desktop.engine.render import plan_render, render
from nemo_desktop.engine.timeline import build_draft
from tests.processes import live_children


def _noop(stage, fraction):
    pass


def describe(path: Path) -> dict:
    """What a person's player would see: sizes, codecs, rates, durations (stream headers + decoded)."""
    with av.open(str(path)) as c:
        v, a = c.streams.video[0], c.streams.audio[0]
        out = {
            "size": (v.width, v.height), "vcodec": v.codec_context.name, "pix_fmt": v.codec_context.pix_fmt,
            "sar": v.sample_aspect_ratio, "fps": v.average_rate, "acodec": a.codec_context.name,
            "rate": a.rate, "channels": a.channels,
            "vdur": float(v.duration * v.time_base), "adur": float(a.duration * a.time_base),
        }
        out["frames"] = sum(1 for _ in c.decode(v))
    return out


def frame_at(path: Path, t: float) -> np.ndarray:
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            if frame.time >= t - 1e-6:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError("no frame")


def _assert_valid(path: Path, draft, size=(1920, 1080)):
    d = describe(path)
    assert d["size"] == size and d["vcodec"] == "h264" and d["pix_fmt"] == "yuv420p"
    assert d["sar"] in (None, 1)
    assert d["acodec"] == "aac" and d["rate"] == SAMPLE_RATE and d["channels"] == 2
    frame = 1 / draft.meta["fps"]
    assert abs(d["vdur"] - draft.duration) <= frame and abs(d["adur"] - draft.duration) <= frame
    assert d["frames"] == draft.meta["frames"]
    return d


async def test_stream_copy_when_the_clip_already_fits(media, tmp_path):
    made = media.clip(duration=2, size=(1920, 1080), cuts=(0.9,))
    draft = build_draft([probe(made.path)])
    assert plan_render(draft).mode == "copy"
    out = await render(draft, None, tmp_path, _noop)
    assert out == tmp_path / f"{made.path.stem}.mp4"
    _assert_valid(out, draft)
    with av.open(str(made.path)) as src, av.open(str(out)) as dst:
        a = [bytes(p) for p in src.demux(src.streams.video[0]) if p.size]
        b = [bytes(p) for p in dst.demux(dst.streams.video[0]) if p.size]
    assert a == b  # the picture is untouched


async def test_mixed_inputs_are_fitted_and_padded(media, tmp_path):
    clip = media.clip(duration=1, size=(1280, 720), fps=25, sources=("color=c=0xd08020",))
    portrait = media.clip(duration=1, size=(180, 320), fps=25, audio=None, sources=("color=c=white",))
    image = media.image(suffix=".png", size=(400, 300), source="color=c=white")
    gif = media.gif(duration=0.8)
    song = media.audio(suffix=".mp3", duration=1.0)
    infos = [probe(p.path) for p in (clip, portrait, image, gif, song)]
    draft = build_draft(infos, image_seconds=1.0)
    assert plan_render(draft).mode == "encode"
    progress: list[tuple[str, float | None]] = []
    out = await render(draft, None, tmp_path, lambda s, f: progress.append((s, f)))
    _assert_valid(out, draft)
    assert progress[-1] == ("render", 1.0) and all(s == "render" for s, _ in progress)
    # 720p fills the frame (same aspect): orange everywhere, nothing stretched or cropped
    px = frame_at(out, 0.5)
    assert px[10, 10, 0] > 150 and px[540, 960, 0] > 150
    # portrait white clip: black bars left and right, white centred column 608 px wide
    px = frame_at(out, 1.5)
    assert px[540, 100].max() < 20 and px[540, 1820].max() < 20
    assert px[540, 960].min() > 200 and px[540, 960 - 290].min() > 200 and px[540, 960 - 320].max() < 20
    # 4:3 image: pillarbox, content centred 1440 px wide
    px = frame_at(out, 2.5)
    assert px[540, 200].max() < 20 and px[540, 1720].max() < 20 and px[540, 300].min() > 200


async def test_portrait_first_clip_gives_portrait_output(media, tmp_path):
    made = media.clip(duration=1, size=(320, 180), rotation=90, audio=None, sources=("color=c=white",))
    landscape = media.clip(duration=0.6, size=(320, 180), audio=None, sources=("color=c=white",))
    draft = build_draft([probe(made.path), probe(landscape.path)])
    out = await render(draft, None, tmp_path, _noop)
    _assert_valid(out, draft, size=(1080, 1920))
    px = frame_at(out, 0.5)
    assert px[960, 540].min() > 200 and px[960, 20].min() > 200  # rotated clip fills the portrait frame
    px = frame_at(out, 1.3)
    assert px[100, 540].max() < 20 and px[960, 540].min() > 200  # landscape clip letterboxed


async def test_given_wav_is_muxed_to_exact_length(media, tmp_path):
    made = media.clip(duration=1.2, size=(320, 180), audio=None)
    draft = build_draft([probe(made.path)])
    n = int(round(draft.duration * SAMPLE_RATE)) - 2000  # a little short: must be padded
    t = np.arange(n) / SAMPLE_RATE
    wav = write_wav(tmp_path / "mix.wav", np.stack([np.sin(2 * np.pi * 440 * t)] * 2, 1).astype(np.float32) * 0.3)
    out = await render(draft, wav, tmp_path / "out", _noop, stem="名字 with space")
    assert out.name == "名字 with space.mp4"
    _assert_valid(out, draft)
    with av.open(str(out)) as c:
        sound = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])
    assert np.abs(sound[SAMPLE_RATE // 2 : SAMPLE_RATE]).max() > 0.2


def test_timeline_audio_places_sound_at_segment_start(media):
    image = probe(media.image(suffix=".png").path)
    clip = probe(media.clip(duration=1, size=(160, 90)).path)
    draft = build_draft([image, clip], image_seconds=1.0)
    sound = timeline_audio(draft)
    assert sound.shape == (int(round(draft.duration * SAMPLE_RATE)), 2) and sound.dtype == np.float32
    assert np.abs(sound[: SAMPLE_RATE - 100]).max() == 0.0
    assert np.abs(sound[SAMPLE_RATE + 2000 :]).max() > 0.1


async def test_existing_file_is_never_overwritten(media, tmp_path):
    made = media.clip(duration=0.5, size=(160, 90), audio=None)
    existing = tmp_path / f"{made.path.stem}.mp4"
    existing.write_bytes(b"precious")
    os.utime(existing, (1_000_000, 1_000_000))
    draft = build_draft([probe(made.path)])
    out = await render(draft, None, tmp_path, _noop)
    assert out.name == f"{made.path.stem} (2).mp4"
    assert existing.read_bytes() == b"precious" and existing.stat().st_mtime == 1_000_000
    assert not list(tmp_path.glob("*.part"))


def _ffmpeg_children() -> list[psutil.Process]:
    return live_children("ffmpeg")


async def test_cancel_mid_export_leaves_nothing(media, tmp_path):
    image = probe(media.image(suffix=".png", size=(1920, 1080)).path)
    draft = build_draft([image], image_seconds=120.0)
    seen: list[float | None] = []
    task = asyncio.create_task(render(draft, None, tmp_path, lambda s, f: seen.append(f)))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if _ffmpeg_children():
            break
    await asyncio.sleep(1.0)
    assert _ffmpeg_children(), "ffmpeg should be running"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.2)
    assert _ffmpeg_children() == []
    assert list(tmp_path.iterdir()) == []


Usage = namedtuple("Usage", "total used free")


async def test_free_space_preflight(media, tmp_path):
    image = probe(media.image(suffix=".png").path)
    draft = build_draft([image], image_seconds=60.0)  # ~100 MB estimated
    with pytest.raises(DiskFull) as caught:
        await render(draft, None, tmp_path, _noop, disk_usage=lambda p: Usage(10 << 20, 5 << 20, 5 << 20))
    assert "5 MB is free" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


async def test_disk_full_mid_write(media, tmp_path):
    """A tiny tmpfs fills up while ffmpeg writes: DiskFull and no .part (root only, where mount works)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs")
    if os.system(f"mount -t tmpfs -o size=256k tmpfs '{mount}' 2>/dev/null") != 0:
        pytest.skip("this sandbox refuses mount")
    try:
        made = media.clip(duration=2, size=(640, 360), audio=None)
        draft = build_draft([probe(made.path)])
        with pytest.raises(DiskFull):
            await render(draft, None, mount, _noop, disk_usage=lambda p: Usage(1 << 40, 0, 1 << 40))
        assert list(mount.iterdir()) == []
    finally:
        os.system(f"umount '{mount}'")


async def test_trimmed_segment_renders_exact_frames(media, tmp_path):
    made = media.clip(duration=3, size=(320, 180), fps=25, cuts=(1.6,), sources=("color=c=white", "color=c=black"))
    draft = build_draft([probe(made.path)])
    seg = draft.segments_of(0)[0]
    seg.offset, seg.duration = 1.0, 1.2
    draft.explicit_duration = 1.2
    draft.meta["frames"] = 30
    assert plan_render(draft).mode == "encode"
    out = await render(draft, None, tmp_path, _noop)
    _assert_valid(out, draft)
    assert frame_at(out, 0.5)[540, 960].min() > 200 and frame_at(out, 0.7)[540, 960].max() < 30


async def test_audio_only_draft_gets_a_black_picture(media, tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdout", None)  # as in a windowed build: nothing may print
    monkeypatch.setattr("sys.stderr", None)
    song = probe(media.audio(suffix=".m4a", duration=1.0).path)
    draft = build_draft([song])
    out = await render(draft, None, tmp_path, _noop)
    _assert_valid(out, draft)
    assert frame_at(out, 0.5).max() < 20
