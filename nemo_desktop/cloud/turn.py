"""One chat turn with the cloud agent: the message sent once, the stream as events, then what changed.

The chat message is POSTed exactly once. The stream's items become Status (tool calls, "still working…")
and Reply events, with the agent's directions for the web editor replaced by what this app offers (§7.2).
If the stream drops, the state is polled to find out what the turn did (§7.6); if the cloud stays silent,
the draft is compared before/after (§7.3). A session the cloud has lost is rebuilt inside the turn
(session.py), and the turn goes on.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from nemo_desktop.cloud.api import StateSnapshot
from nemo_desktop.cloud.changes import describe_changes
from nemo_desktop.cloud.envelope import Links, error_for, short
from nemo_desktop.cloud.gui_phrases import GUI_REPLACEMENTS, GuiAction, translate_gui_phrases
from nemo_desktop.cloud.phrases import is_trailing_noise, tool_label
from nemo_desktop.cloud.recovery import TURN_CAP_SECONDS
from nemo_desktop.cloud.session import CloudSession, display_draft
from nemo_desktop.cloud.sse import Item, StillWorking, StreamDropped, StreamError, TextPart, ToolCall, watch
from nemo_desktop.core.errors import CloudError, ServerError, SessionGone, StreamStalled
from nemo_desktop.core.events import DraftChanged, Event, Notice, Reply, Status
from nemo_desktop.i18n import N_, language_of, tr

log = logging.getLogger(__name__)
RECOVERY_READS = 5


@dataclass(frozen=True)
class TurnTiming:
    """The turn's clocks: the "still working" rhythm, the idle watchdog and the polls after a drop."""

    notice_every: float
    idle_timeout: float
    poll_seconds: float
    clock: Callable[[], float]
    sleep: Callable[[float], Awaitable[None]]


def stream_failure(failure: StreamError, links: Links) -> CloudError:
    """The error a turn ends with when the stream reported one: typed by its code, else a ServerError."""
    if failure.code:
        return error_for(200, failure.code, failure.message, links=links)
    return ServerError(short(failure.message))


