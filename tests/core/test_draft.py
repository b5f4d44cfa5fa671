from __future__ import annotations

import copy

from nemo_desktop.core.draft import AUDIO, TEXT, VIDEO, Draft, Segment, Track

SPEC_EXAMPLE = {
    "d": 12000,
    "m": {"title": "Harbour Walk", "width": 1920, "height": 1080},
    "t": [
        {"tt": 0, "sg": [
            {"st": 0, "d": 7000, "so": 2000, "src": "https://cdn.example/a.mp4", "m": {"name": "harbour_a.mp4"}},
            {"st": 7000, "d": 5000, "src": "https://cdn.example/b.mp4", "m": {"name": "harbour_b.mp4"}},
        ]},
        {"tt": 1, "sg": [{"st": 0, "d": 12000, "src": "https://cdn.example/m.mp3", "v": 0.35,
                          "m": {"name": "Calm piano", "fade_out_ms": 1500}}]},
        {"tt": 7, "sg": [{"st": 0, "d": 3000, "m": {"text": "Harbour Walk", "style": {"color": "#fff"}}}]},
    ],
}


def test_compact_round_trip_is_identical() -> None:
    assert Draft.from_compact(copy.deepcopy(SPEC_EXAMPLE)).to_compact() == SPEC_EXAMPLE


def test_unknown_fields_survive_at_every_level() -> None:
    data = copy.deepcopy(SPEC_EXAMPLE)
    data["canvas"] = {"ratio": "16:9"}
    data["t"][0]["locked"] = True
    data["t"][0]["sg"][0]["fx"] = [{"kind": "blur", "amount": 3}]
    data["t"].append({"tt": 42, "sg": [{"st": 1000, "d": 500, "sticker": "star"}], "z": 9})
    draft = Draft.from_compact(data)
    assert draft.tracks[-1].label == "Other"
    assert draft.to_compact() == data


def test_seconds_and_milliseconds() -> None:
    draft = Draft.from_compact(SPEC_EXAMPLE)
    video = draft.segments_of(VIDEO)
    assert [s.start for s in video] == [0.0, 7.0]
    assert video[0].offset == 2.0 and video[1].end == 12.0
    assert draft.duration == 12.0
    assert draft.segments_of(AUDIO)[0].volume == 0.35
    assert draft.segments_of(TEXT)[0].name == "Harbour Walk"


def test_alias_keys_are_read() -> None:
    seg = Segment.from_compact({"start": 1500, "d": 1000, "url": "u.mp4", "volume": 0.5, "text": "Hi"})
    assert (seg.start, seg.source, seg.volume, seg.name) == (1.5, "u.mp4", 0.5, "Hi")


def test_summary_line() -> None:
    draft = Draft(tracks=[
        Track(VIDEO, [Segment(0, 20, "a.mp4"), Segment(20, 22.4, "b.mp4")]),
        Track(AUDIO, [Segment(0, 42.4, meta={"role": "music", "style": "calm piano", "bpm": 84.2})]),
    ])
    assert draft.summary("en") == "2 clips · 0:42 · music: calm piano 84 BPM"
    assert Draft().summary("en") == "0:00 · no music yet"
    assert draft.without_music().music() is None


def test_empty_draft_is_not_exportable() -> None:
    assert Draft.from_compact({"t": [{"tt": 0, "sg": []}]}).is_empty
    assert not Draft.from_compact(SPEC_EXAMPLE).is_empty
