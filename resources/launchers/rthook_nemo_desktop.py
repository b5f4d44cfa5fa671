"""PyInstaller runtime hook: point imageio-ffmpeg and the VAD lookup at the copies inside the bundle.

imageio_ffmpeg finds its binary through importlib.resources, which works in the frozen app too; the
variables make that independent of hook changes and of how the package is collected. A value the person
set themselves still wins.
"""

import os
import sys

_base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
_bin_dir = os.path.join(_base, "imageio_ffmpeg", "binaries")
if not os.environ.get("IMAGEIO_FFMPEG_EXE") and os.path.isdir(_bin_dir):
    for _name in sorted(os.listdir(_bin_dir)):
        if _name.startswith("ffmpeg"):
            os.environ["IMAGEIO_FFMPEG_EXE"] = os.path.join(_bin_dir, _name)
            break
_vad = os.path.join(_base, "nemo_desktop", "resources", "silero_vad.onnx")
if not os.environ.get("NEMO_VAD_MODEL") and os.path.isfile(_vad):
    os.environ["NEMO_VAD_MODEL"] = _vad
