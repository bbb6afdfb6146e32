"""pcnmap: England's Primary Care Networks on a map.

Run with ``streamlit run dashboard.py``. The entry point: the process's
memory settings, one page configuration, the navigation built from the page
list (``ui/pages.py``), and one guard around every page, so no page can show
a traceback.
"""

from __future__ import annotations

import streamlit as st

from ui import frame, memory, urlstate
from ui.pages import PAGES

memory.configure()  # the allocators, once for the process
st.set_page_config(page_title="pcnmap: England's Primary Care Networks", layout="wide")
navigation = st.navigation([st.Page(page.path, title=page.title, url_path=page.url_path,
                                    default=not page.url_path) for page in PAGES])
# Each page its own title in the browser's tab and history (a screen reader
# announces it), not one title for every page.
st.set_page_config(page_title=f"{navigation.title} · pcnmap")
urlstate.keep_shared_choices(navigation.url_path)
frame.guarded(navigation.run)
