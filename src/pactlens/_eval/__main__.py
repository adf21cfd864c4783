"""``python -m pactlens._eval [options]``: the same as ``pactlens eval [options]``."""

import sys

from pactlens._eval.harness import main

sys.exit(main())
