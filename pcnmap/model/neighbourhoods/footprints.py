"""A proposal of footprints (each network's footprint and each footprint's
name), the changes a person makes to a draft, and the proposal as a
configuration file."""


from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import pandas as pd

from pcnmap import codes
from pcnmap.model.neighbourhoods.touching import NetworkGraph

FOOTPRINT_CODE = re.compile(r"^F\d{1,3}$")
NAME_LIMIT = 100
CONFIGURATION_COLUMNS = ("network_code", "footprint", "footprint_name")
# ---------------------------------------------------------------- footprints


def footprint_number(code: str) -> int:
    """The number in a footprint's code (F12 -> 12)."""
    return int(code[1:])


@dataclass(frozen=True)
class Footprints:
    """A proposal: each network of a place in a footprint (or in none).

    Attributes:
        assignment: Network code -> footprint code (F1, F2, ...), or None
            for a network left out of every footprint.
        names: Footprint code -> its name.
    """

    assignment: Mapping[str, str | None]
    names: Mapping[str, str]

    @property
    def codes(self) -> list[str]:
        """The footprints holding any network, in number order."""
        used = {code for code in self.assignment.values() if code}
        return sorted(used, key=footprint_number)

    def members(self, code: str) -> list[str]:
        """The networks of footprint ``code``, in code order."""
        return sorted(n for n, f in self.assignment.items() if f == code)

    @property
    def left_out(self) -> list[str]:
        """The networks in no footprint."""
        return sorted(n for n, f in self.assignment.items() if f is None)

    def name(self, code: str) -> str:
        """A footprint's name (a new one without a name is called by its code)."""
        return self.names.get(code) or f"New footprint {code}"

    def label(self, code: str) -> str:
        """Code and name, as pickers and tables show a footprint."""
        return f"{code} · {self.name(code)}"

    def next_code(self) -> str:
        """The lowest footprint code not in use."""
        used = {footprint_number(c) for c in self.codes} | {
            footprint_number(c) for c in self.names}
        return f"F{min(set(range(1, len(used) + 2)) - used)}"


@dataclass(frozen=True)
class Changes:
    """What a person changed in a draft: networks moved (to a footprint code,
    or None: out of every footprint) and footprints (re)named. It lives in
    the page's address (:meth:`to_text`), so a link opens the same proposal.
    """

    moves: Mapping[str, str | None] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.moves or self.names)

    def to_text(self) -> tuple[str, str]:
        """The changes as two address-safe strings: ``U12345:F2,U23456:``
        (a move; blank: out of every footprint) and ``F2:<name,
        percent-encoded>``."""
        moves = ",".join(f"{n}:{f or ''}" for n, f in sorted(self.moves.items()))
        names = ",".join(f"{c}:{quote(name, safe='')}" for c, name in
                         sorted(self.names.items(), key=lambda item: footprint_number(item[0])))
        return moves, names

    @classmethod
    def from_text(cls, moves: str | None, names: str | None) -> Changes:
        """Read :meth:`to_text`'s strings; malformed pieces are skipped, so a
        hand-edited link cannot break the page."""
        moved: dict[str, str | None] = {}
        for piece in (moves or "").split(","):
            network, sep, footprint = piece.partition(":")
            if sep and codes.NETWORK_CODE.fullmatch(network) and (
                    not footprint or FOOTPRINT_CODE.fullmatch(footprint)):
                moved[network] = footprint or None
        named: dict[str, str] = {}
        for piece in (names or "").split(","):
            code, sep, name = piece.partition(":")
            name = " ".join(unquote(name).split())[:NAME_LIMIT]
            if sep and FOOTPRINT_CODE.fullmatch(code) and name:
                named[code] = name
        return cls(moved, named)

    def with_move(self, network: str, footprint: str | None) -> Changes:
        """A copy with ``network`` moved (later changes win)."""
        return Changes({**self.moves, network: footprint}, dict(self.names))

    def with_name(self, footprint: str, name: str) -> Changes:
        """A copy with ``footprint`` named ``name`` (spaces tidied, cut to
        :data:`NAME_LIMIT` characters)."""
        name = " ".join(name.split())[:NAME_LIMIT]
        return Changes(dict(self.moves), {**self.names, footprint: name} if name else
                       {c: n for c, n in self.names.items() if c != footprint})


def apply_changes(draft: Footprints, changes: Changes) -> tuple[Footprints, list[str]]:
    """The draft with ``changes`` made, and what could not be made (a network
    not of this place), each in a few words. A move or a name that changes
    nothing is dropped; names of footprints left empty are dropped."""
    problems = []
    assignment = dict(draft.assignment)
    for network, footprint in changes.moves.items():
        if network not in assignment:
            problems.append(f"network {network} is not a network of this place; "
                            "change ignored")
        else:
            assignment[network] = footprint
    used = {f for f in assignment.values() if f}
    names = {c: n for c, n in {**draft.names, **changes.names}.items() if c in used}
    return Footprints(assignment, names), problems


def changes_between(draft: Footprints, proposal: Footprints) -> Changes:
    """The :class:`Changes` that make ``proposal`` of ``draft`` (the shortest:
    only networks moved and names changed)."""
    moves = {n: f for n, f in proposal.assignment.items() if draft.assignment.get(n, "") != f}
    names = {c: n for c, n in proposal.names.items()
             if c in proposal.codes and draft.names.get(c) != n}
    return Changes(moves, names)


# ---------------------------------------------------------------- the configuration file


def configuration_table(proposal: Footprints, graph: NetworkGraph) -> pd.DataFrame:
    """The proposal as a configuration file: every network of the place,
    its footprint's code and name (blank: in no footprint), then its name
    and patients for the reader (left out when the file is loaded)."""
    table = graph.networks[["network_code", "network_name", "patients"]].copy()
    footprint = table["network_code"].map(proposal.assignment)
    table.insert(1, "footprint", footprint.fillna(""))
    table.insert(2, "footprint_name", footprint.map(
        lambda f: proposal.name(f) if isinstance(f, str) else "").fillna(""))
    return table.assign(patients=table["patients"].round().astype("int64")).reset_index(
        drop=True)


def footprints_from_configuration(table: pd.DataFrame, graph: NetworkGraph, path,
                                  log) -> Footprints:
    """A checked configuration table (``network_code``, ``footprint``,
    ``footprint_name``, ``source_row``) as a proposal for the place.

    A network not of the place is logged with its row and left out; a
    footprint named twice keeps its first name (the other is logged); the
    place's networks the file does not list are in no footprint (the checks
    name them).
    """
    mine = set(graph.codes)
    assignment: dict[str, str | None] = dict.fromkeys(graph.codes)
    names: dict[str, str] = {}
    for row in table.itertuples():
        if row.network_code not in mine:
            log.add("unknown_code", path, row.source_row, "network_code", row.network_code,
                    row.network_code, "network is not a network of this place (one with a "
                    "member practice in it); row left out")
            continue
        footprint = row.footprint or None
        assignment[row.network_code] = footprint
        name = " ".join(str(row.footprint_name).split())[:NAME_LIMIT]
        if footprint and name:
            if footprint in names and names[footprint] != name:
                log.add("invalid_value", path, row.source_row, "footprint_name",
                        row.network_code, name, f"footprint {footprint} is already named "
                        f"{names[footprint]!r} on an earlier row; this name is not used")
            else:
                names.setdefault(footprint, name)
    return Footprints(assignment, names)
