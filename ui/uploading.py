"""The one way a page takes a user's files: the upload widget, and the files
checked and read (:func:`pcnmap.worker.read_files`) once per set of files.

Every page that takes files (Your own data, Plan a change, Funding) goes
through here, so no page reads a user's file in the app's process and every
refusal reaches the screen as a plain sentence."""

from __future__ import annotations

import hashlib
from collections.abc import Collection

import streamlit as st

from pcnmap import uploads, worker

# The browser's file picker offers these. A MIME type beside the extensions
# makes Streamlit leave the extension to pcnmap (uploads.kind_of), which
# answers a crafted client's other file with a sentence: Streamlit's own
# check raised before the page ran, and the session showed its error box on
# every run after.
ACCEPT = {".csv": "text/csv",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def file_input(label: str, key: str, suffixes: Collection[str], *, multiple: bool = False,
               where=st, **options) -> list:
    """An upload widget (``suffixes``: ".csv", ".xlsx") returning its files
    (a list, empty when none). The browser offers only those files; a file
    of another kind sent all the same (by a crafted client) reaches
    :func:`read`, which refuses it with a sentence."""
    files = where.file_uploader(
        label, type=[*suffixes, *(ACCEPT[s] for s in suffixes)],
        accept_multiple_files=multiple, key=key, max_upload_size=uploads.MAX_UPLOAD_MB,
        **options)
    if files is None:
        return []
    return files if isinstance(files, list) else [files]


def read(files: list, kinds: Collection[str], result_key: str) -> uploads.Uploaded:
    """``files`` checked and read in workers (:func:`pcnmap.worker.read_files`),
    refused unless of one of ``kinds``; once per set of files (their names
    and bytes' digest), kept in the session under ``result_key`` (each
    page's own, let go on leaving it: :data:`ui.urlstate.LEFT_BEHIND`)."""
    digest = hashlib.sha256()
    for upload in files:  # file by file: no joined copy of ten-megabyte files
        digest.update(upload.name.encode() + b"\0")
        digest.update(upload.getbuffer())
        digest.update(b"\0")
    digest = digest.hexdigest()
    cached = st.session_state.get(result_key)
    if cached and cached[0] == digest:
        return cached[1]
    # The files are on disk only while they are read: what the page keeps is
    # what was read from them.
    space = uploads.SessionSpace()
    views = [(upload.name, upload.getbuffer()) for upload in files]  # views: no copies
    try:
        result = worker.read_files(views, space, kinds)
    finally:
        for _, view in views:
            view.release()
        space.clear()
    st.session_state[result_key] = (digest, result)
    return result


def digest_of(result_key: str) -> str | None:
    """The digest of the files last read under ``result_key`` (None: none)."""
    cached = st.session_state.get(result_key)
    return cached[0] if cached else None