class ChatTurn:
    """One turn; ``run()`` yields its events and raises after telling what it learned."""

    def __init__(self, session: CloudSession, text: str, *, timing: TurnTiming, links: Links) -> None:
        self.session = session
        self.text = text
        self.lang = language_of(text)
        self.timing = timing
        self.links = links
        self.replies = 0
        self.tools = 0
        self.actions: set[GuiAction] = set()
        self._partial: dict[str, str] = {}  # streamed text per author, until its final part arrives
        self._failure: StreamError | None = None
        self._dropped = False
        self._state: StateSnapshot | None = None

    async def run(self) -> AsyncIterator[Event]:
        async for event in self._read(self._known_state):
            yield event
        yield Status(tr(N_("Sent to NemoVideo. This can take a few minutes…"), self.lang))
        async for event in self._send():
            yield event
        before = self._latest  # read first, or again after a rebuild before the message ran
        for buffered in self._partial.values():
            reply = self._reply(buffered)
            if reply is not None:
                yield reply
        if self._dropped:
            yield Notice(tr(N_("The connection dropped during the reply. Your message was not sent again; "
                               "checking what changed…"), self.lang), "warning")
            async for event in self._recover(before):
                yield event
            return
        async for event in self._read(self.session.read):  # lost now: the rebuild sends this message again
            yield event
        async for event in self._report(before, self._latest):
            yield event

    # --- the state, read through a lost session --------------------------------------------------------

    @property
    def _latest(self) -> StateSnapshot:
        assert self._state is not None, "the state is read first"
        return self._state

    async def _known_state(self) -> StateSnapshot:
        return self.session.snapshot or await self.session.read()

    async def _read(self, read: Callable[[], Awaitable[StateSnapshot]]) -> AsyncIterator[Event]:
        """``read()`` the state; when the session is gone, rebuild it and read again."""
        try:
            self._state = await read()
        except SessionGone as lost:
            async for event in self._rebuild(lost):
                yield event

    async def _rebuild(self, lost: SessionGone) -> AsyncIterator[Event]:
        """The rebuild's progress and its Notice, then the new session's state (a second loss ends the job)."""
        async for event in self.session.rebuilt(lost, self.lang):
            yield event
        self._state = await self.session.again(self.session.read)

    # --- the message and its stream --------------------------------------------------------------------

    async def _send(self) -> AsyncIterator[Event]:
        """POST the message once. Refused before it ran (1002), it goes once to the rebuilt session; a
        dropped stream is only remembered (the message is never sent again)."""
        sent = False
        while not sent:
            try:
                async with self.session.api.open_turn(self.session.session_id, self.text,
                                                      idle_timeout=self.timing.idle_timeout) as items:
                    sent = True
                    self.session.project.add_message(self.text)
                    async for event in self._listen(items):
                        yield event
            except SessionGone as lost:  # refused before it ran (1002): the rebuilt session gets it once
                if sent:
                    raise
                async for event in self._rebuild(lost):
                    yield event
            except StreamDropped:
                self._dropped = True
                sent = True

    async def _listen(self, items: AsyncIterator[Item]) -> AsyncIterator[Event]:
        """The stream's items as events, until it ends or reports an error."""
        t = self.timing
        async for item in watch(items, notice_every=t.notice_every, idle_timeout=t.idle_timeout,
                                hard_cap=TURN_CAP_SECONDS, clock=t.clock):
            if isinstance(item, StreamError):
                self._failure = item
                return
            event = self._event_for(item)
            if event is not None:
                yield event

    def _event_for(self, item: Item | StillWorking) -> Event | None:
        """What the person sees of one item: an activity line, a reply, or nothing (yet)."""
        match item:
            case StillWorking():
                return Status(tr(N_("Still working…"), self.lang))
            case TextPart() if item.partial:
                self._partial[item.author] = self._partial.get(item.author, "") + item.text
            case TextPart():
                self._partial.pop(item.author, None)
                return self._reply(item.text)
            case ToolCall():
                self.tools += 1
                return Status(tool_label(item.name, self.lang))
        return None

    def _reply(self, text: str) -> Reply | None:
        said = self._reply_text(text, self.replies + self.tools > 0)
        if not said:
            return None
        self.replies += 1
        return Reply(said)

    def _reply_text(self, text: str, had_output: bool) -> str:
        """The agent's text with its web-editor directions replaced (§7.2, the GUI-phrase table)."""
        if had_output and is_trailing_noise(text):
            return ""
        translated = translate_gui_phrases(text)
        self.actions.update(translated.actions)
        extra = [tr(GUI_REPLACEMENTS[a], self.lang) for a in translated.actions
                 if GUI_REPLACEMENTS.get(a) and a is not GuiAction.SHOW_CREDITS]
        return " ".join(part for part in (translated.text, *extra) if part).strip()

    # --- after the stream ------------------------------------------------------------------------------

    async def _report(self, before: StateSnapshot, after: StateSnapshot) -> AsyncIterator[Event]:
        """What changed; the stream's error (after the changes it made); what the agent's words asked for."""
        changes = describe_changes(before.draft, after.draft, self.lang)
        if after.draft_raw != before.draft_raw:
            yield DraftChanged(display_draft(after))
        if self._failure is not None:
            if changes:
                yield Reply(" ".join(changes))
            raise stream_failure(self._failure, self.links)
        if self.replies == 0:
            yield Reply(" ".join(changes) if changes else
                        tr(N_("The cloud finished this step without changing the timeline."), self.lang))
        async for event in self._asked_for(after):
            yield event

    async def _asked_for(self, after: StateSnapshot) -> AsyncIterator[Event]:
        """The state summary or the credits, when the agent sent the person to the web editor for them."""
        if GuiAction.SHOW_STATE in self.actions:
            yield Reply(display_draft(after).summary(self.lang))
        if GuiAction.SHOW_CREDITS in self.actions:
            try:
                bal = await self.session.api.credits()
                yield Reply(tr(N_("Credits: {available} available ({frozen} reserved)."), self.lang).format(
                    available=bal.available, frozen=bal.frozen))
            except CloudError as err:
                log.info("credits after a turn unavailable: %s", err.code)

    async def _recover(self, before: StateSnapshot) -> AsyncIterator[Event]:
        """§7.6: wait, read state; report the first change; give up after five unchanged reads."""
        waited = 0.0
        for n in range(RECOVERY_READS):
            wait = self.timing.poll_seconds if n == 0 else 2 * self.timing.poll_seconds
            await self.timing.sleep(wait)
            waited += wait
            try:
                self._state = await self.session.read()
            except SessionGone as lost:  # the rebuild sends the message again into a new session
                async for event in self._rebuild(lost):
                    yield event
            except CloudError as err:
                log.info("state read during recovery failed: %s", err.code)
                continue
            after = self._latest
            if after.draft_raw != before.draft_raw:
                yield DraftChanged(display_draft(after))
                changes = describe_changes(before.draft, after.draft, self.lang)
                yield Reply(" ".join(changes) or tr(N_("The timeline was adjusted."), self.lang))
                return
            yield Status(tr(N_("No change yet; checking again…"), self.lang))
        raise StreamStalled(f"connection dropped; no change after {waited:.0f} s",
                            minutes=max(1, round(waited / 60)))
