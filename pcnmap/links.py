"""What a link (the page's address) may carry, and how problems with it are told.

Every view lives in the address, so anyone can hand the app any address:
a 100 kB search, ten thousand made-up changes. Each parameter has a length
cap (:data:`LIMITS`, characters) and a proposal a count cap
(:data:`MAX_MOVES`); what is over is refused with one sentence, and many
problems are summarised in one (:func:`summary`). A proposal longer than
:data:`ADDRESS_LIMIT` is not put in an address at all: servers and browsers
refuse addresses of much more than 8,000 characters.
"""

from __future__ import annotations

LIMITS = {"q": 100, "moves": 8_000, "new": 4_000, "fp": 8_000, "fpn": 4_000}
DEFAULT_LIMIT = 100  # snapshot, commissioner, network, ...: short codes and keys
MAX_MOVES = 600  # "P81001:U12345," is 14 characters: about 570 fit in 8,000
ADDRESS_LIMIT = 8_000  # moves and new networks together
SHOWN = 5  # problems named in a summary


def capped(name: str, value: str | None) -> tuple[str | None, str | None]:
    """A parameter's value within its cap, and the sentence saying what was
    done when it was not (else None).

    A search (``q``) is cut to its cap; any other over-long value, or a
    proposal of more than :data:`MAX_MOVES` changes, is dropped whole (a
    part of a proposal would mislead).
    """
    if not value:
        return None, None
    limit = LIMITS.get(name, DEFAULT_LIMIT)
    if name == "q" and len(value) > limit:
        return value[:limit], (f"The search was {len(value):,} characters long; only its "
                               f"first {limit:,} were used.")
    if len(value) > limit:
        return None, (f"The address's {name!r} was {len(value):,} characters long, more than "
                      f"the {limit:,} it may hold, and was ignored"
                      + (": load the proposal from its configuration file instead."
                         if name in ("moves", "new", "fp", "fpn") else "."))
    if name == "moves" and _count(value) > MAX_MOVES:
        return None, (f"The address holds {_count(value):,} changes, more than the "
                      f"{MAX_MOVES:,} a link may carry, and they were ignored: load the "
                      "proposal from its configuration file instead.")
    return value, None


def fits(moves: str, new: str) -> bool:
    """Whether a proposal's text (:meth:`pcnmap.model.whatif.Proposal.to_text`) fits an address."""
    return len(moves) + len(new) <= ADDRESS_LIMIT and _count(moves) <= MAX_MOVES


def _count(moves: str) -> int:
    return sum(1 for piece in moves.split(",") if piece)


def summary(problems: list[str], what: str = "change") -> str | None:
    """One sentence for many problems: how many, and the first :data:`SHOWN`."""
    if not problems:
        return None
    if len(problems) == 1:
        return f"1 {what} could not be applied: {problems[0]}."
    shown = "; ".join(problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN:,} more" if len(problems) > SHOWN else ""
    return f"{len(problems):,} {what}s could not be applied: {shown}{more}."
