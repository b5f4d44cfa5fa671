"""build_draft(): clips back to back in whole output frames, audio files on their own track."""

from __future__ import annotations

from fractions import Fraction

import pytest

from nemo_desktop.core.draft import AUDIO, VIDEO, Role
from nemo_desktop.engine.probe import probe
from nemo_desktop.engine.timeline import build_draft, draft_fps, draft_frames, output_geometry


def _segments_contiguous(segs, fps):
    start = 0.0
    for s in segs:
        assert s.start == pytest.approx(start, abs=1e-9)
        frames = s.duration * float(fps)
        assert frames == pytest.approx(round(frames), abs=1e-6)
        start = s.end


def test_mixed_inputs(media):
    clip = probe(media.clip(duration=2.4, size=(320, 180), fps=25).path)
    image = probe(media.image(suffix=".jpg", size=(640, 480)).path)
    gif = probe(media.gif(duration=1.5, fps=10).path)
    song = probe(media.audio(suffix=".mp3", duration=3.0).path)
    draft = build_draft([clip, image, song, gif])
    video = draft.segments_of(VIDEO)
    assert [s.meta["kind"] for s in video] == ["video", "image", "gif"]
    assert [s.duration for s in video] == pytest.approx([2.4, 4.0, 1.5], abs=0.51 / 25)
    _segments_contiguous(video, 25)
    assert draft.meta["width"] == 1920 and draft.meta["height"] == 1080
    assert draft.meta["fps"] == 25.0 and draft_fps(draft) == Fraction(25)
    assert draft.meta["title"] == clip.path.stem
    assert draft.duration == draft.meta["frames"] / 25 == 7.92
    assert video[0].source == str(clip.path) and video[0].meta["has_audio"] is True
    assert {"name", "kind", "width", "height", "fps", "has_audio", "rotation"} <= set(video[0].meta)
    audio = draft.segments_of(AUDIO)
    assert len(audio) == 1 and audio[0].start == 0.0
    assert audio[0].role is Role.CLIP_SOUND and audio[0].meta["kind"] == "audio"
    assert audio[0].duration == pytest.approx(3.0, abs=0.05)
    assert draft.music() is None


def test_image_seconds_parameter(media):
    image = probe(media.image(suffix=".png").path)
    draft = build_draft([image], image_seconds=2.5)
    assert draft.duration == 2.5 and draft.meta["fps"] == 30.0


def test_portrait_first_clip_sets_portrait_output(media):
    portrait = probe(media.clip(duration=1, size=(180, 320), audio=None).path)
    landscape = probe(media.clip(duration=1, size=(320, 180), audio=None).path)
    assert output_geometry([portrait, landscape])[:2] == (1080, 1920)
    assert output_geometry([landscape, portrait])[:2] == (1920, 1080)
    rotated = probe(media.clip(duration=1, size=(320, 180), rotation=90, audio=None).path)
    assert output_geometry([rotated])[:2] == (1080, 1920)


def test_ntsc_duration_is_whole_frames(media):
    a = probe(media.clip(duration=1.2, size=(160, 90), fps=30000 / 1001, audio=None).path)
    b = probe(media.clip(duration=0.8, size=(160, 90), fps=25, audio=None).path)
    draft = build_draft([a, b])
    fps = Fraction(30000, 1001)
    assert draft_fps(draft) == fps
    frames = draft.meta["frames"]
    assert draft.duration == float(Fraction(frames) / fps)
    assert draft_frames(draft) == frames
    _segments_contiguous(draft.segments_of(VIDEO), fps)


def test_frame_rate_capped_at_60(media):
    fast = probe(media.clip(duration=0.5, size=(160, 90), fps=120, audio=None).path)
    assert output_geometry([fast])[2] == Fraction(60)


def test_audio_trimmed_to_pictures_and_sequential(media):
    clip = probe(media.clip(duration=2, size=(160, 90), audio=None).path)
    a = probe(media.audio(suffix=".wav", duration=1.5).path)
    b = probe(media.audio(suffix=".m4a", duration=1.5).path)
    draft = build_draft([a, clip, b])
    segs = draft.segments_of(AUDIO)
    assert segs[0].start == 0 and segs[1].start == pytest.approx(segs[0].end)
    assert segs[1].end == pytest.approx(2.0)
    assert draft.duration == 2.0


def test_audio_only_draft_is_as_long_as_the_sound(media):
    song = probe(media.audio(suffix=".wav", duration=1.5).path)
    draft = build_draft([song])
    assert draft.duration == pytest.approx(1.5, abs=1 / 30)
    assert draft.meta["frames"] == 45


def test_odd_average_rate_becomes_a_whole_number(media):
    import dataclasses

    clip = probe(media.clip(duration=1, size=(160, 90), audio=None).path)
    odd = dataclasses.replace(clip, fps_exact=Fraction(2917, 100), fps=29.17)
    assert output_geometry([odd])[2] == Fraction(29)
