"""Leaflet's files from an installed package, so maps draw with no internet.

folium points its pages at public CDNs, which many NHS networks block. The
Leaflet release files come instead from the ``django-js-lib-leaflet`` wheel
(Leaflet's own dist folder, repackaged; only its files are used, not Django).
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import folium
from branca.element import Element, Figure

LEAFLET_PACKAGE = "js_lib_leaflet"


def leaflet_folder() -> Path:
    """The installed folder holding leaflet.js, leaflet.css and images/."""
    folder = Path(str(resources.files(LEAFLET_PACKAGE))) / "static" / LEAFLET_PACKAGE
    if not (folder / "leaflet.js").exists():
        raise FileNotFoundError(f"{folder}: leaflet.js not found; reinstall requirements.txt")
    return folder


@dataclass(frozen=True)
class MapAssets:
    """Where a page loads Leaflet from (URLs the browser can reach)."""

    leaflet_js: str
    leaflet_css: str

    @classmethod
    def served_under(cls, base_path: str) -> MapAssets:
        """Leaflet as the app serves it from its static folder (``/app/static/``),
        under the app's own address path (Streamlit's ``server.baseUrlPath``,
        such as ``pcnmap`` behind a proxy; empty at the root). The map's frame
        lives at another path, so the address is absolute, base path included."""
        base = "/" + "/".join(part for part in base_path.split("/") if part)
        folder = base.rstrip("/") + "/app/static/leaflet/"
        return cls(folder + "leaflet.js", folder + "leaflet.css")


def use_assets(fmap: folium.Map, assets: MapAssets) -> folium.Map:
    """Load only Leaflet, from ``assets``: the layers pcnmap draws (GeoJSON,
    circle markers, tooltips, layer control) need nothing else from folium's
    default list (jQuery, Bootstrap, Font Awesome, awesome-markers)."""
    fmap.default_js = [("leaflet", assets.leaflet_js)]
    fmap.default_css = [("leaflet_css", assets.leaflet_css)]
    return fmap


def images_inlined(style: str, folder: Path) -> str:
    """Leaflet's style sheet with the images it names (the folded layer
    list's icon) as data addresses: a saved file has no images folder."""
    def inline(found: re.Match) -> str:
        image = folder / found.group(1)
        if not image.is_file():
            return found.group(0)
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", inline, style)


def standalone_html(fmap: folium.Map, title: str = "") -> str:
    """The map as one HTML file with Leaflet inlined, for use with no internet
    (``title``: the page's title, already escaped)."""
    folder = leaflet_folder()
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    style = images_inlined((folder / "leaflet.css").read_text(encoding="utf-8"), folder)
    fmap.default_js = []
    fmap.default_css = []
    # A fresh page: a map drawn in the app first left its scripts (under other
    # names) and its links to the app's copy of Leaflet, which a saved file
    # cannot reach, in its old one.
    figure = Figure()
    figure.add_child(fmap)
    if title:
        figure.header.add_child(Element(f"<title>{title}</title>"), name="title")
    page = figure.render()
    # Inline before the map's own script so L exists when it runs.
    inline = f"<style>{style}</style><script>{script}</script>"
    return page.replace("<head>", "<head>" + inline, 1)
