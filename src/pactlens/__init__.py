"""pactlens: typed, grounded summaries of news articles about agreements.

    >>> import pactlens
    >>> summary = pactlens.summarise(open("article.txt").read())  # doctest: +SKIP
    >>> summary.agreements[0].status  # doctest: +SKIP
    'signed'

The whole public API is re-exported here. Everything else is internal: the
``pactlens._*`` modules and the subpackages that hold the layers (``text``, ``lexicon``,
``grounding``, ``backend``, ``render``, ``cli``); see "How the code is laid out" in the
README. The model-facing names (``Summariser``, ``summarise``, ``asummarise``, which need
openai and instructor), ``evaluate`` and the tracker (``track``, ``open_book``,
``AgreementBook`` and its records) load on first use, so ``import pactlens`` stays
light: cleaning, the models and the errors need neither. ``pactlens.ray``
(``summarise_dataset``, the ``[ray]`` extra) is imported by name when a cluster is used.
"""

import typing as _typing

from pactlens._batch import Ledger, Result
from pactlens._config import Config, RateLimit, RetryPolicy
from pactlens._errors import (
    BackendUnavailable,
    CacheError,
    ConfigError,
    ExtractionError,
    InputError,
    LLMError,
    PactlensError,
)
from pactlens._models import (
    Agreement,
    Article,
    ArticleSummary,
    Clause,
    Dateline,
    GroundingReport,
    Meta,
    Obligation,
    Party,
    Representative,
    Span,
    Statement,
    Usage,
)
from pactlens._version import __version__ as __version__
from pactlens.text import clean

if _typing.TYPE_CHECKING:
    from pactlens._eval.harness import evaluate
    from pactlens._pipeline import Summariser, asummarise, summarise
    from pactlens.tracking import (
        AgreementBook,
        AgreementRecord,
        ArticleRef,
        Conflict,
        StatusEvent,
        open_book,
        track,
    )

#: Names loaded on first use, and the module each comes from.
_LAZY = {
    "Summariser": "pactlens._pipeline",
    "asummarise": "pactlens._pipeline",
    "summarise": "pactlens._pipeline",
    "evaluate": "pactlens._eval.harness",
    "AgreementBook": "pactlens.tracking",
    "AgreementRecord": "pactlens.tracking",
    "ArticleRef": "pactlens.tracking",
    "Conflict": "pactlens.tracking",
    "StatusEvent": "pactlens.tracking",
    "open_book": "pactlens.tracking",
    "track": "pactlens.tracking",
}

__all__ = [
    "Agreement",
    "AgreementBook",
    "AgreementRecord",
    "Article",
    "ArticleRef",
    "ArticleSummary",
    "BackendUnavailable",
    "CacheError",
    "Clause",
    "Config",
    "ConfigError",
    "Conflict",
    "Dateline",
    "ExtractionError",
    "GroundingReport",
    "InputError",
    "LLMError",
    "Ledger",
    "Meta",
    "Obligation",
    "PactlensError",
    "Party",
    "RateLimit",
    "Representative",
    "Result",
    "RetryPolicy",
    "Span",
    "Statement",
    "StatusEvent",
    "Summariser",
    "Usage",
    "asummarise",
    "clean",
    "evaluate",
    "open_book",
    "summarise",
    "track",
]


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pactlens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
