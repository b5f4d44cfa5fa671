"""Every directory the app uses, from platformdirs, re-pointable as a whole.

Tests (and a portable install) call ``use_root(tmp)`` or set ``NEMO_HOME`` so that nothing ever touches
the real home directory. ``NEMO_DOWNLOADS`` moves only the export folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from nemo_desktop import APP_ID


@dataclass(frozen=True)
class AppPaths:
    config: Path
    data: Path
    cache: Path
    logs: Path
    downloads: Path

    def ensure(self) -> AppPaths:
        """Create the app's own folders (not Downloads, which belongs to the person)."""
        for p in (self.config, self.data, self.cache, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        try:
            self.config.chmod(0o700)
        except OSError:
            pass
        return self


def _downloads() -> Path:
    override = os.environ.get("NEMO_DOWNLOADS")
    if override:
        return Path(override)
    try:
        found = platformdirs.user_downloads_dir()
    except Exception:
        found = ""
    return Path(found) if found else Path.home() / "Downloads"


def platform_paths() -> AppPaths:
    dirs = platformdirs.PlatformDirs(APP_ID, appauthor=False, opinion=True)
    return AppPaths(
        config=Path(dirs.user_config_dir),
        data=Path(dirs.user_data_dir),
        cache=Path(dirs.user_cache_dir),
        logs=Path(dirs.user_log_dir),
        downloads=_downloads(),
    )


def rooted_paths(root: Path) -> AppPaths:
    """All folders under one root: tests, portable installs, ``NEMO_HOME``."""
    downloads = os.environ.get("NEMO_DOWNLOADS")
    return AppPaths(
        config=root / "config",
        data=root / "data",
        cache=root / "cache",
        logs=root / "logs",
        downloads=Path(downloads) if downloads else root / "Downloads",
    )


_current: AppPaths | None = None


def get() -> AppPaths:
    """The paths in force: ``use_root`` first, then ``NEMO_HOME``, then the platform's."""
    global _current
    if _current is None:
        home = os.environ.get("NEMO_HOME")
        _current = rooted_paths(Path(home)) if home else platform_paths()
    return _current


def use(paths: AppPaths | None) -> None:
    """Re-point every folder (None: back to the environment's choice)."""
    global _current
    _current = paths


def use_root(root: Path) -> AppPaths:
    paths = rooted_paths(root)
    use(paths)
    return paths
