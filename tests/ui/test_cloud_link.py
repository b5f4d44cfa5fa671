"""A cloud export's browser link (§7.8) in the window: the saved banner offers "Open in browser"."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_desktop.settings import Settings
from tests.fakecloud.fixtures import fake_cloud  # noqa: F401 - the fixture
from tests.fakecloud.sample import sample_mp4

WEB = "https://web.example"


def test_the_banner_offers_the_link_only_when_there_is_one(window, opened, tmp_path: Path) -> None:
    video = tmp_path / "holiday.mp4"
    window.notifier.export_done(video)
    assert window.banner.action_labels() == ["Open folder", "Play"]
    window.notifier.export_done(video, f"{WEB}/workspace/claim?ct=clm_abc")
    assert window.banner.action_labels() == ["Open folder", "Play", "Open in browser"]
    window.banner.trigger("Open in browser")
    assert [u.toString() for u in opened.urls] == [f"{WEB}/workspace/claim?ct=clm_abc"]


def test_a_cloud_export_in_the_window_opens_the_project_in_the_browser(
        make_window, fake_cloud, opened, until, ui_root, tmp_path: Path,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"NEMO_API_URL": fake_cloud.url, "NEMO_WEB_URL": WEB, "NEMO_POLL_SECONDS": "0.05"}.items():
        monkeypatch.setenv(name, value)
    clip = tmp_path / "harbour.mp4"
    clip.write_bytes(sample_mp4())
    window = make_window(Settings(engine="cloud"))
    assert "cloud" in window.engine_label.text()
    window.add_files([clip])
    until(lambda: window.drop_zone.clip_paths() and not window.bridge.busy, 60)
    window.send("add calm piano")
    until(lambda: not window.bridge.busy, 60)
    assert window.timeline.draft.music() is not None
    window.export()
    until(lambda: not window.bridge.busy, 60, "the cloud export did not finish")
    mp4s = list(ui_root.downloads.glob("*.mp4"))
    assert [p.read_bytes() for p in mp4s] == [sample_mp4()]
    assert "Open in browser" in window.banner.action_labels()
    window.banner.trigger("Open in browser")
    link = opened.urls[-1].toString()
    assert link.startswith(f"{WEB}/workspace/claim?ct=clm_") and "nmv_usr_" not in link
    assert fake_cloud.ledger.chat_posts == 1
