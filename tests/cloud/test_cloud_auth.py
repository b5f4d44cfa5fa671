"""Tokens: anonymous minting, re-auth on 1001, env token rules, 400/429 on minting (1002: test_cloud_session_gone)."""

from __future__ import annotations

import pytest

from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.errors import AuthExpired, RateLimited
from nemo_desktop.secrets import TokenStore
from tests.cloud.helpers import make_backend
from tests.fakecloud.runner import RunningFake


async def test_expired_anonymous_token_is_reminted_once_with_same_client_id(
        backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    first = TokenStore().token()
    cloud_env.scenario("expired_token")
    credits = await backend.credits()
    assert credits.available == 100
    assert cloud_env.ledger.tokens_minted == 2
    anon = [r for r in cloud_env.ledger.requests if r.route == "anon_token"]
    assert anon[0].headers["x-client-id"] == anon[1].headers["x-client-id"]
    assert TokenStore().token() != first  # the new token was stored
    assert TokenStore().status().user_id.startswith("anon_")


async def test_env_token_is_never_replaced(cloud_env: RunningFake, monkeypatch: pytest.MonkeyPatch) -> None:
    cloud_env.cloud.add_token("nmv_usr_fromenv123456", user_id="user_7")
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_fromenv123456")
    b = make_backend()
    try:
        assert (await b.credits()).available == 1000
        cloud_env.scenario("expired_token")
        with pytest.raises(AuthExpired) as info:
            await b.credits()
        assert cloud_env.ledger.tokens_minted == 0
        assert "Settings" in info.value.message("en")
        assert info.value.message("zh_CN")
        assert "nmv_usr_fromenv123456" not in info.value.message("en") + repr(info.value) + str(info.value)
    finally:
        await b.aclose()


async def test_codes_in_envelope_with_http_200_are_errors_too(backend: CloudBackend, cloud_env: RunningFake) -> None:
    await backend.connect()
    cloud_env.scenario("expired_token", codes_in_http=False)
    assert (await backend.credits()).available == 100
    assert cloud_env.ledger.tokens_minted == 2


async def test_missing_client_id_400_makes_a_new_one(cloud_env: RunningFake) -> None:
    cloud_env.scenario(anon_400=1)
    b = make_backend()
    try:
        await b.connect()
    finally:
        await b.aclose()
    anon = [r.headers["x-client-id"] for r in cloud_env.ledger.requests if r.route == "anon_token"]
    assert len(anon) == 2 and anon[0] != anon[1] and anon[1] == TokenStore().client_id()


async def test_rate_limited_mint_waits_and_retries_once(cloud_env: RunningFake) -> None:
    cloud_env.scenario("rate_limited")
    b = make_backend()
    try:
        await b.connect()
        assert cloud_env.ledger.hits("anon_token") == 2
        anon = [r.at for r in cloud_env.ledger.requests if r.route == "anon_token"]
        assert anon[1] - anon[0] >= 0.04  # NEMO_RETRY_SECONDS=0.05
    finally:
        await b.aclose()


async def test_rate_limited_twice_is_a_typed_error(cloud_env: RunningFake) -> None:
    cloud_env.scenario(anon_429=5)
    b = make_backend()
    try:
        with pytest.raises(RateLimited) as info:
            await b.connect()
        assert cloud_env.ledger.hits("anon_token") == 2
        assert "Wait" in info.value.message("en")
    finally:
        await b.aclose()
