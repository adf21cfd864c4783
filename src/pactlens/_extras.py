"""Optional dependencies, imported when a feature needs them, with the extra to install."""

from __future__ import annotations

import importlib
from typing import Any

from pactlens._errors import ConfigError

__all__ = ["need"]


def need(module: str, extra: str, what: str) -> Any:
    """``import module``, or a ConfigError saying that ``what`` needs ``pactlens[extra]``."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ConfigError(f"{what} needs {module}: pip install 'pactlens[{extra}]'") from e
