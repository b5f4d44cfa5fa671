"""The CLI's progress bar: elapsed time and an honest ETA in a terminal, labels cut between words, plain
lines elsewhere."""

from __future__ import annotations

import io
import time

import pytest

from nemo_desktop.cli.progress_bar import ProgressBar, clock_text, fit_label, text_width


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def last_line(stream: io.StringIO) -> str:
    """What the terminal shows now: the text after the last carriage return."""
    return stream.getvalue().split("\r")[-1].rstrip("\n").rstrip(" ")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def tty_bar(clock: Clock, columns: int = 100) -> tuple[ProgressBar, FakeTty]:
    stream = FakeTty()
    return ProgressBar(stream, clock=clock, columns=columns), stream


def test_the_line_shows_elapsed_time_and_what_is_left(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Composing the music", 0.0)
    clock.now += 12
    bar.update("Composing the music", 0.42)
    # 42 % in 12 s: the other 58 % take 12 × 0.58 / 0.42 ≈ 16.6 s, shown rounded up.
    assert last_line(stream) == "[###########.................]  42%  0:12 elapsed, ~0:17 left  Composing the music"
    assert "\n" not in stream.getvalue()


def test_no_estimate_before_three_percent(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Rendering the video", 0.0)
    clock.now += 5
    bar.update("Rendering the video", 0.02)
    assert last_line(stream).endswith("0:05 elapsed  Rendering the video")
    assert "left" not in stream.getvalue()


def test_no_estimate_in_the_first_second(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Mixing the sound", 0.0)
    clock.now += 0.6
    bar.update("Mixing the sound", 0.5)
    assert "left" not in last_line(stream)
    clock.now += 0.6
    bar.update("Mixing the sound", 0.6)
    assert "0:01 elapsed, ~0:01 left" in last_line(stream)  # 1.2 s for 60 %: 0.8 s to go


def test_no_estimate_when_the_fraction_is_unknown(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Waiting for the cloud", None)
    clock.now += 30
    bar.update("Waiting for the cloud", None)
    line = last_line(stream)
    assert line.startswith("[" + "." * 28 + "]")
    assert "0:30 elapsed  Waiting for the cloud" in line and "left" not in line and "%" not in line


def test_the_estimate_belongs_to_the_stage_and_the_elapsed_time_to_the_run(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Composing the music", 0.0)
    clock.now += 10
    bar.update("Composing the music", 0.5)
    assert "~0:10 left" in last_line(stream)
    bar.update("Rendering the video", 0.0)
    clock.now += 0.5
    bar.update("Rendering the video", 0.2)  # a new stage: its own pace, not yet a second of it
    assert last_line(stream).endswith("0:10 elapsed  Rendering the video")
    clock.now += 1.5
    bar.update("Rendering the video", 0.5)  # 50 % in 2 s
    assert "0:12 elapsed, ~0:02 left  Rendering the video" in last_line(stream)


def test_the_stage_starting_part_way_is_timed_from_where_it_began(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Uploading", 0.5)
    clock.now += 2
    bar.update("Uploading", 0.6)  # 10 % in 2 s: 40 % left take 8 s
    assert "~0:08 left" in last_line(stream)


def test_a_long_label_is_cut_between_words(clock: Clock) -> None:
    label = "Analysing the clips for beats, cuts, speech and the loudness of every scene"
    for columns in (60, 72, 80, 100):
        bar, stream = tty_bar(clock, columns)
        bar.update(label, 0.5)
        line = last_line(stream)
        assert text_width(line) <= columns - 1, (columns, line)
        shown = line.split("  ")[-1]
        if shown == label:
            continue
        assert shown.endswith("…"), shown
        kept = shown[:-1]
        assert label.startswith(kept) and label[len(kept)] in " ,", (columns, shown)


def test_fit_label() -> None:
    assert fit_label("Composing the music", 40) == "Composing the music"
    assert fit_label("Composing the music", 19) == "Composing the music"
    assert fit_label("Composing the music", 18) == "Composing the…"
    assert fit_label("Composing the music", 14) == "Composing the…"
    assert fit_label("Composing the music", 13) == "Composing…"
    assert fit_label("Composing the music", 9) == "…"  # not even the first word: never "Composi…"
    assert fit_label("Mixing, then rendering", 12) == "Mixing…"  # no dangling comma
    assert fit_label("anything", 0) == ""
    assert fit_label("two\nlines", 20) == "two lines"


def test_wide_characters_count_twice_and_are_words_of_their_own() -> None:
    assert text_width("正在作曲") == 8
    assert fit_label("正在为你的视频作曲", 18) == "正在为你的视频作曲"
    assert fit_label("正在为你的视频作曲", 9) == "正在为你…"
    assert fit_label("正在为你的视频作曲", 10) == "正在为你…"


def test_a_narrow_terminal_keeps_the_stage_name_and_stays_on_one_line(clock: Clock) -> None:
    bar, stream = tty_bar(clock, columns=40)
    bar.update("Composing the music", 0.0)
    clock.now += 5
    bar.update("Composing the music", 0.5)
    line = last_line(stream)
    assert text_width(line) <= 39
    assert line.endswith("Composing the music") or line.endswith("…")
    assert "elapsed" not in line  # the times gave their room to the label


def test_the_width_comes_from_the_terminal(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "50")
    stream = FakeTty()
    bar = ProgressBar(stream, clock=clock)
    bar.update("Analysing the clips for beats and cuts", 0.3)
    line = last_line(stream)
    assert text_width(line) <= 49 and line.endswith("…")


def test_a_shorter_line_blanks_what_the_longer_one_left(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Analysing the clips for beats and cuts", None)
    first = stream.getvalue()
    bar.update("Mixing", None)
    second = stream.getvalue()[len(first):]
    assert second.startswith("\r") and len(second) - 1 == len(first) - 1  # same columns: the rest is spaces
    assert second.rstrip().endswith("Mixing")


def test_redraws_are_throttled_but_the_clock_ticks(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Rendering the video", 0.10)
    drawn = stream.getvalue()
    bar.update("Rendering the video", 0.10)  # nothing new
    clock.now += 0.01
    bar.update("Rendering the video", 0.11)  # too soon after the last redraw
    assert stream.getvalue() == drawn
    clock.now += 1.0
    bar.update("Rendering the video", 0.11)  # same percentage, but a second has passed
    assert last_line(stream).split("  ")[2].startswith("0:01 elapsed")


def test_a_message_ends_the_bar_line(clock: Clock) -> None:
    bar, stream = tty_bar(clock)
    bar.update("Composing the music", 0.5)
    bar.line("Using the built-in engine.")
    assert stream.getvalue().endswith("Composing the music\nUsing the built-in engine.\n")
    bar.finish()  # nothing open: no extra newline
    assert stream.getvalue().endswith("engine.\n")


def test_plain_lines_when_not_a_terminal(clock: Clock) -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, clock=clock)
    for i in range(11):
        clock.now += 3
        bar.update("Composing the music", i / 10)
    bar.update("Rendering the video", None)
    bar.finish()
    assert stream.getvalue() == (
        "Composing the music 0%\n"
        "Composing the music 30%\n"
        "Composing the music 50%\n"
        "Composing the music 80%\n"
        "Composing the music 100%\n"
        "Rendering the video\n"
    )


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 7.9, 75, 754, 3723)] == ["0:00", "0:07", "1:15", "12:34", "1:02:03"]


def test_the_default_clock_is_monotonic() -> None:
    assert ProgressBar(io.StringIO()).clock is time.monotonic
