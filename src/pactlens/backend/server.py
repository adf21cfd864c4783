"""Serve the embedded model on loopback with ``llama_cpp.server`` (OpenAI-compatible).

:class:`LocalServer` starts ``python -m llama_cpp.server`` on a free ``127.0.0.1`` port,
in its own process group, under a small launcher that exits when its parent does (so a
killed pactlens leaves no orphan). It waits until ``GET /v1/models`` answers, and stops
the server at :meth:`~LocalServer.stop`, at interpreter exit (``atexit``) or when the
parent dies. :func:`get_server` keeps one per process and restarts it if it died.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import httpx

from pactlens._config import LOCAL_CONTEXT_TOKENS, LOCAL_MODEL_NAME
from pactlens._errors import BackendUnavailable
from pactlens.backend.model_store import INSTALL_HINT, ensure_model

__all__ = [
    "LocalServer",
    "free_port",
    "get_server",
    "launcher",
    "require_runtime",
    "stop_server",
    "usable_cpus",
]

# Runs in the child: exits when the parent pid changes (the parent died, even by
# SIGKILL), drops environment variables llama_cpp.server would read as settings
# (HOST, PORT, API_KEY, CONFIG_FILE, ...), then runs the target module or script.
_LAUNCHER = """\
import os, runpy, sys, threading, time
ppid, target = int(sys.argv[1]), sys.argv[2:]
def _watch():
    while os.getppid() == ppid:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
if target[0] == "-m":
    if target[1] == "llama_cpp.server":
        try:
            from llama_cpp.server.settings import ModelSettings, ServerSettings
        except ImportError as e:
            sys.exit(f"llama_cpp.server cannot be imported: {e}")
        names = {"config_file", *ModelSettings.model_fields, *ServerSettings.model_fields}
        for key in [k for k in os.environ if k.lower() in names]:
            del os.environ[key]
    sys.argv = [target[1], *target[2:]]
    runpy.run_module(target[1], run_name="__main__", alter_sys=True)
else:
    sys.argv = target
    runpy.run_path(target[0], run_name="__main__")
