"""Shapes as one inline SVG picture: no map library, no script, no internet."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from pcnmap.maps.escaping import escape


def outline_svg(shapes: gpd.GeoDataFrame, label: str, *, tolerance_m: float = 1000.0,
                description: str = "Map") -> str:
    """Shapes as one inline SVG picture: British National Grid, north up, one
    unit a kilometre, a path per shape with its ``label`` column shown on
    hover. Shared edges are simplified alike (a coverage), so neighbours still
    meet. A picture needs no map library and no frame: it draws at once and
    with no internet. Labels are escaped; the picture holds no script.
    """
    projected = shapes.to_crs(27700)
    simple = shapely.coverage_simplify(projected.geometry.values, tolerance_m)
    minx, miny, maxx, maxy = shapely.total_bounds(simple)

    def from_top_left(xy: np.ndarray) -> np.ndarray:
        return np.column_stack([(xy[:, 0] - minx) / 1000, (maxy - xy[:, 1]) / 1000])

    # 0.1 km is finer than a picture of England can show.
    drawn = shapely.set_precision(shapely.transform(simple, from_top_left), 0.1)
    paths = "".join(
        f"<g><title>{escape(name)}</title>{geometry.svg()}</g>"
        for name, geometry in zip(shapes[label], drawn, strict=True) if not geometry.is_empty)
    return (f'<svg class="pcnmap-outline" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{escape(description)}" '
            f'viewBox="0 0 {(maxx - minx) / 1000:.1f} {(maxy - miny) / 1000:.1f}" '
            'style="width:100%;height:420px">'
            "<style>.pcnmap-outline path{fill:#f2efe9;stroke:#222222;opacity:1;"
            "stroke-width:1px;vector-effect:non-scaling-stroke}"
            ".pcnmap-outline g:hover path{fill:#cfe3f3}</style>"
            f"{paths}</svg>")
