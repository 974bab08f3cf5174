"""Litestream as a child of `harbour serve`: started with it, watched, restarted, stopped with it.

A watcher thread asks Litestream's control socket once a second when each replica last
caught up (its `last_sync_at`: a successful sync, every SYNC_INTERVAL, idle or not) and
keeps the answer, so /healthz reads memory, never the socket. The child is told by the
kernel to stop when the server dies, even by `kill -9`, so it never outlives it (and a
new server never runs beside an orphaned replicator).
"""

from __future__ import annotations

import ctypes
import http.client
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from directory.ops import carried_files
from directory.ops.errors import OpsError
from directory.ops.replicate import REPLICATED, check_url, litestream_binary, litestream_config

log = logging.getLogger("harbour.replicate")

POLL_SECONDS = 1.0
RESTART_AFTER_SECONDS = 30.0  # a replicator that died is started again, but not in a tight loop
START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 15.0  # Litestream syncs what it has left before it exits
LOG_NAME = "replicate.log"
PR_SET_PDEATHSIG = 1


@dataclass
class Snapshot:
    """What the watcher last learnt; read by /healthz."""

    started: float
    running: bool = True
    exit_code: int | None = None
    died_at: float | None = None
    restarts: int = 0
    last_error: str = ""
    synced_at: dict[str, float] = field(default_factory=dict)  # database name → epoch seconds


class Replicator:
    def __init__(self, data_dir: Path, url: str, max_lag: float):
        self.data_dir, self.max_lag = data_dir, max_lag
        self.url = check_url(url, data_dir)
        self.binary = litestream_binary()
        # A short private folder for the socket (a Unix socket path is limited to ~100 bytes).
        self.runtime = Path(tempfile.mkdtemp(prefix="harbour-ls-"))
        self.socket = self.runtime / "control.sock"
        self.config = self.runtime / "litestream.yml"
        self.config.write_text(litestream_config(data_dir, self.url, self.socket), encoding="utf-8")
        self.log_path = data_dir / LOG_NAME
        self.process: subprocess.Popen | None = None
        self.snapshot = Snapshot(started=time.time())
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.carried = None
        self.thread = threading.Thread(target=self._watch, name="harbour-replicate", daemon=True)

    # -- life cycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start Litestream and wait until it answers; one clear error if it cannot run."""
        self._carry()
        self._spawn()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._cleanup()
                raise OpsError(f"litestream stopped at start: {self._last_log_line() or 'no message'}")
            if self._ask("/info") is not None:
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise OpsError(f"litestream did not answer within {START_TIMEOUT_SECONDS:.0f} s")
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        shutil.rmtree(self.runtime, ignore_errors=True)

    def _spawn(self) -> None:
        log_file = self.log_path.open("ab")
        parent = os.getpid()
        prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before fork: nothing to load in the child

        def die_with_parent() -> None:
            prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
            if os.getppid() != parent:  # the server died between fork and prctl
                os._exit(1)

        try:
            self.process = subprocess.Popen(
                [self.binary, "replicate", "-no-expand-env", "-config", str(self.config)],
                stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, preexec_fn=die_with_parent,
            )
        finally:
            log_file.close()
        with self.lock:
            self.snapshot.running, self.snapshot.exit_code, self.snapshot.died_at = True, None, None

    # -- watching -------------------------------------------------------------------------------------

    def _watch(self) -> None:
        while not self.stopping.wait(POLL_SECONDS):
            try:
                self._tick()
            except Exception:  # a watcher that dies would leave /healthz reporting stale news
                log.exception("replication watcher")

    def _tick(self) -> None:
        code = self.process.poll()
        if code is not None:
            now = time.time()
            with self.lock:
                if self.snapshot.running:
                    self.snapshot.running, self.snapshot.exit_code, self.snapshot.died_at = False, code, now
                    self.snapshot.last_error = self._last_log_line()
                    log.warning("litestream exited with %s: %s", code, self.snapshot.last_error)
                due = now - self.snapshot.died_at >= RESTART_AFTER_SECONDS
            if due and not self.stopping.is_set():
                self._spawn()
                with self.lock:
                    self.snapshot.restarts += 1
            return
        self._carry()
        answer = self._ask("/list")
        if answer is None:
            return
        by_path = {Path(d["path"]).name: d.get("last_sync_at") for d in answer.get("databases", [])}
        with self.lock:
            for name in REPLICATED:
                stamp = parse_stamp(by_path.get(name))
                if stamp is not None:
                    self.snapshot.synced_at[name] = stamp

    def _carry(self) -> None:
        signature = carried_files.signature(self.data_dir)
        if signature != self.carried:
            carried_files.carry(self.data_dir)
            self.carried = signature

    def _ask(self, path: str) -> dict | None:
        """GET a path of Litestream's control socket; None if it does not answer."""
        conn = _UnixHTTPConnection(str(self.socket), timeout=2)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return json.loads(response.read()) if response.status == 200 else None
        except (OSError, ValueError, http.client.HTTPException):
            return None
        finally:
            conn.close()

    def _last_log_line(self) -> str:
        try:
            with self.log_path.open("rb") as file:
                file.seek(max(0, file.seek(0, os.SEEK_END) - 4096))
                lines = [line for line in file.read().decode("utf-8", "replace").splitlines() if line.strip()]
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""

    # -- reporting ------------------------------------------------------------------------------------

    def status(self, now: float | None = None) -> dict:
        with self.lock:
            snapshot = Snapshot(**{**self.snapshot.__dict__, "synced_at": dict(self.snapshot.synced_at)})
        return replication_status(snapshot, now if now is not None else time.time(), self.max_lag)


def replication_status(snapshot: Snapshot, now: float, max_lag: float) -> dict:
    """The JSON /healthz gives for replication, and its one-line problem if any (pure)."""
    databases = []
    for name in REPLICATED:
        synced = snapshot.synced_at.get(name)
        behind = now - (synced if synced is not None else snapshot.started)
        databases.append({"name": name, "synced_at": _iso(synced), "behind_seconds": round(max(0.0, behind), 1)})
    behind = max(d["behind_seconds"] for d in databases)
    problem = None
    if not snapshot.running:
        problem = f"the replicator died (exit code {snapshot.exit_code}): {snapshot.last_error or 'no message'}"
    elif behind > max_lag:
        problem = f"the replica is {behind:.0f} s behind (the limit is {max_lag:.0f} s)"
    return {
        "state": "running" if snapshot.running else "dead",
        "behind_seconds": behind,
        "max_lag_seconds": max_lag,
        "restarts": snapshot.restarts,
        "databases": databases,
        "problem": problem,
    }


def parse_stamp(text: str | None) -> float | None:
    """Litestream's RFC 3339 time with nanoseconds, as epoch seconds."""
    if not text:
        return None
    head, _, rest = text.rstrip("Z").partition(".")
    try:
        moment = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    fraction = float("0." + "".join(c for c in rest if c.isdigit())) if rest else 0.0
    return moment.timestamp() + fraction


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)
