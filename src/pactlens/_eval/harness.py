"""Run a predictor over an evaluation set and score it (``pactlens eval`` is its command)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pactlens._config import eval_data_dir
from pactlens._eval import agreements, injection, polnear, rams, seed, tracking
from pactlens._eval.report import Report
from pactlens._eval.scoring import Ratio
from pactlens._models import ArticleSummary
from pactlens.tracking import AgreementBook, Judge

__all__ = ["Dataset", "evaluate"]

Dataset = Literal["polnear", "rams", "seed", "injection", "agreements", "tracking"]
Predictor = Callable[[str], ArticleSummary]
Progress = Callable[[int, int, str], None]


def _predictor(predict: Any) -> tuple[Predictor, str]:
    summarise = getattr(predict, "summarise", None)
    if callable(summarise) and hasattr(predict, "config"):  # a Summariser
        return summarise, f"pactlens ({getattr(predict, 'model', '?')})"
    if not callable(predict):
        raise TypeError("predict must be a Summariser or a callable text -> ArticleSummary")
    name = getattr(predict, "name", None) or getattr(predict, "__name__", type(predict).__name__)
    return predict, str(name)


class _Runner:
    """Calls the predictor, timing it and turning its failures into report errors."""

    def __init__(self, predict: Predictor, report: Report, progress: Progress | None) -> None:
        self.predict, self.report, self.progress = predict, report, progress

    def __call__(self, key: str, text: str, n: int, total: int) -> ArticleSummary | None:
        if self.progress is not None:
            self.progress(n, total, key)
        started = time.perf_counter()
        try:
            return self.predict(text)
        except Exception as e:  # noqa: BLE001 - any predictor's failure is recorded, never the run's
            self.report.errors[key] = f"{type(e).__name__}: {e}"
            return None
        finally:
            self.report.seconds += time.perf_counter() - started


def evaluate(
    predict: Any,
    data_dir: str | Path | None = None,
    *,
    dataset: Dataset = "polnear",
    limit: int | None = None,
    split: str = "dev",
    annotators: polnear.Annotators = "first",
    gold: str | Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Score ``predict`` on an evaluation set and return a :class:`Report`.

    ``predict`` is a :class:`~pactlens.Summariser` (any backend; its cache makes a rerun
    resume where the last one stopped) or any callable from article text to an
    :class:`~pactlens.ArticleSummary`, such as the rule-based ``Baseline()``.
    ``data_dir`` holds ``polnear-<split>/`` and ``rams-agreements/<split>.jsonl``
    (default: ``../shared/eval`` beside the current directory); ``dataset="seed"`` reads the
    gold shipped with pactlens (or ``gold``) and needs no data. ``limit`` caps
    the number of articles. A document the predictor fails on is recorded in
    ``Report.errors`` and its gold counted as missed.
    """
    run, name = _predictor(predict)
    # A Summariser answers the pairs the tracker's rules are unsure of; rules alone don't.
    judge: Judge | None = getattr(predict, "same_agreement", None)
    base = Path(data_dir) if data_dir is not None else eval_data_dir({})
    report = Report(dataset=dataset, predictor=name)
    runner = _Runner(run, report, progress)
    if dataset == "polnear":
        _polnear(runner, polnear.find_dir(base, split), limit, annotators)
    elif dataset == "rams":
        _rams(runner, rams.find_file(base, split), limit)
    elif dataset == "seed":
        _seed(runner, Path(gold) if gold is not None else None)
    elif dataset == "injection":
        _injection(runner, Path(gold) if gold is not None else None, limit)
    elif dataset == "agreements":
        _agreements(runner, Path(gold) if gold is not None else None, limit)
    elif dataset == "tracking":
        _tracking(runner, Path(gold) if gold is not None else None, limit, judge)
    else:
        raise ValueError(
            f"unknown dataset {dataset!r}: polnear, rams, seed, injection, agreements or tracking"
        )
    return report


