"""DESIGN.md's arrows, checked: the CLI and core never load Qt; import-linter enforces the rest."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_cli_never_imports_qt() -> None:
    code = (
        "import sys, nemo_desktop.cli, nemo_desktop.core.session, nemo_desktop.backends;"
        "nemo_desktop.cli.main(['--version']) if False else None;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qasync'))];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_core_imports_no_heavy_libraries() -> None:
    code = (
        "import sys, nemo_desktop.core.session, nemo_desktop.core.draft, nemo_desktop.core.intents;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'httpx', 'numpy', 'av')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    out = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
