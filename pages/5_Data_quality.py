"""Data quality: the build's report of every record it could not place, and the manifest."""

from __future__ import annotations

import streamlit as st

from pcnmap.problems import CHECKS
from pcnmap.words import plain
from ui import data, display, frame


def page() -> None:
    snapshot, _ = frame.page_start(place=False)
    st.title("Data quality")
    report = data.quality(snapshot)
    counts = report["check"].value_counts()
    st.caption("Every record the build could not place is listed with its file, row and "
               "column; nothing was dropped silently.")
    st.dataframe([{"check": CHECKS.get(check, check), "code": check, "findings": int(count)}
                  for check, count in counts.items()], hide_index=True, width="stretch")
    chosen = st.multiselect("Checks", list(counts.index), key="checks",
                            format_func=lambda c: CHECKS.get(c, c))
    shown = report[report["check"].isin(chosen)] if chosen else report
    display.frame_table(shown, download=f"pcnmap-quality-{snapshot}.csv")

    st.subheader("Manifest")
    record = data.manifest()["snapshots"][snapshot]
    st.markdown(plain(f"Built {record['built_at']} in {record['build_seconds']} s."))
    st.dataframe([{"output": name, "rows": output["rows"]}
                  for name, output in record["outputs"].items()], hide_index=True)
    st.dataframe(record["sources"], hide_index=True, width="stretch")
    st.json(record.get("analysis", {}), expanded=False)


page()
