"""The music package stands on its own: the composer and the instruments load no other engine module (the
words → brief interpreter sits above them; it used to be imported back by compose, an import loop)."""

from __future__ import annotations

import subprocess
import sys


def test_the_music_package_imports_no_other_engine_module() -> None:
    code = (
        "import sys\n"
        "import nemo_desktop.engine.music.compose, nemo_desktop.engine.music.synth\n"
        "import nemo_desktop.engine.music.soundfont\n"
        "bad = [m for m in sys.modules if m.startswith('nemo_desktop.engine.')"
        " and not m.startswith('nemo_desktop.engine.music')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_old_import_paths_still_work() -> None:
    from nemo_desktop.engine.music import synth
    from nemo_desktop.engine.music.compose import Note, Score, compose
    from nemo_desktop.engine.music.score import STEMS

    assert synth.STEMS == STEMS == ("drums", "bass", "chords", "melody")
    assert callable(compose) and callable(synth.render_stems)
    assert Note.__module__ == Score.__module__ == "nemo_desktop.engine.music.score"
