"""The event vocabulary that flows back up from a backend to the window and the CLI.

Events are plain frozen dataclasses (no Qt): the UI bridge turns them into signals, the CLI into a
progress bar and lines. Text in events is already in the person's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from nemo_desktop.i18n import N_, tr

if TYPE_CHECKING:
    from nemo_desktop.core.draft import Draft
    from nemo_desktop.core.errors import NemoError


@dataclass(frozen=True)
class Status:
    """An activity line ("Analysing clips…", a cloud tool call, "still working…")."""

    text: str


@dataclass(frozen=True)
class Progress:
    """Progress of the current stage; ``fraction`` is 0..1, or None when unknown."""

    stage: str
    fraction: float | None = None


@dataclass(frozen=True)
class Reply:
    """A short answer to the person, in their language."""

    text: str


@dataclass(frozen=True)
class DraftChanged:
    draft: Draft


@dataclass(frozen=True)
class ExportReady:
    path: Path
    link: str = ""  # a browser link to the project, when the engine delivers one (the cloud, §7.8)


@dataclass(frozen=True)
class Notice:
    """Something worth a banner ("Offline — using the built-in engine"); level is info|warning."""

    text: str
    level: str = "info"


@dataclass(frozen=True)
class Failed:
    error: NemoError


Event = Union[Status, Progress, Reply, DraftChanged, ExportReady, Notice, Failed]  # noqa: UP007
EventSink = Callable[[Event], None]
ProgressFn = Callable[[str, float | None], None]
"""``progress(stage, fraction)``: may be called from worker threads; receivers must be thread-safe."""


def no_progress(stage: str, fraction: float | None) -> None:
    """A ProgressFn for callers that do not show progress."""


# Engines report short stage ids; people read these. Unknown stages (cloud labels) show as they are.
STAGES = {
    "probe": N_("Reading the clips"),
    "analyse": N_("Analysing the clips"),
    "analyze": N_("Analysing the clips"),
    "compose": N_("Composing the music"),
    "synth": N_("Playing the music"),
    "mix": N_("Mixing the sound"),
    "picture": N_("Making a picture for the music"),
    "render": N_("Rendering the video"),
    "encode": N_("Rendering the video"),
    "upload": N_("Uploading"),
    "download": N_("Downloading the video"),
}


def stage_label(stage: str, lang: str | None = None) -> str:
    """The words for a stage id, in ``lang`` (default: the UI language)."""
    known = STAGES.get(stage.strip().lower())
    return tr(known, lang) if known else stage
