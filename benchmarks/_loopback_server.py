"""Runs tests/loopback.py's server with Nagle's algorithm off on its connections.

http.server writes headers and body in two sends; with Nagle on, the client's delayed
ACK stalls every response by ~40 ms on Linux loopback, which would swamp what the
benchmarks measure. ``disable_nagle_algorithm`` is socketserver's own switch for this
(a no-op once tests/loopback.py sets it itself).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import loopback

loopback._Handler.disable_nagle_algorithm = True

if __name__ == "__main__":
    sys.exit(loopback.main())
