"""Escaping text for the page and for the layers' script, on small inputs."""

from __future__ import annotations

import ast

from pcnmap.maps import escaping

HOSTILE = '<img src=x onerror="window.__pwned=1">${window.__pwned=2}`'


def test_escape_neutralises_html_and_template_strings() -> None:
    escaped = escaping.escape(HOSTILE)
    for raw in ("<", ">", "${", "`", '"'):
        assert raw not in escaped
    assert escaping.escape(None) == ""


def test_script_string_keeps_text_inside_its_literal() -> None:
    text = '{"name":"it\'s </script> a\\\\b\\n \u2028"}'
    literal = escaping.script_string(text)
    assert "</" not in literal and "\n" not in literal and "\u2028" not in literal
    assert literal[0] == literal[-1] == "'" and "'" not in literal[1:-1].replace("\\'", "")
    # Python reads the other escapes as JavaScript does.
    assert ast.literal_eval(literal.replace("<\\/", "</")) == text

