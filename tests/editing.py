"""Editing a copy of a real extract file, as the bad-input tests damage them."""

from __future__ import annotations

from pathlib import Path


def rewrite_line(path: Path, line_number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
