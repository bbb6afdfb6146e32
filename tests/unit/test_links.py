"""Caps on what a link carries, summaries of many problems, plain text, and
a search that costs the same whatever its length."""

from __future__ import annotations

import re

import pytest

from pcnmap import links
from pcnmap.words import code_span, plain
from tests.screen import shown

HOSTILE = ["[Sign in](https://evil.example/login)", "![x](https://evil.example/x.png)",
           "<img src=x onerror=alert(1)>", "**bold** _it_ `code` # heading", ":red[colour]",
           "$x^2$", "www.evil.example and https://evil.example", "a\\]b", "line\n\n- item",
           "mail a@evil.example", "WWW.EVIL.EXAMPLE", ":smile: :material/home:",
           "=HYPERLINK(\"http://evil.example\")", "| a | b |", "~~gone~~", "1. first", "&amp;"]


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_text_shows_its_characters(text: str) -> None:
    made = plain(text)
    # Every Markdown-significant character is escaped: nothing can open a
    # link, an image, emphasis, HTML, a colour, maths or an autolinked address.
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", made)
    assert not re.search(r"[!-/:-@\[-`{-~]", unescaped)
    assert shown(made) == " ".join(text.split())
    # Read as text (escapes resolved), no address is left for GitHub's
    # Markdown to turn into a link: a word joiner sits in each.
    read = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", made)
    assert not re.search(r"(?i)https?://|www\.|[\w.+-]@", read)


def test_code_spans_cannot_be_left() -> None:
    assert code_span("a`b|c\nd") == "`a'b/c d`"


def test_long_values_are_cut_or_refused_with_one_sentence() -> None:
    assert links.capped("q", "P81185") == ("P81185", None)
    value, told = links.capped("q", "x" * 100_000)
    assert value == "x" * 100 and told == ("The search was 100,000 characters long; only its "
                                           "first 100 were used.")
    value, told = links.capped("moves", "P81001:U12345," * 10_000)
    assert value is None and "140,000 characters long, more than the 8,000" in told
    assert "configuration file" in told
    value, told = links.capped("moves", "P81001:," * 700)
    assert value is None and told.startswith("The address holds 700 changes, more than the 600")
    assert links.capped("commissioner", "0" * 101)[0] is None
    assert links.capped("commissioner", "00X") == ("00X", None)
    assert links.capped("snapshot", None) == (None, None)


def test_many_problems_are_summarised() -> None:
    problems = [f"practice Y{n:05d} is not in this snapshot; change ignored"
                for n in range(10_000)]
    text = links.summary(problems)
    assert text.startswith("10,000 changes could not be applied: practice Y00000 is not")
    assert text.endswith("practice Y00004 is not in this snapshot; change ignored; "
                         "and 9,995 more.")
    assert links.summary(problems[:1]) == ("1 change could not be applied: practice Y00000 is "
                                           "not in this snapshot; change ignored.")
    assert links.summary([]) is None
