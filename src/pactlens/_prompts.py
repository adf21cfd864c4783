"""Prompts are versioned data files, loaded and validated here.

A prompt file is TOML with ``name``, ``version``, the ``variables`` it takes and its
``system`` and ``user`` templates (``string.Template`` syntax: ``$name``). Loading checks
that the declared variables are exactly those the templates use, and rendering fails
clearly on a missing one. The files live in the repository's ``prompts/`` and are
shipped inside the wheel as ``pactlens/_data/prompts``.
"""

from __future__ import annotations

import functools
import string
import sys
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from pactlens._errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["Prompt", "data_dir", "load_prompt"]


def data_dir(kind: str) -> Path:
    """``prompts/`` or ``schemas/``: inside the installed wheel, or the source checkout."""
    packaged = Path(__file__).parent / "_data" / kind
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / kind
    if checkout.is_dir():
        return checkout
    raise ConfigError(f"pactlens data folder {kind!r} is missing: reinstall pactlens")


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    variables: list[str]
    system: str
    user: str

    def model_post_init(self, _context: object) -> None:
        used = {
            m.group("named") or m.group("braced")
            for template in (self.system, self.user)
            for m in string.Template.pattern.finditer(template)
            if m.group("named") or m.group("braced")
        }
        if used != set(self.variables):
            raise ValueError(
                f"prompt {self.name!r} declares {sorted(self.variables)} but uses {sorted(used)}"
            )

    def render(self, **values: str) -> list[dict[str, str]]:
        """The chat messages, with every declared variable filled in."""
        missing = set(self.variables) - values.keys()
        extra = values.keys() - set(self.variables)
        if missing or extra:
            raise ConfigError(
                f"prompt {self.name!r} v{self.version}: missing {sorted(missing)}, "
                f"unexpected {sorted(extra)}"
            )
        return [
            {"role": "system", "content": string.Template(self.system).substitute(values)},
            {"role": "user", "content": string.Template(self.user).substitute(values)},
        ]


@functools.lru_cache(maxsize=8)
def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    path = (directory or data_dir("prompts")) / f"{name}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Prompt.model_validate(data)
    except FileNotFoundError as e:
        raise ConfigError(f"no prompt {name!r} at {path}") from e
    except (tomllib.TOMLDecodeError, ValidationError, ValueError) as e:
        raise ConfigError(f"prompt file {path} is invalid: {e}") from e
