"""Startup figures: Synapse, soudan on SQLite and on PostgreSQL, and the whole local system.

    .venv/bin/python bench/startup.py [--runs 3]

Prints the median and range of each over several runs, in a fresh directory each time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from appservice.dev.testbed import Homeserver, Soudan, free_port  # noqa: E402
from tests.pgserver import find_or_start  # noqa: E402


def _stack_once(directory: Path, database_url: str) -> tuple[float, float]:
    hs = Homeserver(directory / "synapse", "bench.test", free_port(), directory / "reg.yaml", "c-")
    soudan = Soudan(directory / "soudan", free_port(), hs, database_url, ["@admin:bench.test"])
    soudan.write_config()
    hs.write_config()
    synapse = hs.start()
    try:
        hs_seconds = synapse.wait_ready(hs.ready_url)
        service = soudan.start()
        try:
            return hs_seconds, service.wait_ready(soudan.ready_url)
        finally:
            service.stop()
    finally:
        synapse.stop()


def _local_system_once(directory: Path) -> float:
    env = {
        **os.environ,
        "SOUDAN_LOCAL_DIR": str(directory),
        "SOUDAN_HS_PORT": str(free_port()),
        "SOUDAN_AS_PORT": str(free_port()),
    }
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "appservice.dev"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Press Ctrl-C"):
            break
    seconds = time.monotonic() - start
    process.send_signal(2)
    process.wait(30)
    return seconds


def _report(name: str, samples: list[float]) -> None:
    print(
        f"{name:<34} median {statistics.median(samples):5.2f} s"
        f"   min {min(samples):5.2f}   max {max(samples):5.2f}   runs {len(samples)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        pg = find_or_start(str(Path(tmp) / "pg"))
        figures: dict[str, list[float]] = {}
        for i in range(runs):
            pg_name = f"bench_{secrets.token_hex(4)}"
            backends = {
                "sqlite": f"sqlite:{Path(tmp) / f'sq{i}.db'}",
                "postgres": pg.create_database(pg_name),
            }
            for backend, url in backends.items():
                hs_s, soudan_s = _stack_once(Path(tmp) / f"{backend}{i}", url)
                figures.setdefault("synapse start (SQLite)", []).append(hs_s)
                figures.setdefault(f"soudan start ({backend})", []).append(soudan_s)
            pg.drop_database(pg_name)
            figures.setdefault("local system, first start", []).append(
                _local_system_once(Path(tmp) / f"local{i}")
            )
        pg.stop()
    for name, samples in figures.items():
        _report(name, samples)


if __name__ == "__main__":
    main()
