"""Frozen entry point of the windowed ``NemoDesktop`` executable: the window, with any files as clips."""

import sys

from nemo_desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
