"""The README's test command on a machine without nginx: the deploy tests
end in skips with the reason, not errors; CI requires them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def deploy_tests(**environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/deploy", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PCNMAP_DEPLOY_TESTS": "", **environment})


def test_without_nginx_they_are_skipped_with_the_reason(tmp_path: Path) -> None:
    run = deploy_tests(PCNMAP_NGINX=str(tmp_path / "no-nginx"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in run.stdout.lower()
    assert f"deploy test skipped: nginx ({tmp_path / 'no-nginx'}) is not installed" \
        in run.stdout
    assert " skipped" in run.stdout.splitlines()[-1] and "passed" not in run.stdout


def test_ci_requires_them(tmp_path: Path) -> None:
    run = deploy_tests(PCNMAP_NGINX=str(tmp_path / "no-nginx"), PCNMAP_DEPLOY_TESTS="required")
    assert run.returncode != 0
    assert "deploy tests required, but nginx" in run.stdout + run.stderr
    assert "PCNMAP_DEPLOY_TESTS=required" in (ROOT / ".ci" / "run").read_text()
