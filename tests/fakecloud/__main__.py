"""Run the stand-in by hand: ``python -m tests.fakecloud [scenario]`` prints its URL and serves until Ctrl-C.

Point the app at it with ``NEMO_API_URL=<url>`` (and a temporary ``NEMO_HOME``).
"""

from __future__ import annotations

import sys
import time

from tests.fakecloud.runner import start


def main() -> None:
    running = start()
    if len(sys.argv) > 1:
        running.scenario(sys.argv[1])
    print(running.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()


if __name__ == "__main__":
    main()
