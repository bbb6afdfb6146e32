"""What a map's legend says: a row per layer, its swatch drawn as the layer
draws, an optional title and the data's attribution lines.

The legend is built here as HTML from escaped pieces (no Streamlit, no
script); :class:`pcnmap.maps.basemap.Legend` puts it on a map.
"""

from __future__ import annotations

from dataclasses import dataclass

from pcnmap.maps.escaping import escape

# How a swatch is drawn: as the layer draws its features.
FILL, OUTLINE, DASHED, DOT, TEXT, SCALE = "fill", "outline", "dashed", "dot", "text", "scale"


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend.

    Attributes:
        layer: The layer's name as its map's layer control shows it (the row
            is hidden while that layer is switched off).
        label: What the swatch stands for.
        swatch: How it is drawn: FILL, OUTLINE, DASHED, DOT, TEXT or SCALE.
        colours: The swatch's colours (several: a sample of a palette, or a
            scale from low to high).
        note: A few words after the label (a scale's ends, say).
        base: Whether the layer is a base layer (one of them shows at a time).
        shown: Whether the layer shows when the map opens.
    """

    layer: str
    label: str
    swatch: str
    colours: tuple[str, ...] = ("#333333",)
    note: str = ""
    base: bool = False
    shown: bool = True


def _swatch(entry: LegendEntry) -> str:
    colour = escape(entry.colours[0])
    box = "display:inline-block;width:18px;height:12px;vertical-align:middle;margin-right:4px;"
    if entry.swatch == DOT:
        return "".join(
            f'<span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
            f'background:{escape(c)};border:1.5px solid #111;box-shadow:0 0 0 1px #fff;'
            f'vertical-align:middle;margin-right:2px"></span>' for c in entry.colours)
    if entry.swatch == OUTLINE:
        return f'<span style="{box}border:2px solid {colour};background:transparent"></span>'
    if entry.swatch == DASHED:
        return f'<span style="{box}border:3px dashed {colour};background:transparent"></span>'
    if entry.swatch == TEXT:
        return (f'<span style="{box}width:auto;font-style:italic;color:{colour};'
                'text-shadow:0 0 2px #fff">Aa</span>')
    if entry.swatch == SCALE:
        stops = ",".join(escape(c) for c in entry.colours)
        return (f'<span style="{box}width:60px;background:linear-gradient(to right,{stops});'
                'border:1px solid #555"></span>')
    return "".join(f'<span style="{box}width:10px;margin-right:1px;background:{escape(c)};'
                   'opacity:0.75;border:1px solid #555"></span>' for c in entry.colours)


def legend_html(entries: list[LegendEntry], *, title: str = "",
                attribution: tuple[str, ...] = (), open_sources: bool = False) -> str:
    """A legend's HTML: the title, a row per entry, then the attribution lines.

    Args:
        entries: The rows, in the order the map draws its layers.
        title: A heading (a saved map's name, place and snapshot); none when empty.
        attribution: The lines the data's licences require.
        open_sources: Whether the attribution lines show at once (a saved
            map) or behind a "Sources" switch (the app, which shows them
            below the map too).

    Returns:
        HTML with every text escaped, the rows under a "Legend" switch (open;
        a small map's reader can fold them away); each row carries
        ``data-layer`` (its layer's name) and ``data-base`` so the map can
        hide the rows of layers switched off.
    """
    rows = ['<details open class="pcnmap-legend-body"><summary style="cursor:pointer;'
            'font-weight:bold">Legend</summary>']
    if title:
        rows.append(f'<div class="pcnmap-legend-title" style="font-weight:bold;font-size:13px;'
                    f'margin-bottom:4px">{escape(title)}</div>')
    for entry in entries:
        hidden = "" if entry.shown else "display:none;"
        note = f' <span style="color:#555">{escape(entry.note)}</span>' if entry.note else ""
        rows.append(f'<div class="pcnmap-legend-row" data-layer="{escape(entry.layer)}" '
                    f'data-base="{"1" if entry.base else "0"}" style="{hidden}margin:2px 0">'
                    f"{_swatch(entry)}{escape(entry.label)}{note}</div>")
    rows.append("</details>")
    if attribution:
        lines = "".join(f"<div>{escape(line)}</div>" for line in attribution)
        rows.append(f'<details class="pcnmap-attribution"{" open" if open_sources else ""} '
                    'style="margin-top:4px;font-size:10px;color:#333">'
                    f"<summary>Sources and licences</summary>{lines}</details>")
    return "".join(rows)
