"""The declared files (``pcnmap/declared/*.toml``) checked against their schema.

Each file's entries are pydantic models (:class:`Declared`: frozen, strict,
no key they do not declare). :func:`read_declared` reads a file's TOML
against its model and turns what pydantic finds into one sentence per
problem naming the file, the entry and the key, such as
``snapshots.toml: [[snapshot]] 5 (2026-07): memberships: layout
'practise-map' is not one of 'epcn' or 'practice-map'``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

# The keys that name an entry of an array of tables, in the order tried.
NAMING_KEYS = ("key", "stream", "year")


class Declared(BaseModel):
    """An entry of a declared file: every key typed, none coerced, none unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True,
                              populate_by_name=True)


class DeclaredFileError(ValueError):
    """A declared file breaks its schema; the message names the entry and key."""


Model = TypeVar("Model", bound=BaseModel)


def _entry(loc: tuple, raw: Mapping[str, Any], keyed: Collection[str]) -> tuple[str, tuple]:
    """The entry a finding's location falls in, in the file's own words, and
    the keys inside it."""
    if not loc:
        return "", ()
    first, rest = loc[0], loc[1:]
    value = raw.get(first) if isinstance(first, str) else None
    if isinstance(value, list):
        if rest and isinstance(rest[0], int):
            item = value[rest[0]] if rest[0] < len(value) else {}
            label = next((str(item[key]) for key in NAMING_KEYS
                          if isinstance(item, dict) and isinstance(item.get(key), str)), "")
            return f"[[{first}]] {rest[0] + 1}" + (f" ({label})" if label else ""), rest[1:]
        return f"[[{first}]]", rest
    if first in keyed and isinstance(value, dict) and rest:
        return f"[{first}.{rest[0]}]", rest[1:]
    if isinstance(value, dict):
        return f"[{first}]", rest
    return "", loc


def _said(error: Mapping[str, Any], keys: tuple) -> str:
    """One finding of pydantic's in words: what is wrong with which key."""
    kind, message = error["type"], str(error["msg"])
    words = [str(key) if not isinstance(key, int) else f"item {key + 1}" for key in keys]
    key = words[-1] if words else ""
    within = ".".join(words[:-1])
    prefix = f"{within}: " if within else ""
    if kind == "missing":
        return f"{prefix}{key!r} is missing"
    if kind == "extra_forbidden":
        return f"{prefix}unknown key {key!r}"
    found = error.get("input")
    if kind == "literal_error":
        return f"{prefix}{key} {found!r} is not one of {error['ctx']['expected']}"
    if kind in {"value_error", "assertion_error"}:
        return f"{prefix}{key + ' ' if key else ''}{message.split(', ', 1)[-1]}"
    wanted = message.replace("a valid tuple", "a list").replace("a valid dictionary", "a table")
    wanted = wanted.replace("Input should be", "should be")
    return f"{prefix}{key} {wanted}, not {found!r}" if key else f"{wanted}, not {found!r}"


def problems(error: ValidationError, raw: Mapping[str, Any], keyed: Collection[str] = ()
             ) -> list[str]:
    """Each problem pydantic found in a declared file, naming its entry and key.

    Args:
        error: What pydantic raised.
        raw: The file's TOML as read.
        keyed: The file's tables of tables (``[lsoa_layers.2011]``), named by
            their key rather than their number.
    """
    said = []
    for found in error.errors():
        entry, keys = _entry(tuple(found["loc"]), raw, keyed)
        sentence = _said(found, keys)
        said.append(f"{entry}: {sentence}" if entry else sentence)
    return list(dict.fromkeys(said))


def read_declared(path: Path, model: type[Model], *, keyed: Collection[str] = (),
                  context: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
                  prepare: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None,
                  error: type[ValueError] = DeclaredFileError) -> Model:
    """A declared file read and checked against ``model``.

    Args:
        path: The TOML file.
        model: Its schema.
        keyed: Its tables of tables, named by key in messages.
        context: A function given the raw TOML, returning what the schema's
            cross-checks compare with (the keys other tables declare), for
            pydantic's validators (``info.context``).
        prepare: A function given the raw TOML, returning what is validated
            (a table's key copied into it, say); the messages name the raw.
        error: The exception raised, with the file name and every problem.

    Raises:
        error: The file cannot be read or breaks its schema.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as failure:
        raise error(f"{path.name}: cannot be read ({failure})") from None
    try:
        return model.model_validate(prepare(raw) if prepare else raw,
                                    context=dict(context(raw)) if context else {})
    except ValidationError as failure:
        found = problems(failure, raw, keyed)
        raise error(f"{path.name}: " + f"\n{path.name}: ".join(found)) from None
