"""Command line: ``python -m pcnmap build --source ../shared/data --out data/``."""

from __future__ import annotations

import argparse
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
    except Exception as error:  # a bug, not bad data: say so in one line, change nothing
        print(f"error: the build failed ({type(error).__name__}: {error}); "
              f"{args.out} is unchanged", file=sys.stderr)
        return 1
    for key, rows in result.written.items():
        counts = ", ".join(f"{name} {count:,}" for name, count in rows.items())
        print(f"{key}: {counts}")
    for key, message in result.errors.items():
        print(f"error: {key} not built: {message}", file=sys.stderr)
    print(f"built {len(result.written)} snapshot(s) in {result.seconds:.1f} s into {args.out}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
