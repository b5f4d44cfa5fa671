"""What happens in the clips, as numbers the composer can follow: hard cuts, motion, light, colour,
loudness and speech — per clip (cached by content), then laid out on the draft's timeline.

Speed: a video is read from its compressed stream first (``stream_scan``): one ffmpeg pass lists every
packet's size and keyframe flag without decoding and decodes only the keyframes; the frames where a shot
may start (``packets``: keyframes off the encoder's cadence, packets far bigger than those around them, a
change of size level, regular keyframes that differ like a cut from the picture before) are decoded in
short windows, where ``find_cuts`` places each cut on its exact frame, as a full decode would. Motion
between the windows is the packet size scaled by what the windows measured; colour comes from the
keyframes and windows. Short, intra-only, variable-rate or busy streams (too many windows) are decoded
frame by frame as before: one ffmpeg pipes every frame shrunk to ~120 px wide for numpy to compare in
batches. The log says which path ran. A second ffmpeg decodes the sound meanwhile: 16 kHz mono for
loudness and Silero VAD, measured while the pictures are analysed, and (with a cache) 48 kHz stereo that
the export reuses.

Rooms: ``curves`` (Curve, loudness), ``results`` (per clip and per timeline), ``scanner`` (the pictures and
the sound of one file), ``packets`` (the compressed stream: candidates and windows), ``stream_scan`` (the
survey and the windows), ``frames`` (what numpy measures on small frames), ``cuts`` (where a shot starts,
how busy it is), ``clip`` (one file, cached by content) and ``timeline`` (the clips laid out on the draft).
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
