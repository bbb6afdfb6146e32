"""The app's only caching: every page reads data and results through here.

Cached by snapshot key and plain arguments (never by a DataFrame argument),
and shared by every browser session: ``st.cache_resource`` hands all
sessions the same objects, so a second viewer costs no second copy. Callers
must not modify what they get. One layer in four modules: the snapshot's
tables (:mod:`ui.data.tables`), the pages' views (:mod:`ui.data.views`),
what the search reads (:mod:`ui.data.search`) and the Neighbourhoods page's
drafts (:mod:`ui.data.neighbourhoods`); pages call ``data.<name>`` for all.
"""

from ui.data.neighbourhoods import *  # noqa: F403
from ui.data.search import *  # noqa: F403
from ui.data.tables import *  # noqa: F403
from ui.data.views import *  # noqa: F403
