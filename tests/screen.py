"""What a person reads in an element whose text was made plain (ui.controls.plain)."""

from __future__ import annotations

import re


def shown(markdown: str) -> str:
    """``markdown`` with its backslash escapes resolved and the invisible
    word joiners (which keep addresses from becoming links) left out."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")
