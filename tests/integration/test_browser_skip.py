"""The README's test command on a machine without Chromium or playwright:
the browser tests end in skips with the reason, not errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def browser_tests(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "tests/browser", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PCNMAP_BROWSER_TESTS": "", **environment})


def test_without_chromium_they_are_skipped_with_the_reason(tmp_path: Path) -> None:
    run = browser_tests(tmp_path, PCNMAP_CHROMIUM=str(tmp_path / "no-chromium"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "error" not in run.stdout.lower()
    assert f"browser test skipped: Chromium ({tmp_path / 'no-chromium'}) is not installed" \
        in run.stdout
    assert " skipped" in run.stdout.splitlines()[-1] and "passed" not in run.stdout


def test_without_playwright_they_are_skipped_with_the_reason(tmp_path: Path) -> None:
    broken = tmp_path / "site" / "playwright"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('no playwright here')\n")
    run = browser_tests(tmp_path, PYTHONPATH=str(tmp_path / "site"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the playwright package is not installed" in run.stdout


def test_ci_requires_them(tmp_path: Path) -> None:
    run = browser_tests(tmp_path, PCNMAP_CHROMIUM=str(tmp_path / "no-chromium"),
                        PCNMAP_BROWSER_TESTS="required")
    assert run.returncode != 0
    assert "browser tests required, but Chromium" in run.stdout + run.stderr
    assert "PCNMAP_BROWSER_TESTS=required" in (ROOT / ".ci" / "run").read_text()
