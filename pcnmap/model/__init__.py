"""The rules: coverage, funding, what-ifs, changes between snapshots, search.

Plain functions over a snapshot's tables, returning typed results; no
Streamlit, no files.
"""
