"""``python -m pactlens``: the command line (see :mod:`pactlens.cli.commands`)."""

import sys

from pactlens.cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
