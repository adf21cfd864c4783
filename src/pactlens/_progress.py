"""Progress for a batch: a bar (tqdm, else a rewritten stderr line) and a clock that names
the article in flight longest once it passes :data:`SLOW_AFTER` seconds ("summarising
a.txt … 14 s"), rewritten each second on a terminal, and a line of its own every
:data:`LOG_EVERY` seconds in a log. A local model on a busy laptop can take minutes per
article, and a long call should show life.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
import time
from collections.abc import Iterator, Sized
from typing import Any, Protocol, TextIO

__all__ = ["LOG_EVERY", "SLOW_AFTER", "Bar", "Clock", "Outcome", "progress_for"]

#: Seconds an article is in flight before the progress line names it with its seconds.
SLOW_AFTER = 2.0
#: Seconds between those notices when stderr is not a terminal (a log: one line each).
LOG_EVERY = 10.0


class Outcome(Protocol):
    """What the bar needs of a batch's result."""

    @property
    def ok(self) -> bool: ...


class Bar(Protocol):
    def update(self, result: Outcome) -> None: ...
    def note(self, text: str) -> None: ...  # the slow article's notice; "" clears it
    def close(self) -> None: ...


class _Off:
    def update(self, result: Outcome) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class _Counter:
    """The fallback when tqdm is not installed: one rewritten stderr line."""

    def __init__(self, total: int | None, stream: TextIO) -> None:
        self.total, self.stream, self.done, self.failed = total, stream, 0, 0
        self.tty, self.text, self.width = stream.isatty(), "", 0
        self.lock = threading.Lock()

    def update(self, result: Outcome) -> None:
        with self.lock:
            self.done += 1
            self.failed += not result.ok
            self._draw()

    def note(self, text: str) -> None:
        with self.lock:
            if self.tty:
                self.text = text
                self._draw()
            elif text:  # a log: a line of its own, after the counter's line if one is open
                self.stream.write(("\n" if self.width else "") + f"pactlens: {text}\n")
                self.stream.flush()
                self.width = 0

    def _draw(self) -> None:
        of = f"/{self.total}" if self.total is not None else ""
        line = f"pactlens: {self.done}{of} articles, {self.failed} failed"
        line += f"; {self.text}" if self.text else ""
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        with self.lock:
            if self.width:
                self.stream.write("\n")
                self.stream.flush()


class _Tqdm:
    def __init__(self, bar: Any, stream: TextIO) -> None:
        self.bar, self.stream, self.failed, self.text = bar, stream, 0, ""
        self.tty = stream.isatty()

    def update(self, result: Outcome) -> None:
        if not result.ok:
            self.failed += 1
            self.bar.set_postfix_str(self._postfix(), refresh=False)
        self.bar.update(1)

    def note(self, text: str) -> None:
        if self.tty:
            self.text = text
            self.bar.set_postfix_str(self._postfix())
        elif text:  # a log: a line of its own (tqdm.write keeps the bar below it)
            self.bar.write(f"pactlens: {text}", file=self.stream)

    def _postfix(self) -> str:
        return ", ".join(
            p for p in (f"failed={self.failed}" if self.failed else "", self.text) if p
        )

    def close(self) -> None:
        self.bar.close()


def progress_for(progress: bool | None, articles: object) -> tuple[Bar, Clock | None]:
    """``None`` shows a bar when stderr is a terminal; ``True``/``False`` force it. The
    clock, with any bar, names on it the articles that take long."""
    stream = sys.stderr
    if stream is None or progress is False or (progress is None and not stream.isatty()):
        return _Off(), None
    total = len(articles) if isinstance(articles, Sized) else None
    bar: Bar
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:
        bar = _Counter(total, stream)
    else:
        bar = _Tqdm(tqdm(total=total, unit="article", desc="pactlens", file=stream), stream)
    return bar, Clock(bar, 1.0 if stream.isatty() else LOG_EVERY)


class Clock:
    """When each article in flight started; a daemon thread hands the bar a notice of
    the one running longest once it passes SLOW_AFTER seconds, at most every ``every``."""

    def __init__(self, bar: Bar, every: float) -> None:
        self.bar, self.every = bar, every
        self.flying: dict[int, tuple[str, float]] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="pactlens-clock", daemon=True)
        self.thread.start()

    @contextlib.contextmanager
    def flight(self, index: int, label: str) -> Iterator[None]:
        with self.lock:
            self.flying[index] = (label, time.monotonic())
        try:
            yield
        finally:
            with self.lock:
                del self.flying[index]

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=1)

    def _watch(self) -> None:
        shown, last = "", float("-inf")
        while not self.stopped.wait(0.25):
            now = time.monotonic()
            with self.lock:
                started = sorted(self.flying.values(), key=lambda flight: flight[1])
            text = ""
            if started and now - started[0][1] > SLOW_AFTER:
                label, since = started[0]
                more = f" (and {len(started) - 1} more)" if len(started) > 1 else ""
                text = f"summarising {label} … {int(now - since)} s{more}"
            if text != shown and (not text or now - last >= self.every):
                self.bar.note(text)
                shown, last = text, (now if text else last)
