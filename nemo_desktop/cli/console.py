"""The CLI's event sink: a progress bar and short lines on stderr."""

from __future__ import annotations

from nemo_desktop.cli.progress_bar import ProgressBar
from nemo_desktop.core.events import Event, ExportReady, Failed, Notice, Progress, Reply, Status, stage_label
from nemo_desktop.i18n import tr


class Console:
    """The CLI's event sink: a progress bar and short lines on stderr."""

    def __init__(self) -> None:
        self.bar = ProgressBar()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress):
            self.bar.update(stage_label(event.stage), event.fraction)
        elif isinstance(event, Status):
            self.bar.update(event.text, None)
        elif isinstance(event, Reply | Notice):
            self.bar.line(event.text)
        elif isinstance(event, ExportReady) and event.link:  # the cloud delivers a browser link (§7.8)
            self.bar.line(tr("Open the project in your browser: {link}").format(link=event.link))
        elif isinstance(event, Failed):
            self.bar.finish()  # the error itself is raised and printed once, at the end
