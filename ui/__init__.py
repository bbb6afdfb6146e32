"""Streamlit-only helpers for the app's pages; the logic lives in pcnmap."""
