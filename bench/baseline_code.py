"""Run another commit's code beside this one: for before/after figures measured in one run."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def export_ref(ref: str, dest: Path) -> Path:
    """The tree of ``ref`` (a commit, branch or tag of this repository) unpacked into ``dest``."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", ref],
        check=True,
        capture_output=True,
    ).stdout
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def run_python(code_dir: Path, source: str, *args: str) -> str:
    """Run ``source`` with ``code_dir`` first on the path; returns its stdout (last line = JSON)."""
    env = {**os.environ, "PYTHONPATH": str(code_dir)}
    done = subprocess.run(
        [sys.executable, "-c", source, *args],
        cwd=code_dir,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout
