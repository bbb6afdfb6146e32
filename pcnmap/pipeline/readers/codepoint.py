"""OS Code-Point Open: postcode centroids in British National Grid metres,
read straight from the zip OS releases."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pcnmap import codes
from pcnmap.pipeline.readers.csvfiles import require_file
from pcnmap.problems import SourceError


def read_codepoint(path: Path, wanted: Iterable[str] | None = None) -> pd.DataFrame:
    """Read OS Code-Point Open straight from its zip.

    Returns ``postcode_key``, ``easting``, ``northing`` and ``quality`` (the
    positional quality indicator) in British National Grid metres. With
    ``wanted`` (postcode keys) only those postcodes are kept, and only the
    area files that can hold them are decompressed.
    """
    require_file(path, "an OS Code-Point Open zip")
    wanted_keys = None if wanted is None else set(wanted)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(path, f"is not a readable zip archive ({error})",
                          expected="OS Code-Point Open as OS releases it (a zip)") from None
    with archive:
        members = [n for n in archive.namelist()
                   if n.lower().startswith("data/csv/") and n.lower().endswith(".csv")]
        if not members:
            raise SourceError(path, "holds no Data/CSV/<area>.csv files",
                              expected="OS Code-Point Open's Data/CSV folder")
        if wanted_keys is not None:
            areas = {k[:2].rstrip("0123456789").lower() for k in wanted_keys}
            members = [m for m in members if Path(m).stem.lower() in areas]
        frames = []
        for member in members:
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise SourceError(path, f"member {member} is damaged ({error})",
                                  expected="an intact zip archive") from None
            try:
                frame = pd.read_csv(
                    io.BytesIO(data), header=None, usecols=[0, 1, 2, 3],
                    names=["postcode", "quality", "easting", "northing"],
                    dtype={"postcode": str}, keep_default_na=False,
                    quoting=csv.QUOTE_MINIMAL, engine="c",
                )
            except (ValueError, pd.errors.ParserError) as error:
                raise SourceError(path, f"member {member} is not Code-Point CSV ({error})",
                                  expected="postcode, quality, easting, northing, ...") from None
            frame["postcode_key"] = codes.postcode_key(frame["postcode"])
            if wanted_keys is not None:
                frame = frame[codes.one_of(frame["postcode_key"], wanted_keys)]
            frames.append(frame[["postcode_key", "easting", "northing", "quality"]])
    points = pd.concat(frames, ignore_index=True)
    for column in ("easting", "northing", "quality"):
        points[column] = pd.to_numeric(points[column], errors="coerce")
    # Code-Point marks postcodes it cannot place with quality 90 and 0,0.
    placed = (points["easting"] > 0) & (points["northing"] > 0) & (points["quality"] < 90)
    return points[placed].drop_duplicates("postcode_key").reset_index(drop=True)


ENGLAND_COUNTRY = "E92000001"


def read_codepoint_england(path: Path) -> pd.DataFrame:
    """England's placed postcodes of a Code-Point Open release: ``postcode``
    (the key, no spaces), ``easting`` and ``northing`` (metres), sorted."""
    require_file(path, "an OS Code-Point Open zip")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(path, f"is not a readable zip archive ({error})",
                          expected="OS Code-Point Open as OS releases it (a zip)") from None
    frames = []
    with archive:
        for member in archive.namelist():
            if not (member.lower().startswith("data/csv/") and member.lower().endswith(".csv")):
                continue
            try:
                frames.append(pd.read_csv(
                    io.BytesIO(archive.read(member)), header=None, usecols=[0, 1, 2, 3, 4],
                    names=["postcode", "quality", "easting", "northing", "country"],
                    dtype={"postcode": str, "country": str}, keep_default_na=False))
            except (ValueError, pd.errors.ParserError, zipfile.BadZipFile, OSError) as error:
                raise SourceError(path, f"member {member} is not Code-Point CSV ({error})",
                                  expected="postcode, quality, easting, northing, "
                                           "country, ...") from None
    if not frames:
        raise SourceError(path, "holds no Data/CSV/<area>.csv files",
                          expected="OS Code-Point Open's Data/CSV folder")
    points = pd.concat(frames, ignore_index=True)
    placed = (points["country"] == ENGLAND_COUNTRY) & (points["quality"] < 90) & (
        points["easting"] > 0)
    points = points[placed]
    result = pd.DataFrame({"postcode": codes.postcode_key(points["postcode"]).to_numpy(),
                           "easting": points["easting"].to_numpy(),
                           "northing": points["northing"].to_numpy()})
    return result.drop_duplicates("postcode").sort_values("postcode").reset_index(drop=True)
