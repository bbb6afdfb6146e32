"""Files a user brings: newer official files or a network configuration.

Every upload is checked before any of it is used:

* the file itself: a CSV or an XLSX workbook only, at most
  :data:`MAX_UPLOAD_BYTES`, not empty, and recognised as one of
  :data:`KINDS` from its content (not from its name);
* its structure, by the same readers the build pipeline uses (so an
  uploaded file gives exactly the figures the pipeline would);
* its records, against a declared schema (:func:`schemas`, pandera) with
  every code read as text. Rows that break it are listed (file, row, column,
  what was expected) and left out; the good rows load.

Uploads are written only into a :class:`SessionSpace` (a private temporary
folder per browser session, removed with it, or by the next server should
this one be killed). Workbooks are read as data (openpyxl, cached values);
nothing in a file is executed or unpickled. The app reads uploads in a
worker process with limits (:mod:`pcnmap.worker`), after
:mod:`pcnmap.pipeline.safety` and :mod:`pcnmap.pipeline.textfiles` have checked them.

The package by concern: :mod:`~pcnmap.uploads.kinds` (what a file may be and
which kind it is), :mod:`~pcnmap.uploads.schemas` (the declared schemas),
:mod:`~pcnmap.uploads.space` (the session folder and its sweeper),
:mod:`~pcnmap.uploads.reading` (reading each kind) and
:mod:`~pcnmap.uploads.snapshot` (the uploads beside a shipped snapshot). The
names other modules use are importable from ``pcnmap.uploads`` itself.
"""

from pcnmap.uploads.kinds import (
    HEAD_BYTES,
    KINDS,
    MAX_FILES,
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_MB,
    SUFFIXES,
    kind_of,
    safe_name,
)
from pcnmap.uploads.reading import (
    Uploaded,
    check_text,
    read_configuration,
    read_footprints,
    read_uploads,
)
from pcnmap.uploads.schemas import flag_active_text, schemas, validate
from pcnmap.uploads.snapshot import Beside, beside_snapshot, own_snapshot
from pcnmap.uploads.space import UPLOAD_ROOT, SessionSpace, sweep

__all__ = [
    "HEAD_BYTES", "KINDS", "MAX_FILES", "MAX_UPLOAD_BYTES", "MAX_UPLOAD_MB", "SUFFIXES",
    "UPLOAD_ROOT", "Beside", "SessionSpace", "Uploaded", "beside_snapshot", "check_text",
    "flag_active_text", "kind_of", "own_snapshot", "read_configuration", "read_footprints",
    "read_uploads", "safe_name", "schemas", "sweep", "validate",
]
