"""nginx in front of two replicas on 127.0.0.1, from the recipe's own files
(deploy/try_locally.py): every page under /pcnmap/, sessions sticky and
spread, the proxy's rules, and a replica killed with no error for the
sessions that came after. The script checks each as it goes; the test reads
its findings as well, so a weakened check shows here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.pages import PAGES

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.deploy


def alive(pid: int) -> bool:
    """Whether a process still runs (a zombie has ended)."""
    try:
        return " Z " not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]
    except OSError:
        return False


def test_two_replicas_behind_nginx(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    run = subprocess.run([sys.executable, "deploy/try_locally.py", "--summary", str(summary)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
    output = run.stdout[-8000:] + run.stderr[-4000:]
    assert run.returncode == 0, output
    found = json.loads(summary.read_text())
    assert found["passed"], output
    # Every page, each with its own title (no page served in place of another).
    assert set(found["pages"]) == {page.url_path for page in PAGES}
    assert len(set(found["pages"].values())) == len(PAGES)
    assert found["leaflet"] == ["/pcnmap/app/static/leaflet/leaflet.js"]
    # Sticky and spread: twelve sessions on both replicas, each kept to one.
    sticky = found["sticky"]
    assert sum(sticky["by_replica"].values()) == 12 and len(sticky["by_replica"]) == 2
    assert sticky["other_replica_refused"] == 400
    rules = found["rules"]
    assert set(rules["metrics_through_proxy"].values()) == {403}
    assert len(rules["metrics_through_proxy"]) >= 6 and rules["metrics_direct"] == 200
    assert (rules["largest_upload"], rules["over_cap"]) == (204, 413)
    assert (rules["health"], rules["http"], rules["elsewhere"]) == (200, 301, 404)
    # The kill: sessions after it, some whose cookie named the killed replica,
    # all answered by the other with no error.
    kill = found["kill"]
    assert kill["after_errors"] == 0 and kill["survivor_errors"] == 0
    assert kill["returning"] >= 1 and kill["after"] >= 11 and kill["after_reruns"] >= kill["after"]
    assert 0 < kill["slowest_rerun_s"] < 180  # reported; over 180 s is an error above
    assert kill["answered_by"] == [next(r for r in kill["by_replica"]
                                        if not r.endswith(f":{kill['killed']}"))]
    # Nothing it started is left running.
    assert found["started"] and not [pid for pid in found["started"] if alive(pid)]
