"""layers.js's own tests (tests/js/), run by Node's test runner.

Projection, hit testing and tooltips of pcnmap's canvas layers, against the
real Leaflet the app serves. Skipped, with the reason, where Node is absent.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from pcnmap.maps import assets, elements

ROOT = Path(__file__).resolve().parents[2]


def test_layers_script_passes_its_own_tests() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: layers.js's own tests need its test runner")
    run = subprocess.run(
        [node, "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True,
        timeout=120, check=False,
        env={"LEAFLET_JS": str(assets.leaflet_folder() / "leaflet-src.js"),
             "LAYERS_JS": str(elements.LAYERS_FILE), "PATH": str(Path(node).parent)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 11" in run.stdout
