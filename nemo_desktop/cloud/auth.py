"""Which token we use, and getting a new one when the cloud says it has expired.

Order: ``NEMO_TOKEN`` (the environment wins), else the stored token, else a free anonymous token minted
with this install's client id and stored at once: the cloud issues one anonymous token per client id per
week, so forgetting it would earn a 429 on the next start.

On 1001 the token is renewed once: an anonymous token (``anon_…`` user) is re-minted with the *same*
client id; a token the person supplied (environment or pasted) is never replaced behind their back —
that is an AuthExpired for them to act on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from nemo_desktop.cloud.envelope import BadRequest
from nemo_desktop.cloud.transport import Transport
from nemo_desktop.core.errors import AuthExpired, CloudError, RateLimited
from nemo_desktop.secrets import Secret, TokenStore

log = logging.getLogger(__name__)
ANON_PATH = "/api/auth/anonymous-token"


def _expired(expires_at: str, now: datetime | None = None) -> bool:
    if not expires_at:
        return False
    try:
        when = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when <= (now or datetime.now(UTC))


class Auth:
    def __init__(self, transport: Transport, store: TokenStore, *, retry_seconds: float = 30.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._transport = transport
        self._store = store
        self._retry_seconds = retry_seconds
        self._sleep = sleep
        self._token: Secret | None = None
        self._source = "none"  # environment | file | minted
        self.user_id = ""
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"Auth(source={self._source!r}, user_id={self.user_id!r})"

    @property
    def is_anonymous(self) -> bool:
        return self.user_id.startswith("anon_")

    @property
    def source(self) -> str:
        return self._source

    async def token(self) -> Secret:
        """The token to send; mints an anonymous one the first time if nothing else is available."""
        if self._token is not None:
            return self._token
        async with self._lock:
            if self._token is not None:
                return self._token
            status = self._store.status()
            stored = self._store.token()
            if stored and status.source == "environment":
                self._token, self._source = stored, "environment"
            elif stored and not (status.anonymous and _expired(status.expires_at)):
                self._token, self._source, self.user_id = stored, "file", status.user_id
            else:
                if stored:
                    log.info("stored anonymous token has expired; getting a new one")
                self._token = await self._mint()
            return self._token

    async def renew(self, stale: Secret) -> Secret:
        """The cloud said ``stale`` is invalid (1001): get a new token once, or raise AuthExpired."""
        async with self._lock:
            if self._token is not None and self._token != stale:
                return self._token  # someone else already renewed it
            if self._source == "environment":
                raise AuthExpired("NEMO_TOKEN was refused")
            if self._source == "file" and not self.is_anonymous:
                raise AuthExpired("the saved token was refused")
            log.info("anonymous token refused; getting a new one with the same client id")
            self._token = None
            self._token = await self._mint()
            return self._token

    async def _mint(self) -> Secret:
        client_id = self._store.client_id()
        fixed_client = rate_waited = False
        while True:
            try:
                data = await self._transport.call("POST", ANON_PATH, token=None,
                                                  headers={"X-Client-Id": client_id})
                break
            except BadRequest:
                if fixed_client:
                    raise
                fixed_client = True
                client_id = self._store.new_client_id()
            except RateLimited:
                if rate_waited:
                    raise
                rate_waited = True
                log.info("anonymous token rate-limited; waiting %.0f s once", self._retry_seconds)
                await self._sleep(self._retry_seconds)
        if not isinstance(data, dict) or not isinstance(data.get("token"), str) or not data["token"]:
            raise CloudError("the anonymous sign-in reply had no token")
        token = Secret(data["token"])
        self.user_id = str(data.get("user_id") or "")
        self._store.save(token.reveal(), user_id=self.user_id, expires_at=str(data.get("expires_at") or ""))
        self._source = "minted"
        log.info("signed in anonymously (user %s)", self.user_id or "?")
        return token
