"""Command line: ``python -m pcnmap build --source ../shared/data --out data/``."""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import sys
from pathlib import Path

from pcnmap.pipeline.build import build
from pcnmap.pipeline.catalogue import CATALOGUE_FILE


def main(argv: list[str] | None = None) -> int:
    """Run a pcnmap command (build, verify, extracts); return its exit status."""
    parser = argparse.ArgumentParser(prog="python -m pcnmap")
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser(
        "build", help="build the app's data from the official source files")
    build_command.add_argument("--source", type=Path, required=True,
                               help="folder holding the official files (ods/, epcn/, ...)")
    build_command.add_argument("--out", type=Path, default=Path("data"),
                               help="folder to write the processed data to (default data/)")
    build_command.add_argument("--snapshot", action="append", metavar="KEY",
                               help="build only this snapshot of the catalogue (repeatable)")
    build_command.add_argument("--catalogue", type=Path, default=CATALOGUE_FILE,
                               help="the snapshot catalogue (default pcnmap/declared/"
                                    "snapshots.toml)")
    build_command.add_argument("--workers", type=int, default=2,
                               help="processes building LSOA layers side by side (default 2)")
    args = parser.parse_args(argv)

    if not args.source.is_dir():
        print(f"error: source folder {args.source} does not exist", file=sys.stderr)
        return 2
    try:
        result = build(args.source, args.out, args.snapshot, catalogue_path=args.catalogue,
                       workers=max(1, args.workers))
    except KeyboardInterrupt:
        print(f"stopped: {args.out} is unchanged", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, or the machine: say so in one line, change nothing
        if disk_full(error):
            free = shutil.disk_usage(_existing(args.out)).free
            print(f"error: the build stopped because the disk holding {args.out} is full "
                  f"({free / 1e6:,.0f} MB free; a full build needs about 2 GB while it runs); "
                  f"{args.out} is unchanged", file=sys.stderr)
            return 1
        print(f"error: the build failed ({type(error).__name__}: {str(error)[:300]}); "
              f"{args.out} is unchanged", file=sys.stderr)
        return 1
    for key, rows in result.written.items():
        counts = ", ".join(f"{name} {count:,}" for name, count in rows.items())
        print(f"{key}: {counts}")
    for key, message in result.errors.items():
        print(f"error: {key} not built: {message}", file=sys.stderr)
    print(f"built {len(result.written)} snapshot(s) in {result.seconds:.1f} s into {args.out}")
    return 1 if result.errors else 0


# errno's "No space left on device" and "Disk quota exceeded".
FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full(error: BaseException) -> bool:
    """Whether ``error`` (from the build, or from a copy of many files,
    whose :class:`shutil.Error` lists each failure) says the disk is full."""
    if isinstance(error, OSError) and error.errno in FULL:
        return True
    text = str(error)
    return any(os.strerror(number) in text for number in FULL)


def _existing(path: Path) -> Path:
    """``path``, or the nearest folder above it that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


if __name__ == "__main__":
    sys.exit(main())
