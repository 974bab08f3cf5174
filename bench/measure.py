"""Run a benchmark variant in a fresh process and report its wall time and peak memory."""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Callable


def measure_in_child(module: str, variant: str, *args: str) -> dict:
    """Run `python -m module --child variant args…`; it prints one JSON line of results."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--child", variant, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"{module} {variant} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(work: Callable[[], object]) -> dict:
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 3), "peak_mb": round(peak_mb, 1), "result": result}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
