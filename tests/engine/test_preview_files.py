"""The preview's files live in the cache under our pid: a killed run's are swept at the next start, a live
run's never."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nemo_desktop.engine import media_cache


def test_a_killed_runs_preview_folder_is_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    theirs = tmp_path / f"preview-{dead.pid}-abc"
    ours = tmp_path / f"preview-{os.getpid()}-def"
    for folder in (theirs, ours):
        folder.mkdir()
        (folder / "preview-0.pcm").write_bytes(b"\0" * 64)
    removed = media_cache.sweep_leftovers(tmp_path)
    assert theirs in removed and not theirs.exists()
    assert ours.exists() and ours not in removed
