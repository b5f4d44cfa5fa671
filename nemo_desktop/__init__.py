"""Nemo Desktop: music under your video clips, offline or through the NemoVideo cloud."""

__version__ = "0.1.0"
APP_NAME = "Nemo Desktop"
APP_ID = "nemo-desktop"
