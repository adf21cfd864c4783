"""The exceptions pactlens raises.

Everything pactlens raises on purpose derives from :class:`PactlensError`, so one
``except pactlens.PactlensError`` catches it all::

    PactlensError
    ├── ConfigError          a setting is missing, contradictory or unusable
    │   └── BackendUnavailable   the local backend's extra or model is not installed
    ├── InputError           empty, binary or oversized article text
    ├── LLMError             the endpoint failed for good (.original is the SDK error)
    ├── ExtractionError      the model never produced valid output (.attempts, .last_output)
    └── CacheError           the cache directory cannot be used

pydantic's ``ValidationError`` is deliberately not shadowed: a validation failure that
survives instructor's re-asks surfaces as :class:`ExtractionError`.
"""

from __future__ import annotations

__all__ = [
    "BackendUnavailable",
    "CacheError",
    "ConfigError",
    "ExtractionError",
    "InputError",
    "LLMError",
    "PactlensError",
]


class PactlensError(Exception):
    """Root of every error pactlens raises on purpose."""


class ConfigError(PactlensError):
    """A setting is missing, contradictory or unusable."""


class BackendUnavailable(ConfigError):
    """The embedded local backend cannot be used (extra not installed, model missing)."""


class InputError(PactlensError, ValueError):
    """The article cannot be summarised as given: empty, binary or too large."""


class LLMError(PactlensError):
    """The model endpoint failed and retrying did not help.

    ``original`` is the exception raised by the OpenAI SDK (or the transport), and
    ``attempts`` how many requests were sent before giving up.
    """

    def __init__(
        self, message: str, *, original: BaseException | None = None, attempts: int = 1
    ) -> None:
        super().__init__(message)
        self.original = original
        self.attempts = attempts


class ExtractionError(PactlensError):
    """The model answered, but never with output that validates against the schema.

    ``attempts`` is the number of completions tried (instructor's re-asks included) and
    ``last_output`` the raw text of the last one, for debugging prompts and models.
    """

    def __init__(self, message: str, *, attempts: int, last_output: str | None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_output = last_output


class CacheError(PactlensError):
    """The cache directory cannot be opened or written."""
