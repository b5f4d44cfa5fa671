"""The small commands: ``credits``, ``settings`` and ``token`` (the token itself is never printed)."""

from __future__ import annotations

import argparse
import sys

from nemo_desktop import backends
from nemo_desktop.cli.output import UsageError, out
from nemo_desktop.cli.signals import run_async
from nemo_desktop.i18n import tr
from nemo_desktop.secrets import TokenStore
from nemo_desktop.settings import Settings


def cmd_credits(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> str:
        from nemo_desktop.core.errors import CreditsUnavailable, Offline, ServerError

        backend = backends.cloud(settings)
        try:
            await backend.connect()
            credits = await backend.credits()
        except (Offline, ServerError) as err:  # their hint is `make`'s --engine builtin, which credits lacks
            raise CreditsUnavailable(err.detail) from err
        finally:
            await backend.aclose()
        if credits is None:
            return tr("The built-in engine is free: no credits are needed.")
        return tr("You have {available} credits ({frozen} reserved).").format(
            available=credits.available, frozen=credits.frozen)

    out(run_async(run()))
    return 0


def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    from nemo_desktop.settings import RULES

    if args.action == "set":
        settings.set(args.key, args.value)  # refuses nonsense (SettingInvalid) before anything is saved
        settings.save()
        out(tr("{key} = {value}").format(key=args.key, value=RULES[args.key].display(getattr(settings, args.key))))
        return 0
    for key, value in settings.as_dict().items():
        out(f"{key} = {RULES[key].display(value) if key in RULES else value}")
    out(f"# {Settings.file()}")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    store = TokenStore()
    if args.action == "clear":
        removed = store.clear()
        out(tr("The stored token was removed.") if removed else tr("No token was stored."))
        return 0
    if args.action == "set":
        value = sys.stdin.readline().strip() if sys.stdin is not None else ""
        if not value:
            raise UsageError(tr("No token was given on standard input."))
        store.save(value)
        out(tr("The token was stored in {path} (readable only by you).").format(path=store.token_path))
        return 0
    status = store.status()
    if status.source == "environment":
        out(tr("A token is set by the NEMO_TOKEN environment variable."))
    elif status.present:
        kind = tr("anonymous") if status.anonymous else tr("personal")
        line = tr("A {kind} token is stored in {path}.").format(kind=kind, path=status.path)
        if status.expires_at:
            line += " " + tr("It expires at {when}.").format(when=status.expires_at)
        out(line)
    else:
        out(tr("No token is stored; a free anonymous one is made when the cloud is first used."))
    return 0
