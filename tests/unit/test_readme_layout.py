"""The README's layout section names every file of the code's folders, and
only files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("pages", "ui", "pcnmap", "pcnmap/declared", "pcnmap/pipeline", "pcnmap/model",
           "pcnmap/maps", "pcnmap/views", "bench", "deploy")
# Code, and the deployment recipe's configuration files and unit.
KINDS = {".py", ".js", ".toml", ".conf", ".service"}


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
        missing = [name for name in files if f"`{name}`" not in named[folder]]
        assert not missing, f"README layout does not name {folder}/{missing}"


def test_every_named_file_exists() -> None:
    for folder, bullet in bullets().items():
        if folder in FOLDERS:
            for name in re.findall(r"`([\w.@-]+\.(?:py|js|toml|conf|service))`", bullet):
                assert (ROOT / folder / name).exists(), f"{folder}/{name} is named but absent"
