"""What happens in the clips, as numbers the composer can follow: hard cuts, motion, light, colour,
loudness and speech — per clip (cached by content), then laid out on the draft's timeline.

Speed: H.264 must decode every frame anyway, so one ffmpeg process decodes every frame (on its own cores)
and pipes it to us shrunk to ~120 px wide, where numpy compares whole batches of frames at once — close
to the bare decode cost, with every cut on its exact frame. A second ffmpeg decodes the sound meanwhile
(much faster): 16 kHz mono for loudness and Silero VAD, measured while the pictures are still decoding,
and (with a cache) 48 kHz stereo that the export reuses.

Rooms: ``curves`` (Curve, loudness), ``results`` (per clip and per timeline), ``scanner`` (the two ffmpeg
processes over one file), ``cuts`` (where a shot starts, how busy it is), ``clip`` (one file, cached by
content) and ``timeline`` (the clips laid out on the draft).
"""

from nemo_desktop.engine.analysis.clip import analyse_clip
from nemo_desktop.engine.analysis.curves import CURVE_HOP, LOUDNESS_HOP, SILENCE_DB, Curve, loudness_curve
from nemo_desktop.engine.analysis.cuts import find_cuts
from nemo_desktop.engine.analysis.results import ClipAnalysis, VideoAnalysis
from nemo_desktop.engine.analysis.scanner import Scanner as _Scanner
from nemo_desktop.engine.analysis.timeline import analyse_draft, combine

__all__ = [
    "CURVE_HOP", "LOUDNESS_HOP", "SILENCE_DB", "ClipAnalysis", "Curve", "VideoAnalysis", "_Scanner", "analyse_clip",
    "analyse_draft", "combine", "find_cuts", "loudness_curve",
]
