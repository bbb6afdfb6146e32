"""Words where people expect them: names with their codes, changes with
their arrow and sign, counts and money as people write them.

Every screen and CSV says a practice, network or commissioner by its name
with its code beside it, never by a bare code; a fall in money reads
"↓ −£94,368", never "↑ £-94,368".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping

import pandas as pd

MINUS = "−"  # U+2212: a minus sign, not a hyphen
_CODE = re.compile(r"[A-Z0-9]{3,10}")

# Every ASCII punctuation character: CommonMark lets a backslash escape any.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's Markdown turns addresses in the text into links after escapes are
# read (https://..., www...., a@b.c): an invisible word joiner where each
# would start ("http" + "://", "www" + ".", a name + "@") leaves none to find.
_ADDRESS = re.compile(r"(?<=[a-z])(?=://)|(?<=www)(?=\.)|(?<=[\w.+-])(?=@)", re.IGNORECASE)
JOINER = "\u2060"
# Characters that turn the direction of the text around them.
DIRECTION_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """``text`` as Markdown that shows exactly its characters: every ASCII
    punctuation character escaped, so no link, image, emphasis, heading,
    HTML tag, colour or formula can form, and a word joiner (invisible)
    inside anything that looks like an address so none becomes a link; runs
    of white space (line breaks too) become one space, and characters that
    would turn the text's direction are left out.

    Streamlit renders Markdown in st.markdown, st.caption, st.warning and the
    rest: any text from a user, a link, a file or the data goes through this
    on its way there."""
    text = DIRECTION_CONTROLS.sub("", " ".join(str(text).split()))
    return _PUNCTUATION.sub(r"\\\1", _ADDRESS.sub(JOINER, text))


def code_span(text: object) -> str:
    """``text`` in a Markdown code span (shown as written) that it cannot end."""
    return "`" + " ".join(str(text).replace("`", "'").replace("|", "/").split()) + "`"


def named(code: object, names: Mapping[str, str]) -> str:
    """A code with its name: "Greater Preston PCN (U09100)"; the code alone
    only where no name is known, and "" for no code."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        return ""
    name = names.get(str(code))
    return f"{name} ({code})" if isinstance(name, str) and name else str(code)


def named_list(text: object, names: Mapping[str, str], *, groups: bool = False) -> str:
    """Codes written in a list ("U34632, U57096", or practice groups "P1 P2 |
    P3") with their names: "North PCN (U34632), South PCN (U57096)";
    groups as "group 1: A (P1), B (P2); group 2: C (P3)". Words that are not
    codes ("no network") are kept."""
    if not isinstance(text, str) or not text.strip():
        return ""
    if groups:
        parts = [piece.split() for piece in text.split("|")]
        return "; ".join(f"group {number}: " + ", ".join(named(code, names) for code in part)
                         for number, part in enumerate(parts, start=1))
    return ", ".join(named(piece.strip(), names) if _CODE.fullmatch(piece.strip())
                     else piece.strip() for piece in text.split(","))


def counted_names(text: object, names: Mapping[str, str]) -> str:
    """"U2G6B (41), D9Y0V (14)" with names: "Buckinghamshire (U2G6B): 41
    practices, …"."""
    if not isinstance(text, str) or not text.strip():
        return ""
    found = re.findall(r"([A-Z0-9]+) \((\d+)\)", text)
    return ", ".join(f"{named(code, names)}: {int(count):,} practice"
                     + ("s" if int(count) != 1 else "") for code, count in found)


def pounds(value: float | None, *, pence: bool = False) -> str:
    """Money with the pound sign: "£29,664", "−£1,203", "£2.27" with pence."""
    if value is None or pd.isna(value):
        return "–"
    amount = f"£{abs(value):,.2f}" if pence else f"£{abs(round(float(value))):,}"
    return (MINUS if value < 0 and amount.strip("£0.,") else "") + amount


def change_in_pounds(change: float, since: str | None = None) -> str:
    """A change in money with its arrow and sign: "↓ −£94,368 on 2025/26",
    "↑ +£1,200", "no change"."""
    rounded = round(float(change))
    where = f" on {since}" if since else ""
    if rounded == 0:
        return f"no change{where}"
    arrow, sign = ("↑", "+") if rounded > 0 else ("↓", MINUS)
    return f"{arrow} {sign}£{abs(rounded):,}{where}"


def change_in_count(change: float, what: str = "") -> str:
    """A change in a count with its arrow and sign: "↑ +2,091 patients"."""
    rounded = round(float(change))
    if rounded == 0:
        return "no change"
    arrow, sign = ("↑", "+") if rounded > 0 else ("↓", MINUS)
    return f"{arrow} {sign}{abs(rounded):,}" + (f" {what}" if what else "")


def whole(value: float | None) -> str:
    """A count as a whole number with thousands separators ("29,664")."""
    return "–" if value is None or pd.isna(value) else f"{round(float(value)):,}"


def rate(amount: float, basis: str) -> str:
    """A declared rate in words: "£2.266 per registered patient", "£120 per
    care home bed", "£1,754,000,000 shared by weighted population"."""
    if amount >= 100:
        money = f"£{amount:,.0f}"
    else:
        digits = f"{amount:.3f}".rstrip("0")
        money = "£" + (digits if len(digits.split(".")[1]) >= 2 else f"{amount:.2f}")
    return f"{money} {BASES.get(basis, basis)}"


# What each rate's basis means (pcnmap/declared/funding_rates.toml).
BASES = {
    "registered": "per registered patient",
    "weighted": "per weighted patient",
    "adjusted": "per patient of the adjusted population",
    "per_bed": "per care home bed",
    "per_role": "per role",
    "national_share": "in all, shared by weighted population",
}


def joined(items: Iterable[str], last: str = "and") -> str:
    """"a, b and c"."""
    items = [item for item in items if item]
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """"1 network", "12 networks"."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"
