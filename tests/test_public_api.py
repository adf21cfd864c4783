from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pactlens
from pactlens._prompts import load_prompt
from pactlens._resources import data_dir

ROOT = Path(__file__).resolve().parents[1]


#: The subpackages that hold the layers: modules, not API (README, "How the code is laid out");
#: and pactlens.ray, the cluster API, imported by name (it needs the [ray] extra).
LAYERS = {"backend", "cli", "grounding", "lexicon", "render", "text", "tracking", "ray"}


def test_all_is_exactly_the_public_names() -> None:
    public = {name for name in dir(pactlens) if not name.startswith("_")}
    layers = {name for name in public if isinstance(getattr(pactlens, name), ModuleType)}
    assert layers <= LAYERS
    assert set(pactlens.__all__) == public - layers
    assert pactlens.__all__ == sorted(pactlens.__all__)


def test_import_pactlens_is_light_and_loads_the_rest_on_first_use() -> None:
    heavy = ("pactlens._eval", "pactlens._pipeline", "openai", "instructor")
    code = (
        "import sys, pactlens; "
        f"print([m for m in sys.modules if m.startswith({heavy!r})]); "
        "pactlens.Summariser, pactlens.evaluate; "
        "print(sorted(m for m in ('pactlens._pipeline', 'pactlens._eval.harness') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = out.stdout.splitlines()
    assert before == "[]"
    assert after == "['pactlens._eval.harness', 'pactlens._pipeline']"


def test_errors_share_one_root() -> None:
    for name in (
        "ConfigError",
        "InputError",
        "LLMError",
        "ExtractionError",
        "CacheError",
        "BackendUnavailable",
    ):
        assert issubclass(getattr(pactlens, name), pactlens.PactlensError)


def test_committed_record_schema_matches_the_tracker() -> None:
    committed = json.loads((ROOT / "schemas" / "agreement_record.schema.json").read_text("utf-8"))
    assert committed == pactlens.AgreementRecord.model_json_schema(), (
        "schemas/ drifted from the models: run `python -m pactlens schema --write schemas`"
    )


def test_committed_schema_matches_the_models() -> None:
    committed = json.loads((ROOT / "schemas" / "article_summary.schema.json").read_text("utf-8"))
    assert committed == pactlens.ArticleSummary.model_json_schema(), (
        "schemas/ drifted from the models: run `python -m pactlens schema --write schemas`"
    )


def test_prompt_loads_and_declares_its_variables() -> None:
    prompt = load_prompt("extract")
    assert prompt.version
    messages = prompt.render(**{v: f"<{v}>" for v in prompt.variables})
    assert "<sentences>" in messages[1]["content"]
    assert data_dir("prompts").is_dir()


def test_config_from_env_reads_the_edge_only() -> None:
    env = {
        "OPENAI_API_KEY": "sk-x",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "PACTLENS_MODEL": "m",
        "PACTLENS_CACHE_DIR": "/tmp/pl",
    }
    config = pactlens.Config.from_env(env, model="explicit")
    assert config.model == "explicit" and config.base_url == "http://127.0.0.1:9/v1"
    assert config.cache_dir == Path("/tmp/pl") and config.resolved_backend == "openai"
    assert "sk-x" not in repr(config)
    assert pactlens.Config.from_env({}).resolved_backend == "local"
    assert pactlens.Config.from_env(env, backend="local", base_url=None).resolved_backend == "local"
