from __future__ import annotations

from pathlib import Path

import pytest

from nemo_desktop import paths


def test_everything_lives_under_the_test_root(app_home: paths.AppPaths) -> None:
    root = app_home.config.parent
    got = paths.get()
    for p in (got.config, got.data, got.cache, got.logs, got.downloads):
        assert root in p.parents
    assert Path.home() not in root.parents or "home" not in str(got.config.relative_to(root))


def test_use_root_repoints(tmp_path: Path) -> None:
    paths.use_root(tmp_path)
    assert paths.get().config == tmp_path / "config"
    assert paths.get().ensure().logs.is_dir()


def test_downloads_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEMO_DOWNLOADS", str(tmp_path / "exports"))
    assert paths.rooted_paths(tmp_path).downloads == tmp_path / "exports"
    monkeypatch.delenv("NEMO_DOWNLOADS")
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path / "xdg-dl"))
    assert paths.platform_paths().downloads == tmp_path / "xdg-dl"


def test_platform_paths_are_per_user() -> None:
    p = paths.platform_paths()
    assert "nemo-desktop" in str(p.config) and "nemo-desktop" in str(p.logs)
