"""External programs the app runs (the bundled ffmpeg); used by the engine and the window alike."""
