"""Which AAC settings the export uses: encode time and fidelity of ffmpeg's AAC coders on our own music.

    python benchmarks/bench_aac.py

Composes 60 s of "calm piano" (mixed to −16 LUFS like an export), encodes it with the bundled ffmpeg's
native AAC encoder ("twoloop", ffmpeg's default coder, and "fast") at 192 and 256 kb/s, decodes it again
and prints the wall time of each encode and the signal-to-noise ratio of the decoded audio.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from nemo_desktop.engine.audio_io import decode_audio, write_wav  # noqa: E402
from nemo_desktop.engine.mix import mix  # noqa: E402
from nemo_desktop.engine.music.compose import compose  # noqa: E402
from nemo_desktop.engine.music.synth import render_stems  # noqa: E402
from nemo_desktop.engine.prompt import VideoTraits, make_brief  # noqa: E402
from nemo_desktop.tools.ffmpeg import find_ffmpeg  # noqa: E402


def main() -> None:
    ffmpeg = find_ffmpeg()
    brief = make_brief("calm piano", VideoTraits(duration=60.0))
    music = mix(render_stems(compose(brief, 60.0, [7.3, 15.2, 24.0, 33.5], 30.0, 1)), None, [])
    with tempfile.TemporaryDirectory() as tmp:
        wav = write_wav(Path(tmp) / "music.wav", music)
        ref = music.astype(np.float64)
        for coder in ("twoloop", "fast"):
            for kbps in (192, 256):
                m4a = Path(tmp) / f"{coder}-{kbps}.m4a"
                start = time.perf_counter()
                subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(wav), "-c:a", "aac",
                                "-aac_coder", coder, "-b:a", f"{kbps}k", str(m4a)], check=True)
                took = time.perf_counter() - start
                out = decode_audio(m4a).astype(np.float64)
                n = min(len(out), len(ref))
                snr = 10 * np.log10(np.sum(ref[:n] ** 2) / np.sum((out[:n] - ref[:n]) ** 2))
                print(f"{coder:>8} {kbps} kb/s: encode {took:.2f} s, SNR {snr:.1f} dB")


if __name__ == "__main__":
    main()
