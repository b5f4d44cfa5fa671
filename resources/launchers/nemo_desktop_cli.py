"""Frozen entry point of the console ``nemo-desktop`` executable: the headless command line (never loads Qt)."""

import sys

from nemo_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
