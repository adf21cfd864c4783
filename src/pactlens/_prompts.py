"""Prompts are versioned data files, loaded and validated here.

A prompt file is TOML with ``name``, ``version``, the ``variables`` it takes, its
``system`` and ``user`` templates (``string.Template`` syntax: ``$name``) and the
``formats`` in which the prepared facts are written into those variables. Loading checks
that the declared variables are exactly those the templates use, and rendering fails
clearly on a missing one. The files live in the repository's ``prompts/`` and are
shipped inside the wheel as ``pactlens/_data/prompts``.
"""

from __future__ import annotations

import functools
import string
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pactlens._errors import ConfigError
from pactlens._resources import data_dir
from pactlens.grounding.injection import is_instruction_like

if TYPE_CHECKING:
    from pactlens.grounding import Prepared

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

__all__ = ["Prompt", "load_prompt"]


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    variables: list[str]
    system: str
    user: str
    formats: dict[str, str] = Field(default_factory=dict)

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

    def variables_for(self, prepared: Prepared, window: range | None = None) -> dict[str, str]:
        """The template variables for one prepared article, worded by ``formats``; with
        ``window`` (sentence numbers, from 1), only what lies in those sentences, under
        the whole article's numbers (see :mod:`pactlens.grounding.windows`)."""
        inside = window if window is not None else range(1, len(prepared.sentences) + 1)
        article, fmt = prepared.article, self._format
        dateline = fmt("dateline_unknown")
        if article.dateline is not None and (article.dateline.date or article.dateline.place):
            when = f"{article.dateline.date:%A %d %B %Y}" if article.dateline.date else ""
            where = (
                fmt("dateline_where", place=article.dateline.place)
                if article.dateline.place
                else ""
            )
            dateline = " ".join(filter(None, [fmt("dateline_filed"), when, where]))
            dateline += fmt("dateline_note")
        sentences = "\n".join(
            fmt("sentence_withheld", number=n)
            if n in prepared.withheld
            else fmt("sentence", number=n, text=" ".join(prepared.sentences[n - 1].text.split()))
            for n in inside
        )
        lines: list[str] = []
        open_questions: list[str] = []
        for n, attribution in enumerate(prepared.attributions, start=1):
            words = attribution.quote.span.text.split()
            opening = " ".join(words[:8]) + (fmt("quotation_more") if len(words) > 8 else "")
            said = (
                fmt("said_by", speaker=attribution.speaker)
                if attribution.speaker
                else fmt("speaker_not_given")
            )
            at = prepared.sentence_of(attribution.quote.span.start)
            if at not in inside:
                continue
            if at in prepared.withheld:
                lines.append(fmt("quotation_withheld", number=n, sentence=at))
                continue
            lines.append(fmt("quotation", number=n, sentence=at, opening=opening, said=said))
            if not attribution.speaker:
                open_questions.append(fmt("quote_ref", number=n))
        agreements = []
        for n, candidate in enumerate(prepared.candidates, start=1):
            numbers = [
                k + 1
                for k in candidate.sentences
                if k + 1 not in prepared.withheld and k + 1 in inside
            ]
            if window is not None and not numbers:
                continue
            cue = candidate.status_cue
            status = (
                fmt("status_settled", status=candidate.status, cue=" ".join(cue.span.text.split()))
                if candidate.status is not None and cue is not None
                else fmt("status_open")
            )
            agreements.append(
                fmt(
                    "agreement",
                    number=n,
                    name=" ".join(candidate.name.split()),
                    sentences=" ".join(fmt("agreement_sentence", number=k) for k in numbers),
                    status=status,
                )
            )
        return {
            "agreements": "\n".join(agreements) or fmt("no_agreements"),
            "title": fmt("no_title")
            if not article.title or is_instruction_like(article.title)
            else article.title,
            "dateline": dateline,
            "sentences": sentences,
            "quotations": "\n".join(lines) or fmt("no_quotations"),
            "speaker_task": ", ".join(open_questions) or fmt("no_speaker_task"),
        }

    def _format(self, key: str, **values: object) -> str:
        try:
            return string.Template(self.formats[key]).substitute(values)
        except (KeyError, ValueError) as e:
            raise ConfigError(f"prompt {self.name!r} v{self.version}: format {key!r}: {e}") from e


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
