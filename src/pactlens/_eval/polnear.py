"""PolNeAR attribution relations: read the brat files, score predicted statements.

Gold: every ``E`` relation with a ``Content`` (and, three times in dev, a ``Content2``
that continues it: the pieces are merged into one discontinuous span). The relation is
a *direct* quote when its Content holds a double quotation mark (``" “ ” „ « »``, or
one written as two apostrophes or two backticks, as some archived NYT texts do) and
*indirect* otherwise. ``Discard``/``Discuss`` spans are not relations and are ignored.

Predictions: the statements of an :class:`~pactlens.ArticleSummary`. Their spans index
the cleaned text; they are mapped back to the raw article through
:func:`~pactlens.text.cleaning.clean_with_offsets`, so gold offsets are used as given. A direct
quote's span is widened over the quotation marks right around it, since gold Content
spans include the marks and pactlens's quote spans hold only the words. A
statement without a span (an indirect one the model could not ground) cannot match and
counts as a false positive. Gold text that cleaning removed (a headline, a byline) can
no longer be matched and counts as a false negative.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pactlens._eval.scoring import Counts, Intervals, Ratio, match, match_exact, merge, overlap
from pactlens._eval.scoring import shares_name_token as _shares_token
from pactlens._models import ArticleSummary, Span, Statement
from pactlens.text import OffsetMap, clean_with_offsets

__all__ = [
    "THRESHOLDS",
    "Document",
    "Predicted",
    "Relation",
    "Scores",
    "find_dir",
    "gold_only",
    "load",
    "parse_ann",
    "predicted_statements",
    "score_document",
]

#: Lenient and strict overlap thresholds (share of the gold span's characters).
THRESHOLDS = (0.3, 0.8)
_QUOTE_MARKS = frozenset('"“”„«»')
#: Double quotation marks written as two characters: ''…'' and ``…'' (seven NYT dev
#: articles, as archived, write every quotation so; they hold no other double mark).
_TWIN_MARKS = ("''", "``")
#: Quoted stretches of a gold content ("…", “…” or ''…'', unclosed to the end).
_QUOTED = re.compile(r'["“„«][^"”»]*(?:["”»]|$)|(?:\'\'|``).*?(?:\'\'|$)')
#: A gold content with a quotation and at most this many other words ("he said",
#: "that") is a direct quote; more makes it reported speech with quoted words.
_DIRECT_SLACK = 2
Annotators = Literal["first", "all"]
_QUOTED_KINDS = frozenset({"direct", "mixed"})
#: Scored groups: quoted (gold content holding a quotation: direct and mixed, as the
#: published scores count them), direct, mixed, indirect, and all together.
_GROUPS = ("quoted", "direct", "mixed", "indirect", "all")


@dataclass(frozen=True)
class Relation:
    """One gold attribution: what was said (``content``) and by whom (``source``)."""

    content: Intervals
    content_text: str
    source: Intervals | None = None
    source_text: str | None = None
    cue_text: str | None = None

    @property
    def direct(self) -> bool:
        """Whether the content holds a quotation (a full quote or quoted words)."""
        text = self.content_text
        return any(c in _QUOTE_MARKS for c in text) or any(m in text for m in _TWIN_MARKS)

    @property
    def kind(self) -> str:
        """``direct`` when the content is a quotation and little else, ``mixed`` when it
        is reported speech with quoted words in it, ``indirect`` with no quotation."""
        if not self.direct:
            return "indirect"
        outside = _QUOTED.sub(" ", self.content_text)
        words = re.findall(r"[A-Za-z0-9']+", outside)
        return "direct" if len(words) <= _DIRECT_SLACK else "mixed"


@dataclass(frozen=True)
class Document:
    name: str
    annotator: str
    text: str
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class Predicted:
    """A predicted statement, its spans in raw-article offsets."""

    kind: str
    span: Intervals
    speaker: str
    speaker_span: Intervals | None


def _intervals(offsets: str) -> Intervals:
    pieces = []
    for piece in offsets.split(";"):
        start, end = piece.split()[:2]
        pieces.append((int(start), int(end)))
    return merge(pieces)


def parse_ann(ann: str) -> list[Relation]:
    """The relations of one brat standoff file, in the order of their ``E`` lines."""
    spans: dict[str, tuple[str, Intervals, str]] = {}
    events: list[dict[str, list[str]]] = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            label, _, offsets = fields[1].partition(" ")
            spans[fields[0]] = (label, _intervals(offsets), fields[2] if len(fields) > 2 else "")
        elif line.startswith("E") and len(fields) >= 2:
            args: dict[str, list[str]] = {}
            for arg in fields[1].split():
                role, _, ref = arg.partition(":")
                args.setdefault(re.sub(r"\d+$", "", role), []).append(ref)
            events.append(args)
    relations = []
    for args in events:
        contents = [spans[r] for r in args.get("Content", []) if r in spans]
        if not contents:
            continue
        source = next((spans[r] for r in args.get("Source", []) if r in spans), None)
        cue = next((spans[r] for r in args.get("Cue", []) if r in spans), None)
        relations.append(
            Relation(
                content=merge(i for _, span, _ in contents for i in span),
                content_text=" ".join(text for _, _, text in contents),
                source=source[1] if source else None,
                source_text=source[2] if source else None,
                cue_text=cue[2] if cue else None,
            )
        )
    return relations


def find_dir(data_dir: Path, split: str = "dev") -> Path:
    """``data_dir`` itself when it holds ``attributions/``, else ``data_dir/polnear-<split>``."""
    return data_dir if (data_dir / "attributions").is_dir() else data_dir / f"polnear-{split}"


def load(
    directory: Path, *, annotators: Annotators = "first", limit: int | None = None
) -> list[Document]:
    """The annotated articles of a PolNeAR directory, sorted by name.

    Some articles have several annotators (``<name>_<annotator>.ann``). ``"first"`` keeps
    the annotator whose id sorts first, so every article counts once; ``"all"`` keeps
    every file as its own document (the article is then predicted once, scored twice).
    ``limit`` counts articles, not files.
    """
    by_article: dict[str, list[Path]] = {}
    for path in sorted((directory / "attributions").glob("*.ann")):
        name, _, _annotator = path.stem.rpartition("_")
        by_article.setdefault(name, []).append(path)
    names = sorted(by_article)[:limit] if limit is not None else sorted(by_article)
    documents = []
    for name in names:
        text = (directory / "text" / f"{name}.txt").read_text(encoding="utf-8")
        files = by_article[name] if annotators == "all" else by_article[name][:1]
        for path in files:
            relations = parse_ann(path.read_text(encoding="utf-8"))
            documents.append(Document(name, path.stem.rpartition("_")[2], text, tuple(relations)))
    return documents


def _clean_to_raw(offsets: OffsetMap, span: Span | None) -> Intervals:
    if span is None:
        return ()
    pieces = []
    for clean_start, raw_start, size in offsets.segments:
        lo, hi = max(span.start, clean_start), min(span.end, clean_start + size)
        if lo < hi:
            pieces.append((raw_start + lo - clean_start, raw_start + hi - clean_start))
    return merge(pieces)


def predicted_statements(summary: ArticleSummary, raw: str) -> list[Predicted]:
    """The summary's statements with spans mapped from the cleaned text to ``raw``.

    Raises ``ValueError`` when ``summary.text`` is neither ``raw`` nor its cleaning.
    """
    if summary.text == raw:

        def to_raw(span: Span | None) -> Intervals:
            return () if span is None else merge([(span.start, span.end)])
    else:
        article, offsets = clean_with_offsets(raw)
        if article.text != summary.text or offsets.base != raw:
            raise ValueError("the summary's text is not this article's cleaned text")

        def to_raw(span: Span | None) -> Intervals:
            return _clean_to_raw(offsets, span)

    # An interrupted quotation is one relation in PolNeAR (discontinuous Content): score
    # the pieces pactlens links with ``continues`` as one prediction.
    pieces: dict[str, list[Statement]] = {}
    for s in summary.statements:
        pieces.setdefault(s.continues or s.id, []).append(s)
    predicted = []
    for group in pieces.values():
        first = group[0]
        spans: Intervals = merge([iv for s in group for iv in to_raw(s.span)])
        if first.kind == "direct":
            spans = _with_marks(raw, spans)
        predicted.append(
            Predicted(first.kind, spans, first.speaker, to_raw(first.speaker_span) or None)
        )
    return predicted


def _with_marks(raw: str, span: Intervals) -> Intervals:
    """A direct quote's span widened over the quotation marks around it, as PolNeAR's
    Content spans include them (pactlens's quote spans hold only the words)."""
    if not span:
        return span
    (start, first_end), rest = span[0], span[1:]
    last_start, end = span[-1]
    if raw[max(0, start - 2) : start] in _TWIN_MARKS:
        start -= 2
    elif start > 0 and raw[start - 1] in _QUOTE_MARKS:
        start -= 1
    if raw[end : end + 2] in _TWIN_MARKS:
        end += 2
    elif end < len(raw) and raw[end] in _QUOTE_MARKS:
        end += 1
    if not rest:
        return ((start, end),)
    return ((start, first_end), *rest[:-1], (last_start, end))


@dataclass
class Scores:
    """Running totals over documents, keyed ``<kind>@<threshold>``."""

    counts: dict[str, Counts]
    speaker: dict[str, Ratio]

    @classmethod
    def empty(cls) -> Scores:
        counts = {f"{k}@{t}": Counts() for t in (*THRESHOLDS, "exact") for k in _GROUPS}
        return cls(counts, {f"speaker@{t}": Ratio() for t in THRESHOLDS})

    def add(self, other: Scores) -> None:
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, Counts()) + value
        for key, ratio in other.speaker.items():
            self.speaker[key] = self.speaker.get(key, Ratio()) + ratio


