"""Shared pieces of the benchmarks: timing, percentiles, results on disk."""

import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def timings_ms(call: Callable[[], object], runs: int, warmup: int = 5) -> list[float]:
    """Wall-clock milliseconds of `runs` calls, after `warmup` calls that are not counted."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99, mean and max of samples in milliseconds."""
    ordered = sorted(samples)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {
        "runs": len(ordered),
        "p50_ms": round(percentile(50), 3),
        "p95_ms": round(percentile(95), 3),
        "p99_ms": round(percentile(99), 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
        "max_ms": round(ordered[-1], 3),
    }


def write_results(name: str, data: dict) -> Path:
    """Write one benchmark's figures as JSON under bench/results/ and return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "benchmark": name,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        **data,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def bench_app(name: str):
    """An app on DATABASE_URL, or on a new SQLite file of its own, with the test settings and no SERVER_NAME."""
    from config import TestingConfig
    from directory import create_app

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix=f'bench-{name}-')}/{name}.sqlite3"

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SERVER_NAME = None
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}  # noqa: RUF012

    return create_app(BenchConfig)
