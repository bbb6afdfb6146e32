"""The README's layout section names every file of the code's folders, and
only files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every folder of the code: pages, ui, bench, and pcnmap with each of its
# folders (a package split into modules gets its own bullet), and the
# deployment recipe.
KINDS = {".py", ".js", ".toml", ".conf", ".service"}  # code, nginx files, the unit
FOLDERS = ("pages", "ui", "bench", "deploy", *sorted(
    str(folder.relative_to(ROOT)) for folder in [ROOT / "pcnmap", *(ROOT / "pcnmap").rglob("*")]
    if folder.is_dir() and folder.name != "__pycache__"))


def bullets() -> dict[str, str]:
    """Each bullet of the README's layout section by the folder it starts with."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    found = {}
    for bullet in re.split(r"\n- ", section)[1:]:
        folder = re.match(r"`([^`]*)/`", bullet)
        if folder:
            found[folder.group(1)] = " ".join(bullet.split())
    return found


def test_every_file_is_named_under_its_folder() -> None:
    named = bullets()
    for folder in FOLDERS:
        files = sorted(p.name for p in (ROOT / folder).iterdir()
                       if p.suffix in KINDS and p.name != "__init__.py")
        assert folder in named, f"README layout has no bullet for {folder}/"
        missing = [name for name in files if f"`{name}`" not in named[folder]]
        assert not missing, f"README layout does not name {folder}/{missing}"


def test_every_named_file_exists() -> None:
    for folder, bullet in bullets().items():
        if folder in FOLDERS:
            for name in re.findall(r"`([\w.@-]+\.(?:py|js|toml|conf|service))`", bullet):
                assert (ROOT / folder / name).exists(), f"{folder}/{name} is named but absent"
