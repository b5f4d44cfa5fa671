"""Failures only the cloud client has, each naming what failed and the next step (core/errors.py's rules).

They subclass the core errors they refine, so anything that already handles a SessionGone, a RenderFailed
or a DownloadIncomplete keeps working; each has its own stable ``code`` where the next step differs.
"""

from __future__ import annotations

from nemo_desktop.core.errors import DownloadIncomplete, RenderFailed, SessionGone
from nemo_desktop.i18n import N_


class SessionLostAgain(SessionGone):
    """The cloud lost the session a second time in one job: rebuilding it again could go on for ever."""

    code = "cloud.session_lost"
    template = N_(
        "The cloud session ended again right after it was restored, so the job stopped. Try again in a few "
        "minutes, or use the built-in engine (--engine builtin)."
    )


class ClipGone(SessionGone):
    """A lost session cannot be rebuilt because one of the project's clips is no longer on this computer."""

    code = "cloud.session_clip"
    template = N_(
        "The cloud session expired and {name} could not be sent again because it is no longer on this "
        "computer. Add your clips again."
    )


class RenderRefused(RenderFailed):
    """The render was not accepted, also not with a second, new id (§3.7: retry once, never loop)."""

    code = "cloud.render_refused"
    template = N_(
        "The cloud did not accept the render ({detail}). Export again in a minute, or export with the "
        "built-in engine (--engine builtin)."
    )


class DownloadInterrupted(DownloadIncomplete):
    """The render finished but its file did not arrive whole; the ``.part`` was removed."""

    template = N_(
        "The download of the finished video was interrupted ({detail}). Nothing was saved; export again "
        "to retry."
    )