def _speaker_right(predicted: Predicted, gold: Relation) -> bool:
    if gold.source is None:
        return False
    if predicted.speaker_span and overlap(predicted.speaker_span, gold.source) > 0:
        return True
    return _shares_token(predicted.speaker, gold.source_text or "")


def score_document(document: Document, predicted: Sequence[Predicted]) -> Scores:
    """Counts for quoted (direct and mixed), direct, mixed, indirect and all statements,
    and speaker accuracy.

    Speaker accuracy is over the matched quoted statements whose gold relation has a
    Source (134 dev relations have none): right when the predicted speaker span overlaps
    the gold Source, or the predicted speaker's name shares a distinctive word with it.
    """
    scores = Scores.empty()
    relations = document.relations
    groups = {
        "quoted": (
            [p for p in predicted if p.kind in _QUOTED_KINDS],
            [g for g in relations if g.direct],
        ),
        "direct": (
            [p for p in predicted if p.kind == "direct"],
            [g for g in relations if g.kind == "direct"],
        ),
        "mixed": (
            [p for p in predicted if p.kind == "mixed"],
            [g for g in relations if g.kind == "mixed"],
        ),
        "indirect": (
            [p for p in predicted if p.kind == "indirect"],
            [g for g in relations if not g.direct],
        ),
        "all": (list(predicted), list(relations)),
    }
    for kind, (preds, golds) in groups.items():
        pairs = match_exact(document.text, [p.span for p in preds], [g.content for g in golds])
        scores.counts[f"{kind}@exact"] = Counts(
            tp=len(pairs), fp=len(preds) - len(pairs), fn=len(golds) - len(pairs)
        )
    for threshold in THRESHOLDS:
        for kind, (preds, golds) in groups.items():
            pairs = match([p.span for p in preds], [g.content for g in golds], threshold)
            scores.counts[f"{kind}@{threshold}"] = Counts(
                tp=len(pairs), fp=len(preds) - len(pairs), fn=len(golds) - len(pairs)
            )
            if kind == "quoted":
                judged = [(preds[p], golds[g]) for p, g in pairs if golds[g].source is not None]
                scores.speaker[f"speaker@{threshold}"] = Ratio(
                    sum(_speaker_right(p, g) for p, g in judged), len(judged)
                )
    return scores


def gold_only(document: Document) -> Scores:
    """The scores of a document the predictor failed on: every gold relation missed."""
    return score_document(document, [])
