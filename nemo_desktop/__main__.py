"""``python -m nemo_desktop``: no arguments → the window; arguments → the command line."""

from __future__ import annotations

import sys


def main() -> int:
    if len(sys.argv) > 1:
        from nemo_desktop.cli import main as cli_main

        return cli_main()
    from nemo_desktop.ui.app import main as gui_main  # imported lazily: the CLI never loads Qt

    return gui_main()


if __name__ == "__main__":
    sys.exit(main())
