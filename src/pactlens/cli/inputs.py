"""Where the command line's articles come from: files, folders (recursively) and stdin.

A path named on the command line that cannot be read is a usage error (exit 2, before
anything is summarised): the caller chose it and can fix it. What cannot be read *inside*
a folder (a subfolder that cannot be listed, a named pipe, socket or broken link named
like an article) and stdin that is not UTF-8 become :class:`Unreadable` entries instead:
each is reported as a failed article of its own (exit 1) and the rest of the batch is
summarised. A batch of thousands should not be held up, nor lose its finished work, for
one stray folder; a file in the folder that is not UTF-8 already fails that way, and the
cache makes the re-run after a fix pay only for what was missing.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pactlens._batch import ArticleInput
from pactlens._errors import InputError
from pactlens.cli.options import UsageError
from pactlens.text import decode_text

__all__ = [
    "STDIN_ID",
    "SUFFIXES",
    "Entry",
    "Unreadable",
    "collect",
    "ident",
    "output_names",
    "read_stdin",
]

SUFFIXES = (".txt", ".html", ".htm")
STDIN_ID = "<stdin>"


@dataclass(frozen=True)
class Unreadable:
    """An input that was found but cannot be read: it fails as an article of its own."""

    id: str
    error: InputError


Entry = ArticleInput | Unreadable


def read_stdin() -> str:
    """stdin as UTF-8 text (a BOM dropped); InputError when it is not UTF-8, as for a file."""
    if sys.stdin is None:
        raise UsageError("stdin is closed: there is no article to read from -")
    return decode_text(sys.stdin.buffer.read(), STDIN_ID)


def collect(paths: Iterable[str]) -> list[Entry]:
    """Files as given, folders searched for .txt/.html/.htm, ``-`` read from stdin."""
    entries: list[Entry] = []
    seen_stdin = False
    for raw in paths:
        if raw == "-":
            if seen_stdin:
                raise UsageError("- (stdin) can be given only once")
            seen_stdin = True
            try:
                entries.append((STDIN_ID, read_stdin()))
            except InputError as e:
                entries.append(Unreadable(STDIN_ID, e))
            continue
        path = Path(raw)
        if path.is_dir():
            found: list[Entry] = []
            try:
                _search(path, found)
            except OSError as e:
                raise UsageError(f"cannot read the folder {raw}: {e.strerror or e}") from e
            if not found:
                raise UsageError(f"no .txt, .html or .htm files under {raw}")
            entries.extend(found)
        elif path.is_file():
            if not os.access(path, os.R_OK):
                raise UsageError(f"cannot read {raw}: permission denied")
            entries.append(path)
        elif path.exists():
            raise UsageError(f"{raw} is neither a file nor a folder")
        else:
            raise UsageError(f"no such file or folder: {raw}")
    return entries


def _search(folder: Path, found: list[Entry]) -> None:
    """The articles under ``folder`` in path order; what cannot be read as Unreadable.
    Raises OSError when ``folder`` itself cannot be listed. Links to folders are not
    followed (no cycles); links to files are."""
    with os.scandir(folder) as listing:
        names = sorted((entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing)
    for name, is_folder in names:
        path = folder / name
        if is_folder:
            try:
                _search(path, found)
            except OSError as e:
                found.append(
                    _unreadable(
                        path,
                        f"cannot read the folder {path}: {e.strerror or e}; "
                        "the articles in it were not summarised",
                    )
                )
        elif path.suffix.lower() in SUFFIXES:
            problem = _not_a_file(path)
            if problem is None:
                found.append(path)
            elif problem:
                found.append(_unreadable(path, f"cannot read {path}: {problem}"))


def _not_a_file(path: Path) -> str | None:
    """None for a regular file, "" for a folder (skipped), else why it cannot be read."""
    try:
        mode = path.stat().st_mode
    except OSError as e:
        return f"a broken symbolic link ({e.strerror or e})" if path.is_symlink() else str(e)
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return ""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a regular file"
    return "a socket or device, not a regular file"


def _unreadable(path: Path, message: str) -> Unreadable:
    return Unreadable(str(path), InputError(message))


def ident(item: Entry) -> str:
    if isinstance(item, Unreadable):
        return item.id
    return item[0] if isinstance(item, tuple) else str(item)


def output_names(items: list[Entry], extension: str) -> list[str]:
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
