"""Errors as values with stable codes; the edges (CLI, window) turn them into sentences.

Every NemoError carries a ``code`` that never changes between releases (tests, logs and the cloud stand-in
rely on it) and builds its message in the person's language with the next step to take. Messages are
formatted from English msgids with ``{placeholders}`` so both languages share the same fields.
"""

from __future__ import annotations

from typing import Any

from nemo_desktop.i18n import N_, tr


class NemoError(Exception):
    """Base of everything we raise on purpose. ``str(err)`` is the English sentence."""

    code = "error"
    template = N_("Something went wrong: {detail}")

    def __init__(self, detail: str = "", **fields: Any) -> None:
        self.detail = detail
        self.fields = {"detail": detail, **fields}
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """One sentence in ``lang`` (default: the UI language), placeholders filled."""
        return tr(self.template, lang).format(**self.fields)

    def __reduce__(self) -> tuple[Any, ...]:  # keep pickling (process pools) working with keyword fields
        return (_rebuild, (type(self), self.detail, self.fields))


def _rebuild(cls: type[NemoError], detail: str, fields: dict[str, Any]) -> NemoError:
    fields = {k: v for k, v in fields.items() if k != "detail"}
    return cls(detail, **fields)


class InternalError(NemoError):
    """A bug: the log has the traceback, the person gets one sentence."""

    code = "internal"
    template = N_("Something unexpected went wrong ({detail}). The log file has the details.")


class Cancelled(NemoError):
    code = "cancelled"
    template = N_("Cancelled. Nothing was written.")


class MediaError(NemoError):
    """A file we cannot use; ``name`` is the file's name, shown to the person."""

    code = "media"
    template = N_("{name}: this file cannot be used ({detail}).")


class FileMissing(MediaError):
    code = "media.missing"
    template = N_("{name}: the file does not exist. Check the path and try again.")


class FileUnreadable(MediaError):
    code = "media.unreadable"
    template = N_("{name}: the file cannot be read (permission denied). Check its permissions.")


class FileEmpty(MediaError):
    code = "media.empty"
    template = N_("{name}: the file is empty (0 bytes). Choose another copy of it.")


class FileTooLarge(MediaError):
    code = "media.too_large"
    template = N_("{name}: the file is {size_mb} MB; the limit is {limit_mb} MB. Trim or compress it first.")


class Unsupported(MediaError):
    code = "media.unsupported"
    template = N_(
        "{name}: this kind of file is not supported. Use a video (mp4, mov, avi, webm, mkv), "
        "an image (jpg, png, gif, webp) or audio (mp3, wav, m4a, aac)."
    )


class Corrupt(MediaError):
    code = "media.corrupt"
    template = N_("{name}: the file is damaged or not really a media file, so it cannot be opened.")


class NothingToDo(NemoError):
    code = "nothing"
    template = N_("There is nothing to export yet. Add a clip or describe the music you want first.")


class NoMusicYet(NemoError):
    """An export was asked for before any music exists (the window asks the person what to do instead)."""

    code = "music.none"
    template = N_("There is no music yet. Describe the music you want (e.g. “calm piano”) before you export.")


class NoMusicComposed(NemoError):
    """Composing ended without music: the export is refused rather than saved silent and called a success."""

    code = "music.missing"
    template = N_("No music was composed, so nothing was exported. {detail}")


class NotAMusicRequest(NemoError):
    """``make --prompt credits``: the words ask for something else, so no video is exported."""

    code = "music.not_requested"
    template = N_("“{text}” is not a request for music, so nothing was exported. Describe the music you want "
                  "(or leave out --prompt and the video decides).")


class DiskFull(NemoError):
    code = "disk.full"
    template = N_(
        "Not enough free space in {folder}: about {need_mb} MB is needed and {free_mb} MB is free. "
        "Free some space or choose another folder."
    )


class OutputNotWritable(NemoError):
    code = "disk.not_writable"
    template = N_("Cannot write to {folder}. Choose another output folder.")


class Busy(NemoError):
    code = "busy"
    template = N_("Another job is still running. Wait for it or cancel it first.")


class ToolFailed(NemoError):
    """ffmpeg or another helper process failed; ``detail`` is its last line of output."""

    code = "tool.failed"
    template = N_("Rendering failed: {detail}")


class SettingInvalid(NemoError):
    """A settings value outside its key's rule. ``allowed`` is the rule's msgid (formatted with the rule's
    other fields, e.g. ``low``/``high``), translated here so the sentence is whole in either language."""

    code = "settings.invalid"
    template = N_("{key} must be {allowed}.")

    def message(self, lang: str | None = None) -> str:
        fields = dict(self.fields)
        if "allowed" in fields:
            fields["allowed"] = tr(fields["allowed"], lang).format(**fields)
        return tr(self.template, lang).format(**fields)


class SettingUnknown(SettingInvalid):
    """``settings set`` with a key that does not exist; ``keys`` lists the ones that do."""

    template = N_("There is no setting called “{key}”; the settings are: {keys}.")


# --- cloud ---------------------------------------------------------------------------------------------


class CloudError(NemoError):
    code = "cloud"
    template = N_("The NemoVideo cloud answered with an error: {detail}. You can use the built-in engine instead.")


class Offline(CloudError):
    code = "cloud.offline"
    template = N_(
        "Cannot reach the NemoVideo cloud ({detail}). Check your connection, or use the built-in engine "
        "(--engine builtin)."
    )


class CreditsUnavailable(CloudError):
    """``credits`` could not ask the cloud. Unlike ``make`` it has no --engine to switch, so the next step
    differs from Offline's and ServerError's."""

    code = "cloud.credits_unavailable"
    template = N_(
        "Cannot get your credit balance from the NemoVideo cloud ({detail}). Check your connection and try "
        "again; the built-in engine needs no credits."
    )


class AuthExpired(CloudError):
    code = "cloud.auth"
    template = N_(
        "Your NemoVideo sign-in has expired or is not valid. Paste a new token in Settings "
        "(or run `nemo-desktop token clear` to get a fresh free one)."
    )


class SessionGone(CloudError):
    code = "cloud.session"
    template = N_("The cloud session has ended. A new one was started; please send your request again.")


class NoCredits(CloudError):
    code = "cloud.credits"
    template = N_(
        "You have no NemoVideo credits left. Get more at {link}, or use the built-in engine (--engine builtin)."
    )


class ExportNotAllowed(CloudError):
    code = "cloud.plan"
    template = N_(
        "Exporting from the cloud needs a registered account on the free plan: register or upgrade at "
        "{link}, or export with the built-in engine (--engine builtin)."
    )


class RateLimited(CloudError):
    code = "cloud.rate_limited"
    template = N_("The NemoVideo cloud is busy with too many requests. Wait a minute and try again.")


class ServerError(CloudError):
    code = "cloud.server"
    template = N_(
        "The NemoVideo cloud had a problem ({detail}). Try again later, or use the built-in engine "
        "(--engine builtin)."
    )


class UploadRejected(CloudError):
    code = "cloud.upload"
    template = N_("The cloud refused {name}: {detail}.")


class RenderFailed(CloudError):
    code = "cloud.render"
    template = N_(
        "The cloud could not render the video ({detail}). Try again, or export with the built-in engine "
        "(--engine builtin)."
    )


class StreamStalled(CloudError):
    code = "cloud.stalled"
    template = N_(
        "The cloud stopped answering for {minutes} minutes. Your request may still finish; check again "
        "later, or use the built-in engine."
    )


class DownloadIncomplete(CloudError):
    code = "cloud.download"
    template = N_("The download was cut short ({detail}). Nothing was saved; try the export again.")
