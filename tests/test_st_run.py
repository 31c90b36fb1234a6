"""The `st run` block of docs/st-run.md, schemathesis' own CLI with st/'s configuration, finds nothing wrong.

Run as a user runs it: the block itself, by bash, from a directory laid out like the checkout's root,
against the mock served by its own process. It takes about half a minute, so it is in the slow tier.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.documentation import FULL_KEY, of_kind
from tests.support.environments import REPO, clean_env
from tests.support.served import running

pytestmark = pytest.mark.slow
PHASES = ("Examples", "Coverage", "Fuzzing", "Stateful")


def test_st_run_as_the_docs_show_it_ends_with_no_failure(tmp_path: Path) -> None:
    [block] = of_kind("st-run")
    # What the block reads from the checkout, copied: schemathesis keeps its cache where it runs.
    shutil.copy(REPO / "openapi.yaml", tmp_path / "openapi.yaml")
    shutil.copytree(REPO / "st", tmp_path / "st", ignore=shutil.ignore_patterns("__pycache__"))
    with running("granian") as mock:
        proc = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=tmp_path,
            env=clean_env(BASE=mock.base_url, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"),
            capture_output=True,
            text=True,
            timeout=600,
        )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "No issues found" in out, out[-4000:]
    for phase in PHASES:
        assert f"✅ {phase}" in out, f"the {phase} phase did not run and pass:\n{out[-4000:]}"
    assert "Tested: 8" in out, out[-4000:]
    [(generated, passed)] = re.findall(r"(\d+) generated, (\d+) passed", out)
    assert int(generated) == int(passed) > 500, out[-4000:]
    assert not FULL_KEY.search(out), "the run printed a full key"