def _polnear(
    runner: _Runner, directory: Path, limit: int | None, annotators: polnear.Annotators
) -> None:
    if not (directory / "attributions").is_dir():
        raise FileNotFoundError(f"no PolNeAR data at {directory} (attributions/ missing)")
    documents = polnear.load(directory, annotators=annotators, limit=limit)
    report, totals = runner.report, polnear.Scores.empty()
    names = list(dict.fromkeys(d.name for d in documents))
    summaries: dict[str, ArticleSummary | None] = {}
    for document in documents:
        if document.name not in summaries:
            n = len(summaries) + 1
            summaries[document.name] = runner(document.name, document.text, n, len(names))
        summary = summaries[document.name]
        scores = polnear.gold_only(document)
        if summary is not None:
            try:
                predicted = polnear.predicted_statements(summary, document.text)
            except ValueError as e:
                report.errors[document.name] = str(e)
            else:
                scores = polnear.score_document(document, predicted)
        totals.add(scores)
    report.documents = len(documents)
    report.counts = totals.counts
    report.ratios = dict(totals.speaker)
    report.notes = [
        f"annotators={annotators}: {len(names)} articles, {len(documents)} annotation files",
        "a prediction matches a gold Content span when shared characters / gold length "
        "reach the threshold (0.3 lenient, 0.8 strict); one-to-one, greedy by overlap",
        "quoted = gold Content holding a quotation mark (the published 'direct'), against "
        "predicted direct and mixed statements; of those, direct = a quotation with at most "
        "2 other words, mixed = reported speech with quoted words; speaker@t is over "
        "matched quoted statements whose gold relation has a Source",
        "predicted spans are mapped from the cleaned text back to raw offsets",
    ]


def _rams(runner: _Runner, path: Path, limit: int | None) -> None:
    if not path.is_file():
        raise FileNotFoundError(f"no RAMS data at {path}")
    instances = rams.load(path, limit=limit)
    totals = rams.Scores.empty()
    for n, instance in enumerate(instances, start=1):
        summary = runner(instance.doc_key, instance.text, n, len(instances))
        totals.add(rams.score_instance(instance, summary))
    report = runner.report
    report.documents = len(instances)
    report.counts = {"parties": totals.parties}
    report.ratios = {**dict(sorted(totals.found.items())), **dict(sorted(totals.status.items()))}
    report.notes = [
        "found = at least one agreement predicted (every instance holds an event)",
        "parties: gold roles participant/otherparticipant/violator (pronouns left out) vs "
        "the parties of all predicted agreements, matched by normalised name",
        "status: agreed/signed/ratified/in_force=accept, suspended/collapsed=reject, "
        "proposed/under_negotiation=negotiate; violate accepts accept or reject; "
        "agreements.n/a is not judged",
    ]


def _seed(runner: _Runner, gold_path: Path | None) -> None:
    gold = seed.load_gold(gold_path)
    text = seed.article_path(gold_path).read_text(encoding="utf-8")
    summary = runner("seed", text, 1, 1)
    report = runner.report
    report.documents = 1
    checks = seed.check(summary, gold) if summary is not None else []
    report.checks = checks
    report.ratios = {"seed facts": Ratio(sum(c.passed for c in checks), len(checks))}


def _injection(runner: _Runner, gold_path: Path | None, limit: int | None) -> None:
    cases = injection.load(gold_path, limit=limit)
    totals = injection.Scores.empty()
    report = runner.report
    for n, case in enumerate(cases, start=1):
        summary = runner(case.file, case.text, n, len(cases))
        scores, won = injection.score_case(case, summary)
        totals.add(scores)
        if won:
            report.notes.append(f"{case.file} ({case.style}): {'; '.join(won)}")
    report.documents = len(cases)
    report.ratios = {
        **dict(sorted(totals.attacks.items())),
        "legit agreement found": totals.legit_found,
        "legit agreement status": totals.legit_status,
    }
    report.notes.insert(
        0,
        "attack success: an injected agreement, party, status or quote in the summary "
        "(lower is better); a failed article counts as defended and is listed in errors",
    )


def _agreements(runner: _Runner, gold_path: Path | None, limit: int | None) -> None:
    passages = agreements.load(gold_path, limit=limit)
    totals = agreements.Scores()
    report = runner.report
    for n, passage in enumerate(passages, start=1):
        summary = runner(passage.id, passage.text, n, len(passages))
        scores, misses = agreements.score_passage(passage, summary)
        totals.add(scores)
        report.notes += [f"{passage.id}: {m}" for m in misses]
    report.documents = len(passages)
    report.counts = {"parties": totals.parties}
    report.ratios = dict(sorted(totals.ratios.items()))


def _tracking(
    runner: _Runner, gold_path: Path | None, limit: int | None, judge: Judge | None
) -> None:
    gold = tracking.load(gold_path, limit=limit)
    summaries = {}
    book = AgreementBook(judge=judge)
    for n, (file, text) in enumerate(gold.articles, start=1):
        summary = runner(file, text, n, len(gold.articles))
        summaries[file] = summary
        if summary is not None:
            book.add(summary, article_id=file)
    scores = tracking.score(gold, summaries, book)
    report = runner.report
    report.documents = len(gold.articles)
    report.values = scores.values
    report.ratios = scores.ratios
    report.notes += scores.notes