"""

#: How llama.cpp's OpenMP threads wait for each other: they sleep instead of spinning,
#: so a busy laptop or CI box does not turn spare cycles into contention (benchmarks/
#: threads.py: beside one busy process 5.5-5.8 tok/s against 5.1-5.4 spinning). A value
#: in the environment wins.
_QUIET_WAIT = {"OMP_WAIT_POLICY": "PASSIVE"}
_ADDRESS_IN_USE = ("address already in use", "errno 98", "errno 48", "winerror 10048")
_PORT_ATTEMPTS = 3
_LOG_TAIL_LINES = 30


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1  # pragma: no cover - macOS, Windows


def launcher(target: Sequence[str]) -> list[str]:
    """The command that runs ``target`` (``["-m", module]`` or ``[script]``) supervised.

    The child exits as soon as the calling process dies; arguments are appended after.
    """
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *target]


class LocalServer:
    """One ``llama_cpp.server`` process serving ``model_path`` on loopback.

    ``command`` replaces the launcher the server arguments are appended to (tests use
    it); by default it is :func:`launcher` of ``-m llama_cpp.server``. ``n_threads``
    defaults to every usable CPU (llama.cpp's own default, half of them, is slower);
    its threads wait passively (``OMP_WAIT_POLICY=PASSIVE``) unless the environment or
    ``env`` says otherwise. ``env`` adds to the server's environment.
    ``port=None`` picks a free port, and another if the server loses a race for it.
    Output goes to ``log_path`` (truncated at each start, removed by a clean
    :meth:`stop`, kept when the start fails), or to an anonymous temporary file.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        n_ctx: int = LOCAL_CONTEXT_TOKENS,
        n_threads: int | None = None,
        command: Sequence[str] | None = None,
        startup_timeout: float = 180.0,
        log_path: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.host = host
        self.n_ctx = n_ctx
        self.n_threads = n_threads if n_threads is not None else usable_cpus()
        self.startup_timeout = startup_timeout
        self.log_path = log_path
        self.env = dict(env or {})
        self._requested_port = port
        self._port: int | None = port
        self._command = list(command) if command is not None else None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._lock = threading.RLock()

    # -- public surface -------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise BackendUnavailable("the local server has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT/v1``, for an OpenAI client."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def args(self, port: int) -> list[str]:
        """The server arguments (appended to the launcher command)."""
        return [
            "--model", str(self.model_path),
            "--model_alias", LOCAL_MODEL_NAME,
            "--host", self.host,
            "--port", str(port),
            "--n_ctx", str(self.n_ctx),
            "--n_threads", str(self.n_threads),
            "--n_threads_batch", str(self.n_threads),
            # Scores for every position would cost n_ctx x vocab floats (5 GB at 8192).
            "--logits_all", "False",
            "--use_mlock", "False",
        ]  # fmt: skip

    def start(self) -> LocalServer:
        """Start the server and wait until it answers; idempotent while it runs."""
        with self._lock:
            if self.is_running():
                return self
            self._cleanup()
            attempts = 1 if self._requested_port is not None else _PORT_ATTEMPTS
            for attempt in range(1, attempts + 1):
                port = self._requested_port or free_port(self.host)
                try:
                    self._launch(port)
                    self._wait_ready(port)
                except _AddressInUse as e:
                    last = attempt == attempts
                    self._cleanup(keep_log=last)
                    if last:
                        raise BackendUnavailable(str(e)) from None
                    continue
                except BaseException:
                    self._cleanup(keep_log=True)
                    raise
                self._port = port
                atexit.register(self.stop)
                return self
            raise AssertionError("unreachable")  # pragma: no cover

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (its whole process group), then kill it; idempotent."""
        with self._lock:
            atexit.unregister(self.stop)
            self._cleanup(timeout=timeout)

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running at {self.base_url}" if self.is_running() else "stopped"
        return f"<LocalServer {self.model_path.name} {state}>"

    # -- internals ------------------------------------------------------------------

    def _launch(self, port: int) -> None:
        prefix = self._command or launcher(["-m", "llama_cpp.server"])
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("w+b")
        else:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _cleanup
        env = {**_QUIET_WAIT, **os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        popen: dict[str, Any] = {}
        if os.name == "posix":
            popen["start_new_session"] = True
        else:  # pragma: no cover - Windows
            popen["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        try:
            self._proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [*prefix, *self.args(port)],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                env=env,
                **popen,
            )
        except OSError as e:
            raise BackendUnavailable(f"cannot start the local model server: {e}") from e

    def _wait_ready(self, port: int) -> None:
        url = f"http://{self.host}:{port}/v1/models"
        deadline = time.monotonic() + self.startup_timeout
        # trust_env=False: a proxy from the environment must not see loopback traffic.
        with httpx.Client(trust_env=False, timeout=2.0) as client:
            while True:
                assert self._proc is not None
                code = self._proc.poll()
                if code is not None:
                    tail = self._log_tail()
                    if any(s in tail.lower() for s in _ADDRESS_IN_USE):
                        raise _AddressInUse(self._failure(f"port {port} was taken", tail))
                    raise BackendUnavailable(self._failure(f"it exited with code {code}", tail))
                if _serves_model(client, url):
                    return
                if time.monotonic() > deadline:
                    raise BackendUnavailable(
                        self._failure(
                            f"it did not answer within {self.startup_timeout:g}s",
                            self._log_tail(),
                        )
                    )
                time.sleep(0.2)

    def _failure(self, what: str, tail: str) -> str:
        where = f" (log: {self.log_path})" if self.log_path is not None else ""
        hint = ""
        if "no module named" in tail.lower() and "llama_cpp" in tail:
            hint = f"\nThe local backend's extra is not installed: {INSTALL_HINT}"
        return (
            f"the local model server failed to start: {what}{where}{hint}\n"
            f"--- last lines of its output ---\n{tail}"
        )

    def _log_tail(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.flush()
            self._log.seek(0, os.SEEK_END)
            size = self._log.tell()
            self._log.seek(max(0, size - 16_384))
            data = self._log.read()
        except (OSError, ValueError):
            return ""
        lines = data.decode("utf-8", "replace").splitlines()
        return "\n".join(lines[-_LOG_TAIL_LINES:])

    def _cleanup(self, *, keep_log: bool = False, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            _terminate(proc, timeout)
        log, self._log = self._log, None
        if log is not None:
            log.close()
            if self.log_path is not None and not keep_log:
                self.log_path.unlink(missing_ok=True)
        if self._requested_port is None:
            self._port = None


class _AddressInUse(BackendUnavailable):
    pass


def _serves_model(client: httpx.Client, url: str) -> bool:
    try:
        response = client.get(url)
        if response.status_code != 200:
            return False
        data = response.json().get("data", [])
    except (httpx.HTTPError, ValueError, AttributeError):
        return False
    return any(isinstance(m, dict) and m.get("id") == LOCAL_MODEL_NAME for m in data)


def _terminate(proc: subprocess.Popen[bytes], timeout: float) -> None:
    if proc.poll() is None:
        _signal(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal(proc, getattr(signal, "SIGKILL", signal.SIGTERM))
    proc.wait()


def _signal(proc: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(proc.pid, sig)
        else:  # pragma: no cover - Windows
            proc.send_signal(sig)


def require_runtime() -> None:
    """Raise :class:`BackendUnavailable` unless ``llama-cpp-python[server]`` is installed."""
    modules = ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "pydantic_settings")
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise BackendUnavailable(
            f"the local backend needs llama-cpp-python's server ({', '.join(missing)} "
            f"not installed); install it with: {INSTALL_HINT}"
        )


_server: LocalServer | None = None
_server_lock = threading.Lock()


def get_server(data_dir: Path, *, model_path: Path | None = None, **options: Any) -> LocalServer:
    """The process-wide server: the model is ensured and the server started once.

    Every later call returns the same running server; one that died is restarted.
    ``options`` go to :class:`LocalServer` when it is (re)started.
    """
    global _server
    with _server_lock:
        if _server is not None and _server.is_running():
            return _server
        if _server is not None:
            _server.stop()
            _server = None
        if "command" not in options:
            require_runtime()
        model = ensure_model(data_dir, override=model_path)
        options.setdefault("log_path", data_dir / "logs" / f"server-{os.getpid()}.log")
        server = LocalServer(model, **options)
        server.start()
        _server = server
        return server


def stop_server() -> None:
    """Stop the process-wide server, if one runs (it is also stopped at exit)."""
    global _server
    with _server_lock:
        if _server is not None:
            _server.stop()
            _server = None
