"""Each page's view: what a page shows, worked out without Streamlit."""
