"""Shapes as one inline SVG picture: no map library, no script, no internet."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
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
    names = [str(name) for name in shapes[label]]
    said = (f"{len(names)} areas: " + "; ".join(names[:40])
            + (f"; and {len(names) - 40} more" if len(names) > 40 else "") + ".")
    return (f'<svg class="pcnmap-outline" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-labelledby="pcnmap-outline-title pcnmap-outline-desc" '
            f'viewBox="0 0 {(maxx - minx) / 1000:.1f} {(maxy - miny) / 1000:.1f}" '
            'style="width:100%;height:420px">'
            f'<title id="pcnmap-outline-title">{escape(description)}</title>'
            f'<desc id="pcnmap-outline-desc">{escape(said)}</desc>'
            "<style>.pcnmap-outline path{fill:#f2efe9;stroke:#222222;opacity:1;"
            "stroke-width:1px;vector-effect:non-scaling-stroke}"
            ".pcnmap-outline g:hover path{fill:#cfe3f3}</style>"
            f"{paths}</svg>")


def network_picture(boundary: gpd.GeoDataFrame, members: pd.DataFrame,
                    outlines: gpd.GeoDataFrame | None = None, *, colour: str = "#88CCEE",
                    description: str = "Map of the network") -> str:
    """A network as one inline SVG picture for print: its indicative
    boundary filled, its commissioners' outlines, and a dot per member
    practice (numbered as in the sheet's members table: its row order).

    British National Grid, north up, one unit a kilometre, the view the
    boundary and the members fill with a tenth to spare. No script, no
    library, no internet; every text escaped.
    """
    placed = members.dropna(subset=["easting", "northing"])
    shapes = boundary.to_crs(27700).geometry.values
    xs = list(placed["easting"]) + [b for s in shapes for b in (s.bounds[0], s.bounds[2])]
    ys = list(placed["northing"]) + [b for s in shapes for b in (s.bounds[1], s.bounds[3])]
    if not xs:
        return ""
    spare = max(max(xs) - min(xs), max(ys) - min(ys), 2000.0) * 0.1
    minx, maxx, miny, maxy = min(xs) - spare, max(xs) + spare, min(ys) - spare, max(ys) + spare

    def drawn(geometries: np.ndarray) -> np.ndarray:
        moved = shapely.transform(geometries, lambda xy: np.column_stack(
            [(xy[:, 0] - minx) / 1000, (maxy - xy[:, 1]) / 1000]))
        return shapely.set_precision(moved, 0.01)

    width, height = (maxx - minx) / 1000, (maxy - miny) / 1000
    parts = []
    if outlines is not None and len(outlines):
        view = shapely.box(minx, miny, maxx, maxy)
        clipped = shapely.intersection(outlines.to_crs(27700).geometry.values, view)
        parts += [f'<g class="outline"><title>{escape(name)}</title>{shape.svg()}</g>'
                  for name, shape in zip(outlines["commissioner_name"], drawn(clipped),
                                         strict=True) if not shape.is_empty]
    parts += [f'<g class="boundary">{shape.svg()}</g>' for shape in drawn(shapes)
              if not shape.is_empty]
    radius = max(width, height) / 90
    for number, (x, y, name) in enumerate(zip(placed["easting"], placed["northing"],
                                              placed["practice_name"], strict=True), 1):
        cx, cy = (x - minx) / 1000, (maxy - y) / 1000
        parts.append(f'<g class="practice"><title>{escape(name)}</title>'
                     f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{radius:.2f}"/>'
                     f'<text x="{cx + radius * 1.3:.2f}" y="{cy + radius * 0.5:.2f}" '
                     f'font-size="{radius * 2.4:.2f}">{number}</text></g>')
    return (f'<svg class="pcnmap-network" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{escape(description)}" viewBox="0 0 {width:.2f} {height:.2f}" '
            'preserveAspectRatio="xMidYMid meet">' f'<title>{escape(description)}</title>'
            "<style>.pcnmap-network .boundary path{fill:" + escape(colour) + ";fill-opacity:0.45;"
            "stroke:#333;stroke-width:1.2px;vector-effect:non-scaling-stroke}"
            ".pcnmap-network .outline path{fill:none;stroke:#000;stroke-width:2px;"
            "stroke-dasharray:6 3;vector-effect:non-scaling-stroke}"
            ".pcnmap-network circle{fill:#111;stroke:#fff;stroke-width:1px;"
            "vector-effect:non-scaling-stroke}"
            ".pcnmap-network text{font-family:sans-serif;font-weight:bold;fill:#111;"
            "paint-order:stroke;stroke:#fff;stroke-width:2px;vector-effect:non-scaling-stroke}"
            "</style>"
            f"{''.join(parts)}</svg>")


def footprint_picture(networks: gpd.GeoDataFrame, practices: pd.DataFrame, *,
                      colour: str = "#77AADD", description: str = "Map of the footprint"
                      ) -> str:
    """A footprint as one inline SVG picture for print: its networks'
    indicative boundaries filled in ``colour``, each numbered (its row in
    ``networks``, as the sheet's table lists them), and a dot per practice.

    British National Grid, north up, one unit a kilometre, the view the
    networks and practices fill with a tenth to spare. No script, no
    library, no internet; every text escaped.
    """
    placed = practices.dropna(subset=["easting", "northing"])
    shapes = networks.to_crs(27700).geometry.values
    boxes = [s.bounds for s in shapes if s is not None and not s.is_empty]
    xs = list(placed["easting"]) + [b for box in boxes for b in (box[0], box[2])]
    ys = list(placed["northing"]) + [b for box in boxes for b in (box[1], box[3])]
    if not xs:
        return ""
    spare = max(max(xs) - min(xs), max(ys) - min(ys), 2000.0) * 0.1
    minx, maxx, miny, maxy = min(xs) - spare, max(xs) + spare, min(ys) - spare, max(ys) + spare

    def drawn(geometries: np.ndarray) -> np.ndarray:
        moved = shapely.transform(geometries, lambda xy: np.column_stack(
            [(xy[:, 0] - minx) / 1000, (maxy - xy[:, 1]) / 1000]))
        return shapely.set_precision(moved, 0.01)

    width, height = (maxx - minx) / 1000, (maxy - miny) / 1000
    size = max(width, height) / 28
    parts = []
    for number, (name, shape) in enumerate(zip(networks["network_name"], drawn(shapes),
                                               strict=True), 1):
        if shape is None or shape.is_empty:
            continue
        point = shape.representative_point()
        parts.append(f'<g class="network"><title>{escape(name)}</title>{shape.svg()}'
                     f'<text x="{point.x:.2f}" y="{point.y:.2f}" font-size="{size:.2f}" '
                     f'text-anchor="middle">{number}</text></g>')
    radius = max(width, height) / 160
    parts += [f'<circle cx="{(x - minx) / 1000:.2f}" cy="{(maxy - y) / 1000:.2f}" '
              f'r="{radius:.2f}"/>' for x, y in zip(placed["easting"], placed["northing"],
                                                     strict=True)]
    return (f'<svg class="pcnmap-footprint" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'aria-label="{escape(description)}" viewBox="0 0 {width:.2f} {height:.2f}" '
            'preserveAspectRatio="xMidYMid meet">' f'<title>{escape(description)}</title>'
            "<style>.pcnmap-footprint path{fill:" + escape(colour) + ";fill-opacity:0.6;"
            "stroke:#333;stroke-width:1px;vector-effect:non-scaling-stroke}"
            ".pcnmap-footprint circle{fill:#111;stroke:#fff;stroke-width:0.8px;"
            "vector-effect:non-scaling-stroke}"
            ".pcnmap-footprint text{font-family:sans-serif;font-weight:bold;fill:#111;"
            "paint-order:stroke;stroke:#fff;stroke-width:2px;vector-effect:non-scaling-stroke}"
            "</style>"
            f"{''.join(parts)}</svg>")
