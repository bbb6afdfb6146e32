"""A proposal: changes to network membership, as the page's address and a
configuration file carry them.

A :class:`Proposal` names, for some practices, the network each would belong
to (an existing network or a new one) or that it would not sign up. It lives
in the page's address (:meth:`Proposal.to_text`, :meth:`Proposal.from_text`)
or in a configuration CSV (:data:`CONFIGURATION_COLUMNS`); :func:`check`
keeps what a snapshot can apply. What a proposal does to a snapshot is
:mod:`pcnmap.model.whatif`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import pandas as pd

from pcnmap import codes
from pcnmap.problems import QualityLog

if TYPE_CHECKING:
    from pcnmap.model.whatif import Scenario

# A new network's code: NEW and a number, so it cannot clash with an ODS code.
NEW_NETWORK_CODE = re.compile(r"^NEW\d{1,3}$")
NAME_LIMIT = 100
CONFIGURATION_COLUMNS = ("practice_code", "network_code", "network_name")


@dataclass(frozen=True)
class Proposal:
    """Changes to a snapshot's memberships.

    ``memberships`` maps a practice code to its proposed network code, or to
    ``None`` when the practice would not sign up. ``new_networks`` maps each
    new network's code to its name.
    """

    memberships: Mapping[str, str | None] = field(default_factory=dict)
    new_networks: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.memberships)

    def to_text(self) -> tuple[str, str]:
        """The proposal as two URL-safe strings: the moves and the new networks.

        Moves read ``P81001:U12345`` (``P81001:`` when not signing up), comma
        separated; new networks ``NEW1:<name, percent-encoded>``.
        """
        moves = ",".join(f"{p}:{n or ''}" for p, n in sorted(self.memberships.items()))
        new = ",".join(f"{c}:{quote(name, safe='')}" for c, name in
                       sorted(self.new_networks.items()))
        return moves, new

    @classmethod
    def from_text(cls, moves: str | None, new: str | None) -> Proposal:
        """Read :meth:`to_text`'s strings; malformed pieces are skipped (a
        hand-edited link cannot break the page), and :func:`check` then drops
        codes the snapshot does not know."""
        memberships: dict[str, str | None] = {}
        for piece in (moves or "").split(","):
            practice, sep, network = piece.partition(":")
            if sep and codes.PRACTICE_CODE.fullmatch(practice):
                memberships[practice] = network or None
        new_networks: dict[str, str] = {}
        for piece in (new or "").split(","):
            code, sep, name = piece.partition(":")
            name = unquote(name).strip()[:NAME_LIMIT]
            if sep and NEW_NETWORK_CODE.fullmatch(code) and name:
                new_networks[code] = name
        return cls(memberships, new_networks)

    def with_changes(self, memberships: Mapping[str, str | None],
                     new_networks: Mapping[str, str] | None = None) -> Proposal:
        """A copy with more changes (later ones win)."""
        return Proposal({**self.memberships, **memberships},
                        {**self.new_networks, **(new_networks or {})})

    def next_new_code(self) -> str:
        """The lowest free code for a new network (NEW1, NEW2, ...)."""
        used = {int(code[3:]) for code in self.new_networks}
        return f"NEW{min(set(range(1, len(used) + 2)) - used)}"


def check(proposal: Proposal, practices: pd.DataFrame, networks: pd.DataFrame) -> tuple[
        Proposal, list[str]]:
    """Keep only the changes the snapshot can apply; say what was dropped and why.

    A change that leaves a practice where it already is is dropped silently:
    it changes nothing.
    """
    known_networks = set(networks["network_code"])
    current = practices.set_index("practice_code")["network_code"]
    problems: list[str] = []
    kept: dict[str, str | None] = {}
    for practice, network in proposal.memberships.items():
        if practice not in current.index:
            problems.append(f"practice {practice} is not in this snapshot; change ignored")
        elif network is not None and network not in known_networks \
                and network not in proposal.new_networks:
            problems.append(f"network {network} (for {practice}) is neither a network of this "
                            "snapshot nor a new network; change ignored")
        elif network != (None if pd.isna(current[practice]) else current[practice]):
            kept[practice] = network
    used = {n for n in kept.values() if n}
    new_networks = {c: n for c, n in proposal.new_networks.items() if c in used}
    return Proposal(kept, new_networks), problems


def proposal_from_configuration(table: pd.DataFrame, practices: pd.DataFrame,
                                networks: pd.DataFrame, path: Path, log: QualityLog
                                ) -> Proposal:
    """Turn a checked configuration table into a proposal for a snapshot.

    Practices the snapshot lacks and network codes that are neither the
    snapshot's nor named new networks are logged and left out; practices the
    file does not list keep their current network.
    """
    known_practices = set(practices["practice_code"])
    known_networks = set(networks["network_code"])
    memberships: dict[str, str | None] = {}
    new_networks: dict[str, str] = {}
    for row in table.itertuples():
        if row.practice_code not in known_practices:
            log.add("unknown_code", path, row.source_row, "practice_code", row.practice_code,
                    row.practice_code, "practice is not in this snapshot; row left out")
            continue
        network = row.network_code or None
        if network and network not in known_networks:
            if not NEW_NETWORK_CODE.fullmatch(network):
                log.add("unknown_code", path, row.source_row, "network_code", row.practice_code,
                        network, "network is not in this snapshot (a new network needs a code "
                        "NEW1, NEW2, ... and a name); row left out")
                continue
            name = new_networks.get(network) or row.network_name
            if not name:
                log.add("invalid_value", path, row.source_row, "network_name",
                        row.practice_code, "", "a new network needs a name; row left out")
                continue
            new_networks[network] = name
        memberships[row.practice_code] = network
    proposal, _ = check(Proposal(memberships, new_networks), practices, networks)
    return proposal


def configuration_table(scenario: Scenario, practice_codes: pd.Series | None = None
                        ) -> pd.DataFrame:
    """The configuration as a downloadable table: practice, network code, network name.

    A practice not signing up has a blank network code (and, for information,
    the covering network in ``covered_by``). ``practice_codes``: only these
    practices (a place's).
    """
    practices = scenario.practices
    if practice_codes is not None:
        practices = practices[codes.one_of(practices["practice_code"], practice_codes)]
    table = practices[["practice_code", "practice_name", "network_code", "network_name",
                       "covered_by"]].sort_values("practice_code")
    return table.fillna("").reset_index(drop=True)
