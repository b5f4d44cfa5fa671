"""The timeline a person reads, on the real window and the real built-in engine: the music lane draws the
waveform of the music actually composed, dipping under speech by the mix's own duck; the speech spans sit on
the clip lane where the clip really speaks (espeak-ng speech at a known time); no label overlaps another or
leaves the widget; the shipped icons load and take the theme's colour."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QIcon

from nemo_desktop.core.draft import VIDEO
from nemo_desktop.engine import audio_io, mix, waveform
from nemo_desktop.ui import icons, theme
from nemo_desktop.ui.main_window import MainWindow
from nemo_desktop.ui.timeline import TimelineView

RATE = 48000
SPEECH_AT = 3.0


def composed(window: MainWindow, media, until):
    made = media.clip(name="talk", duration=8, size=(320, 180), cuts=(5.0,), audio="speech", speech_at=(SPEECH_AT,))
    window.add_files([made.path])
    until(lambda: window.timeline.draft.duration > 0 and not window.bridge.busy, 60)
    window.send("upbeat pop with drums")
    until(lambda: window.timeline.draft.music() is not None and not window.bridge.busy
          and not window.bridge.previewing and window.timeline.waveform is not None, 60, "no waveform")
    return made


def db(x: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.maximum(x, 1e-9))


def assert_labels_apart(view: TimelineView) -> None:
    boxes = view.label_rects()
    inside = QRectF(view.rect())
    for box, text in boxes:
        assert inside.contains(box), f"{text!r} at {box} leaves the {view.width()} px timeline"
    for i, (a, ta) in enumerate(boxes):
        for b, tb in boxes[i + 1 :]:
            assert not a.intersects(b), f"{ta!r} {a} overprints {tb!r} {b}"


def test_waveform_speech_and_labels_on_real_music(window, media, until) -> None:
    made = composed(window, media, until)
    view = window.timeline
    view.resize(1100, view.height())
    draft = window.bridge.session.draft
    project = window.bridge.session.backend.project
    wave = view.waveform
    peaks = np.asarray(wave.peaks)
    assert wave.duration == pytest.approx(draft.duration, abs=0.01) and len(peaks) == waveform.POINTS
    t = (np.arange(len(peaks)) + 0.5) / len(peaks) * wave.duration

    # the speech spans are the clip's real speech (espeak placed at 3 s), on the clip lane
    spans = view.speech_spans()
    assert spans, "no speech span on the timeline"
    assert spans[0][0] == pytest.approx(made.speech[0][0], abs=0.3)
    assert spans[-1][1] == pytest.approx(made.speech[-1][1], abs=0.4)
    clip_lane = next(rect for rect, track, seg in view.segment_rects() if track.kind == VIDEO)
    for (band, shade), (a, b) in zip(view.speech_rects(), spans, strict=True):
        assert band.left() == pytest.approx(view._x(a)) and band.right() == pytest.approx(view._x(b), abs=2.1)
        assert clip_lane.contains(band) and shade is not None
    # the music lane is shaded over each ducked stretch (pauses bridged as the mix bridges them)
    ducked = view.music_info().ducked
    assert np.allclose(np.ravel(ducked), np.ravel(mix.merge_speech(spans)), atol=2e-3)
    for _band, shade in view.speech_rects():
        assert any(shade.left() == pytest.approx(view._x(a)) and shade.right() == pytest.approx(view._x(b), abs=2.1)
                   for a, b in ducked), shade

    # the waveform is the music's: real peaks where it plays, not a flat line
    music_peaks = waveform.peaks(project.music.stems.music, project.music.stems.n, RATE, len(peaks))
    plain = np.asarray(music_peaks.peaks)
    playing = (t > 0.5) & (t < SPEECH_AT - 1.0)
    assert np.median(peaks[playing]) > 0.02 and np.std(peaks[playing]) > 0.001

    # lower inside the speech span by the mix's own duck, untouched away from it
    music_gain = 10 ** (project.music.brief.music_gain_db / 20)
    clip_sound = audio_io.timeline_audio(draft, RATE, None, project.cache)
    depths = mix.voice_relative_depths(project.music.stems.music(0, project.music.stems.n) * music_gain,
                                       clip_sound, spans, RATE)
    step = wave.duration / len(peaks)
    for (a, b), depth in zip(mix.merge_speech(spans), depths, strict=True):
        inside = (t - step / 2 >= a) & (t + step / 2 <= b) & (plain > 1e-3)
        assert inside.sum() > 10
        dip = float(np.median(db(peaks[inside]) - db(plain[inside])))
        assert dip < -5.0 and dip == pytest.approx(depth, abs=1.5), (dip, depth)
    away = np.ones(len(t), bool)
    for a, b in spans:
        away &= (t < a - mix.DUCK_ATTACK - 0.1) | (t > b + mix.DUCK_RELEASE + 0.1)
    assert np.allclose(peaks[away], plain[away], atol=1e-4)

    # and what is drawn dips there too (half heights of the music lane's envelope)
    music_rect, _track, music_seg = next(hit for hit in view.segment_rects() if hit[2].is_music)
    points = view.wave_points(music_rect, music_seg)
    xs, heights = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    a, b = spans[0]
    under = heights[(xs > view._x(a) + 2) & (xs < view._x(b) - 2)]
    before = heights[(xs > view._x(0.5)) & (xs < view._x(a - mix.DUCK_ATTACK - 0.2))]
    assert np.median(under) < 0.6 * np.median(before)
    assert heights.max() <= music_rect.height() / 2

    assert_labels_apart(view)
    view.resize(420, view.height())
    assert_labels_apart(view)
    assert not view.grab().isNull()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_icons_load_in_the_theme_colour(qapp, monkeypatch: pytest.MonkeyPatch, scheme: str) -> None:
    monkeypatch.setenv("NEMO_COLOR_SCHEME", scheme)
    ink = QColor(theme.colours().text)
    for name in icons.NAMES:
        icon = icons.icon(name)
        assert not icon.isNull(), name
        image = icon.pixmap(32, 32).toImage()
        opaque = [image.pixelColor(x, y) for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() == 255]
        assert len(opaque) > 20, f"{name} draws nothing"
        assert all(abs(c.red() - ink.red()) + abs(c.green() - ink.green()) + abs(c.blue() - ink.blue()) < 6
                   for c in opaque), f"{name} is not drawn in the {scheme} theme's text colour"
        disabled = icon.pixmap(32, QIcon.Mode.Disabled).toImage()
        assert disabled.pixelColor(16, 16) != image.pixelColor(16, 16) or image.pixelColor(16, 16).alpha() == 0


def test_the_window_buttons_carry_icons_that_follow_the_theme(make_window, monkeypatch) -> None:
    monkeypatch.setenv("NEMO_COLOR_SCHEME", "light")
    window = make_window(start=False)
    targets = [window.drop_zone.add_button, window.drop_zone.remove_button, window.controls.variation,
               window.controls.export_button, window.preview.play_button, window.undo_action, window.redo_action,
               window.new_action, window.export_action]
    for target in targets:
        assert not target.icon().isNull(), target
    light = window.drop_zone.add_button.icon().pixmap(32, 32).toImage()
    monkeypatch.setenv("NEMO_COLOR_SCHEME", "dark")
    icons.refresh()
    dark = window.drop_zone.add_button.icon().pixmap(32, 32).toImage()
    assert light != dark, "the icons kept their light-theme colour"
