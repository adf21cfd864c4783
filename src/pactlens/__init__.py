"""pactlens: typed, grounded summaries of news articles about agreements.

    >>> import pactlens
    >>> summary = pactlens.summarise(open("article.txt").read())  # doctest: +SKIP
    >>> summary.agreements[0].status  # doctest: +SKIP
    'signed'

The whole public API is re-exported here; everything in ``pactlens._*`` is private.
"""

from pactlens._batch import Ledger, Result
from pactlens._clean import clean
from pactlens._config import Config, RetryPolicy
from pactlens._errors import (
    BackendUnavailable,
    CacheError,
    ConfigError,
    ExtractionError,
    InputError,
    LLMError,
    PactlensError,
)
from pactlens._eval.harness import evaluate
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
from pactlens._pipeline import Summariser, asummarise, summarise
from pactlens._version import __version__ as __version__

__all__ = [
    "Agreement",
    "Article",
    "ArticleSummary",
    "BackendUnavailable",
    "CacheError",
    "Clause",
    "Config",
    "ConfigError",
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
    "Representative",
    "Result",
    "RetryPolicy",
    "Span",
    "Statement",
    "Summariser",
    "Usage",
    "asummarise",
    "clean",
    "evaluate",
    "summarise",
]
