"""What the subcommands share: the usage error, stdout, and the Config built from flags."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from pactlens._config import Config

__all__ = ["UsageError", "add_backend_options", "make_config", "stdout"]


class UsageError(Exception):
    """Bad flags or inputs: reported as ``pactlens: error: …``, exit status 2."""


def stdout(instead: str = "") -> TextIO:
    """``sys.stdout``, or a UsageError (exit 2) when pactlens was started with stdout
    closed (``pactlens … >&-``, or a parent that closed it): Python then has none at all.
    Called before any work is done, so nothing is summarised only to be lost."""
    if sys.stdout is None:
        raise UsageError(
            "stdout is closed: there is nowhere to write the output; start pactlens with "
            f"stdout open (e.g. > out.txt){instead}"
        )
    return sys.stdout


def add_backend_options(parser: argparse.ArgumentParser) -> None:
    """--base-url or --local, and --model: the backend flags of summarise and eval."""
    backend = parser.add_mutually_exclusive_group()
    backend.add_argument("--base-url", metavar="URL", help="an OpenAI-compatible endpoint")
    backend.add_argument("--local", action="store_true", help="use the embedded local model")
    parser.add_argument("--model", help="the model name the endpoint knows")


def make_config(args: argparse.Namespace) -> Config:
    """Config.from_env() with the backend flags that `summarise` and `eval` share."""
    overrides: dict[str, Any] = {}
    if args.model:
        overrides["model"] = args.model
    if args.base_url:
        overrides["base_url"] = args.base_url
    if args.local:
        overrides.update(backend="local", base_url=None)
    if getattr(args, "api_key_env", None):
        overrides["api_key_env"] = args.api_key_env
    if args.no_cache:
        overrides["cache"] = False
    if args.cache_dir is not None:
        overrides.update(cache_dir=args.cache_dir, cache_url=None)
    if getattr(args, "cache_url", None):
        overrides.update(cache_url=args.cache_url, cache_dir=None)
    return Config.from_env(**overrides)
