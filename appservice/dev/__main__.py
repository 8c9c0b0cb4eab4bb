"""Run soudan on this machine from a fresh clone.

    python3 -m appservice.dev          start Synapse + soudan on SQLite (Ctrl-C stops both)
    python3 -m appservice.dev test     lint, type-check and run the test suite

The first part runs on a bare Python 3.11 with the standard library only: it makes `.venv`
beside the clone, installs soudan with its test extras (Synapse and matrix-nio included), then
continues inside that environment. The install is repeated only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("SOUDAN_VENV", ROOT / ".venv"))
PYTHON = VENV / "bin" / "python"


def _ensure_venv() -> None:
    stamp = VENV / ".soudan-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing soudan and its dependencies (first run: about a minute) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    # setuptools' build warnings are for package maintainers, not for someone starting soudan.
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True, env=env)
    stamp.write_text(wanted)


def _in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def main() -> None:
    args = sys.argv[1:]
    _ensure_venv()
    if not _in_venv():
        os.execv(PYTHON, [str(PYTHON), "-m", "appservice.dev", *args])
    os.chdir(ROOT)
    if args[:1] == ["test"]:
        from .checks import run_tests

        sys.exit(run_tests(args[1:]))
    from .localsystem import run_local_system

    sys.exit(run_local_system())


if __name__ == "__main__":
    main()
