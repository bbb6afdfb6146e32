"""What a fresh interpreter loads when the app starts (a process is started)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_app_and_its_pages_start_without_spopt() -> None:
    """spopt and libpysal (two seconds to import) load only when a draft is
    made: not with the app's data module, the model or the page's parts."""
    code = ("import sys, ui.data, ui.neighbourhoods, pcnmap.model.neighbourhoods, "
            "pcnmap.maps.footprints, pcnmap.footprint_sheet, pcnmap.uploads; "
            "print(sorted(m for m in ('spopt', 'libpysal') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parents[2], check=True)
    assert found.stdout.strip() == "[]"
