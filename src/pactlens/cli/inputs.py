"""Where the command line's articles come from: files, folders (recursively) and stdin."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from pactlens._batch import ArticleInput
from pactlens.cli.options import UsageError

__all__ = ["STDIN_ID", "SUFFIXES", "collect", "ident", "output_names", "read_stdin"]

SUFFIXES = (".txt", ".html", ".htm")
STDIN_ID = "<stdin>"


def read_stdin() -> str:
    return sys.stdin.buffer.read().decode("utf-8-sig", errors="replace")


def collect(paths: Iterable[str]) -> list[ArticleInput]:
    """Files as given, folders searched for .txt/.html/.htm, ``-`` read from stdin."""
    items: list[ArticleInput] = []
    seen_stdin = False
    for raw in paths:
        if raw == "-":
            if seen_stdin:
                raise UsageError("- (stdin) can be given only once")
            seen_stdin = True
            items.append((STDIN_ID, read_stdin()))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
            )
            if not found:
                raise UsageError(f"no .txt, .html or .htm files under {raw}")
            items.extend(found)
        elif path.is_file():
            if not os.access(path, os.R_OK):
                raise UsageError(f"cannot read {raw}: permission denied")
            items.append(path)
        elif path.exists():
            raise UsageError(f"{raw} is neither a file nor a folder")
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return items


def ident(item: ArticleInput) -> str:
    return item[0] if isinstance(item, tuple) else str(item)


def output_names(items: list[ArticleInput], extension: str) -> list[str]:
    """One distinct file name per input: its stem, numbered when stems collide."""
    names: list[str] = []
    taken: set[str] = set()
    for item in items:
        name_of = ident(item)
        stem = "stdin" if name_of == STDIN_ID else Path(name_of).stem or "article"
        name, n = stem + extension, 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}{extension}"
        taken.add(name)
        names.append(name)
    return names
