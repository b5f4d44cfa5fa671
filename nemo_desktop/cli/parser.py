"""The command line's words: commands, actions, options and their one-line help."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from nemo_desktop import __version__
from nemo_desktop.cli.output import UsageError
from nemo_desktop.settings import ENGINES


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one sentence instead of argparse's usage dump
        raise UsageError(f"{message[0].upper()}{message[1:]} (see `nemo-desktop --help`).")


def build_parser() -> argparse.ArgumentParser:
    from nemo_desktop.settings import describe_keys  # the same table `settings set` checks against

    raw = argparse.RawDescriptionHelpFormatter
    parser = Parser(prog="nemo-desktop", description="Put music under your video clips.")
    parser.add_argument("--version", action="version", version=f"nemo-desktop {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and log at DEBUG")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    make = sub.add_parser("make", help="compose music for clips and export an MP4",
                          description="Compose music for your clips and export one MP4; its path is the last line.")
    make.add_argument("clips", nargs="*", type=Path, metavar="CLIP", help="video, image or audio files to use")
    make.add_argument("--prompt", "-p", default="", help="the music you want, e.g. 'calm piano' or '欢快的音乐'")
    make.add_argument("--engine", choices=ENGINES, default=None,
                      help="which engine composes the music (default: the engine setting)")
    make.add_argument("--out", type=Path, default=None,
                      help="folder to save the MP4 in (default: the output_dir setting, else Downloads)")
    make.add_argument("--seed", type=int, default=None, help="a whole number: the same seed makes the same music")
    make.add_argument("--stems", action="store_true", help="also write the music stems and a cue sheet")

    demo = sub.add_parser("demo", help="make a sample clip and run `make` on it",
                          description="Make a short sample clip and run `make` on it, to try the app.")
    demo.add_argument("--prompt", "-p", default="a calm background track that matches the mood",
                      help="the music you want (default: a calm background track)")
    demo.add_argument("--engine", choices=ENGINES, default="builtin",
                      help="which engine composes the music (default: builtin)")
    demo.add_argument("--out", type=Path, default=None,
                      help="folder to save the MP4 in (default: the output_dir setting, else Downloads)")
    demo.add_argument("--seed", type=int, default=None, help="a whole number: the same seed makes the same music")
    demo.add_argument("--stems", action="store_true", help="also write the music stems and a cue sheet")

    sub.add_parser("credits", help="show the NemoVideo credit balance",
                   description="Show your NemoVideo cloud credit balance. The built-in engine needs no credits.")

    keys = f"settings (KEY: what it is for, and its allowed values):\n{describe_keys()}"
    settings = sub.add_parser(
        "settings", help="show or change settings", formatter_class=raw,
        description="Show the settings, or change one; a value is checked before it is saved.",
        epilog=f"{keys}\n\nexamples:\n  nemo-desktop settings set image_seconds 6\n"
               "  nemo-desktop settings set output_dir ~/Videos\n  nemo-desktop settings set seed none",
    )
    settings_sub = settings.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, title="actions")
    settings_sub.add_parser("show", help="print every setting and where the settings file is (the default)")
    set_cmd = settings_sub.add_parser("set", help="change one setting: set KEY VALUE", formatter_class=raw,
                                      description="Change one setting; nonsense is refused and nothing is saved.",
                                      epilog=keys)
    set_cmd.add_argument("key", metavar="KEY", help="the setting to change (listed below)")
    set_cmd.add_argument("value", metavar="VALUE", help="its new value; “none” clears an optional one")

    token = sub.add_parser("token", help="the NemoVideo API token (never printed)",
                           description="Manage the NemoVideo API token; it is never printed.")
    token_sub = token.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser, title="actions")
    token_sub.add_parser("status", help="say whether a token is stored, and where (the default)")
    token_sub.add_parser("clear", help="remove the stored token; a free anonymous one is made on next use")
    token_sub.add_parser("set", help="read a token from standard input and store it")
    return parser
