"""``python -m pactlens``: the command line (see :mod:`pactlens._cli`)."""

import sys

from pactlens._cli import main

if __name__ == "__main__":
    sys.exit(main())
