"""Text from the data made safe for the pages a map is drawn in.

folium writes tooltip text into HTML and JavaScript, where a name like
``<img onerror=...>`` or ``${...}`` would run: every text from the data goes
through :func:`escape` before it reaches a map, and every layer's data
reaches the page as one :func:`script_string`.
"""

from __future__ import annotations

import html

import pandas as pd


def escape(value: object) -> str:
    """Text safe inside HTML and inside a JavaScript template string."""
    text = html.escape("" if value is None or value is pd.NA else str(value), quote=True)
    return text.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def escape_columns(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` with the given text columns escaped."""
    result = frame.copy()
    for column in columns:
        result[column] = result[column].map(escape)
    return result


def script_string(text: str) -> str:
    """``text`` as a JavaScript string literal safe inside an HTML script.

    The layers hand their data to ``JSON.parse`` as a string: a browser scans
    a megabyte of string and parses it as JSON faster than it compiles the
    same data written as an object literal. Single quotes, because JSON text
    is full of double ones and escaping each would add a twentieth to the
    bytes; line breaks are escaped so that any text stays one literal.
    """
    for plain, escaped in (("\\", "\\\\"), ("'", "\\'"), ("\n", "\\n"), ("\r", "\\r"),
                           ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("</", "<\\/")):
        text = text.replace(plain, escaped)
    return f"'{text}'"
