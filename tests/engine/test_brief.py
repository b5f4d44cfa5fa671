"""Brief parsing as people type it, in English and Chinese, and the video deciding when words are silent."""

from __future__ import annotations

import pytest

from nemo_desktop.engine.music.styles import STYLES
from nemo_desktop.engine.prompt import MusicBrief, VideoTraits, make_brief, parse_duration_request, refine


@pytest.mark.parametrize(
    ("prompt", "style", "check"),
    [
        ("calm relaxing piano", "calm_piano", lambda b: not b.drums and "piano" in b.instruments),
        ("平静的钢琴", "calm_piano", lambda b: "piano" in b.instruments),
        ("upbeat happy music", "upbeat_pop", lambda b: b.mode == "major" and b.drums),
        ("欢快一点的音乐", "upbeat_pop", lambda b: b.mood == "happy"),
        ("epic cinematic trailer", "cinematic", lambda b: b.mood == "epic"),
        ("史诗感", "cinematic", lambda b: b.mood == "epic"),
        ("sad melancholic", "sad", lambda b: b.mode == "minor" and b.mood == "sad"),
        ("伤感", "sad", lambda b: b.mode == "minor"),
        ("romantic", "romantic", lambda b: b.mood == "romantic" and b.mode == "major"),
        ("浪漫", "romantic", lambda b: b.mood == "romantic"),
        ("lo-fi beats", "lofi", lambda b: b.drums),
        ("like a travel vlog", "travel", lambda b: b.drums),
        ("旅行视频", "travel", lambda b: b.drums),
        ("corporate", "corporate", lambda b: b.drums),
        ("guitar", "acoustic", lambda b: "guitar" in b.instruments),
        ("吉他", "acoustic", lambda b: "guitar" in b.instruments),
        ("strings", "cinematic", lambda b: "strings" in b.instruments),
        ("synth", "electronic", lambda b: "synth" in b.instruments),
        ("ambient", "ambient", lambda b: not b.drums),
        ("upbeat pop, no drums", "upbeat_pop", lambda b: not b.drums),
        ("欢快 不要鼓", "upbeat_pop", lambda b: not b.drums),
        ("calm piano 120 BPM", "calm_piano", lambda b: b.bpm == 120.0 and b.bpm_range == (120.0, 120.0)),
        ("calm piano, fade out at the end", "calm_piano", lambda b: b.fade_out),
        ("epic, more energy at the end", "cinematic", lambda b: b.intensity[-2][1] > b.intensity[1][1]),
        ("史诗 结尾更有活力", "cinematic", lambda b: b.intensity[-2][1] > b.intensity[1][1]),
    ],
)
def test_prompt_words(prompt: str, style: str, check) -> None:
    brief = make_brief(prompt, VideoTraits(duration=20.0))
    assert brief.style == style
    assert brief.style in STYLES
    assert check(brief), brief


def test_end_energy_raises_the_ending() -> None:
    plain = make_brief("epic", VideoTraits(duration=20.0))
    boosted = make_brief("epic, more energy at the end", VideoTraits(duration=20.0))
    assert boosted.intensity[-2][1] > plain.intensity[-2][1]


def test_video_decides_when_words_are_silent() -> None:
    busy = make_brief("", VideoTraits(duration=30, motion=0.9, cut_rate=40, brightness=0.7, warmth=0.4))
    still = make_brief("", VideoTraits(duration=30, motion=0.05, cut_rate=1, brightness=0.6, warmth=0.2))
    assert busy.target_bpm() > still.target_bpm() + 15
    assert busy.energy > still.energy
    assert busy.drums and not still.drums
    dark = make_brief("", VideoTraits(duration=30, motion=0.3, brightness=0.15, warmth=-0.7))
    bright = make_brief("", VideoTraits(duration=30, motion=0.3, brightness=0.8, warmth=0.5))
    assert dark.mode == "minor" and bright.mode == "major"


def test_no_traits_is_fine() -> None:
    brief = make_brief("", None)
    assert brief.style in STYLES and brief.bpm_range[0] <= brief.bpm_range[1]


def test_summary_both_languages() -> None:
    brief = MusicBrief(
        style="calm_piano", mood="calm", bpm_range=(72, 84), key="D", mode="major", drums=False
    )
    assert brief.summary("en") == "calm piano · D major · 72–84 BPM · no drums"
    assert brief.summary("zh_CN") == "平静钢琴 · D 大调 · 72–84 BPM · 无鼓"
    pop = make_brief("upbeat pop", None)
    assert "no drums" not in pop.summary() and "BPM" in pop.summary("zh_CN")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("faster", "tempo"),
        ("快一点", "tempo"),
        ("slower", "tempo"),
        ("慢一点", "tempo"),
        ("calmer", "calmer"),
        ("平静一点", "calmer"),
        ("more energy", "livelier"),
        ("更有活力", "livelier"),
        ("more energy at the end", "end_energy"),
        ("结尾更有活力", "end_energy"),
        ("no drums", "drums"),
        ("不要鼓", "drums"),
        ("add drums", "drums_already"),
        ("another variation", "variation"),
        ("换一个", "variation"),
        ("quieter music", "gain"),
        ("音乐小声一点", "gain"),
        ("louder music", "gain"),
        ("音乐大声一点", "gain"),
        ("different style: lo-fi", "style"),
        ("换成史诗风格", "style"),
        ("remove the music", "remove"),
        ("去掉音乐", "remove"),
    ],
)
def test_refinements(text: str, kind: str) -> None:
    brief = make_brief("upbeat pop", VideoTraits(duration=20.0))
    result = refine(brief, text)
    assert result is not None and kind in result.kinds, (text, result)
    new, kinds = result  # unpacks as (brief, kinds)
    assert kinds == list(result.kinds)
    assert result.describe("en") and result.describe("zh_CN")
    if text in ("faster", "快一点"):
        assert new.target_bpm() > brief.target_bpm()
    if text in ("slower", "慢一点"):
        assert new.target_bpm() < brief.target_bpm()
    if text in ("no drums", "不要鼓"):
        assert not new.drums
    if text in ("quieter music", "音乐小声一点"):
        assert new.music_gain_db < 0
    if text in ("louder music", "音乐大声一点"):
        assert new.music_gain_db > 0
    if text == "different style: lo-fi":
        assert new.style == "lofi"
    if text == "换成史诗风格":
        assert new.style == "cinematic"


def test_refine_ignores_non_music_text() -> None:
    brief = make_brief("calm", None)
    assert refine(brief, "export the video please") is None
    assert refine(brief, "") is None


def test_refine_add_drums_to_calm() -> None:
    brief = make_brief("calm piano", None)
    result = refine(brief, "add drums")
    assert result is not None and result.brief.drums


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("a 30 second upbeat intro", 30.0),
        ("30秒", 30.0),
        ("1 minute", 60.0),
        ("1分钟", 60.0),
        ("45s calm", 45.0),
        ("1 minute 30 seconds", 90.0),
        ("半分钟", 30.0),
        ("calm piano", None),
        ("120 BPM", None),
    ],
)
def test_duration_requests(text: str, seconds: float | None) -> None:
    assert parse_duration_request(text) == seconds
