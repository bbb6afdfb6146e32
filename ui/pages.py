"""The app's one page list: what each page is called and where it lives.

The entry point (``dashboard.py``) builds the navigation from it and the
tests import it, so adding a page is one file in ``pages/`` and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """A page: its file, the name people see, and its address."""

    path: str
    title: str
    url_path: str


# In the order a meeting meets them; the first is the start page.
PAGES = (
    Page("pages/0_Overview.py", "Overview", ""),
    Page("pages/1_Network_map.py", "Network map", "Network_map"),
    Page("pages/2_Coverage_gaps.py", "Coverage gaps", "Coverage_gaps"),
    Page("pages/3_Cross_commissioner_networks.py", "Cross-commissioner networks",
         "Cross_commissioner_networks"),
    Page("pages/4_Funding.py", "Funding", "Funding"),
    Page("pages/5_Data_quality.py", "Data quality", "Data_quality"),
    Page("pages/6_Plan_a_change.py", "Plan a change", "Plan_a_change"),
    Page("pages/7_Your_own_data.py", "Your own data", "Your_own_data"),
    Page("pages/8_What_changed.py", "What changed", "What_changed"),
    Page("pages/9_Boundary_methods.py", "Boundary methods", "Boundary_methods"),
    Page("pages/10_Neighbourhoods.py", "Neighbourhoods", "Neighbourhoods"),
)
