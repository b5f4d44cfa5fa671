"""The token never reaches a log line, a repr, an error text or a URL; signed URLs are not logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nemo_desktop import logs, paths
from nemo_desktop.cloud.backend import CloudBackend
from nemo_desktop.core.errors import NemoError
from nemo_desktop.secrets import TokenStore
from tests.cloud.helpers import collect
from tests.fakecloud.runner import RunningFake


async def test_token_absent_from_logs_reprs_and_errors(backend: CloudBackend, cloud_env: RunningFake, clip: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    log_file = logs.setup(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        await backend.connect()
        first = TokenStore().token()
        assert first is not None
        tokens = {first.reveal()}
        await backend.add_media([clip], lambda s, f: None)
        cloud_env.scenario("expired_token")  # a 401 mid-job
        await collect(backend.chat("add calm piano"))
        second = TokenStore().token()
        assert second is not None
        tokens.add(second.reveal())
        cloud_env.scenario(fail={"state": [500]})  # and a 500, retried
        errors: list[str] = []
        out = await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
        assert out.exists()
        cloud_env.scenario("free_plan_402")
        try:
            await backend.export(await backend.state(), paths.get().downloads, lambda s, f: None)
        except NemoError as err:
            errors += [err.message("en"), err.message("zh_CN"), repr(err), str(err)]
    finally:
        logs.shutdown()
    captured = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    written = log_file.read_text(encoding="utf-8")
    reprs = " ".join(repr(x) for x in (backend, backend.auth, backend.api, backend.transport,
                                       backend.transport._api.headers, TokenStore().token()))
    assert len(tokens) == 2
    for token in tokens:
        for text in (captured, written, reprs, *errors):
            assert token not in text
    for r in cloud_env.ledger.requests:
        assert not any(t in r.path for t in tokens)  # never in a URL
    assert "signature=" not in captured and "signature=" not in written
    assert caplog.records  # we did log at DEBUG
