"""What DataCite derives from what it is sent, undone given the desired record; the plan's notes.

Pair rules (PAIR_RULES) look at the desired record to undo what DataCite derives from it: `types`
defaults and SPDX licence expansion add values the file never wrote, so the live record's copies
are compared only as far as the file speaks. Neither needs DataCite's tables, and so neither can
drift from them: a derived key the file does not set is DataCite's to fill, and a licence DataCite
matched is DataCite's to spell. `rewrites` collects the notes of every rule, record and pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .normalize import RULES, Explain, Note, Record, Rule


@dataclass(frozen=True)
class PairRule:
    """A rewrite DataCite derives from what it was sent: undone on the live side, given the desired."""

    name: str
    does: str
    apply: Callable[[Record, Mapping[str, Any]], Record]
    """(live canonical, desired canonical) → live canonical with DataCite's derivation undone."""
    explains: Explain | None
    no_note_because: str = ""


_DERIVED_TYPES = ("schemaOrg", "citeproc", "bibtex", "ris")
_SPDX_URI = "https://spdx.org/licenses/"
_SPDX_FILLED = ("rights", "rightsUri", "rightsIdentifierScheme", "schemeUri")


def _derived_types(live: Record, desired: Mapping[str, Any]) -> Record:
    # DataCite adds schemaOrg, citeproc, bibtex and ris to `types` when they are not sent, and
    # recomputes them whenever `types` is sent: the ones the file leaves out are DataCite's.
    types, wanted = live.get("types"), desired.get("types")
    if not isinstance(types, Mapping) or not isinstance(wanted, Mapping):
        return live
    kept = {k: v for k, v in types.items() if k in wanted or k not in _DERIVED_TYPES}
    return {**live, "types": kept}


def _explain_derived_types(attributes: Mapping[str, Any]) -> Iterator[Note]:
    types = attributes.get("types")
    if isinstance(types, Mapping) and (added := [k for k in _DERIVED_TYPES if k not in types]):
        yield Note(
            "types", f"DataCite will add {', '.join(added)} to types, derived from resourceTypeGeneral"
        )


# DataCite matches a licence by its full name before its identifier, and four current SPDX IDs
# share their name with a deprecated ID that sorts first: on the next save the stored ID drifts to
# the deprecated one (reference §2.8.1). Both name the same licence.
_SPDX_DRIFT = {"gpl-2.0-only": "gpl-2.0", "gpl-3.0-only": "gpl-3.0", "gpl-3.0-or-later": "gpl-3.0+",
               "lgpl-3.0-only": "lgpl-3.0"}  # fmt: skip
_CC_SHORT = re.compile(
    r"^https://creativecommons\.org/(licenses/(by|by-sa|by-nd|by-nc|by-nc-sa|by-nc-nd|by-nd-nc)/"
    r"(1\.0|2\.0|2\.5|3\.0|4\.0)|publicdomain/zero/1\.0)$"
)


def _spdx_id(value: Any) -> Any:
    return _SPDX_DRIFT.get(value.lower(), value.lower()) if isinstance(value, str) else value


def _licence_url(text: str) -> str | None:
    """A licence URL written in `rights`, cleaned as DataCite cleans it before matching (§2.8.1)."""
    match = re.match(r"^(https?|ftp)://([^/?#\s]+)([^?#\s]*)([?#]\S*)?$", text.strip())
    if match is None:
        return None
    path = re.sub(r"/{2,}", "/", match.group(3))
    if len(path) > 1:
        path = path.rstrip("/")
    url = f"https://{match.group(2)}{path}{match.group(4) or ''}"
    if url == "https://creativecommons.org/licenses/by/3.0/us":
        return "https://creativecommons.org/licenses/by/3.0/legalcode"
    return f"{url}/legalcode" if _CC_SHORT.match(url) else url


def _is_spdx_match(served: Any, sent: Any) -> bool:
    if not (isinstance(served, Mapping) and isinstance(sent, Mapping)):
        return False
    if served.get("rightsIdentifierScheme") != "SPDX" or served.get("schemeUri") != _SPDX_URI:
        return False
    if "rightsIdentifier" in sent:
        return bool(_spdx_id(sent["rightsIdentifier"]) == _spdx_id(served.get("rightsIdentifier")))
    rights = sent.get("rights")
    if not isinstance(rights, str) or not rights:
        return False
    return rights == served.get("rights") or _licence_url(rights) == served.get("rightsUri")


def _spdx_expansion(live: Record, desired: Mapping[str, Any]) -> Record:
    # A licence DataCite recognises is rebuilt from its SPDX record: rights, rightsUri, scheme and
    # schemeUri are DataCite's, whatever was sent. Compared by position, as DataCite keeps order.
    served, sent = live.get("rightsList"), desired.get("rightsList")
    if not isinstance(served, list) or not isinstance(sent, list):
        return live
    rebuilt = list(served)
    for index, (entry, wanted) in enumerate(zip(served, sent, strict=False)):
        if _is_spdx_match(entry, wanted) and entry.get("lang") == wanted.get("lang"):
            rebuilt[index] = dict(wanted)
    return {**live, "rightsList": rebuilt}


def _explain_spdx_expansion(attributes: Mapping[str, Any]) -> Iterator[Note]:
    # Only an identifier is sure to be looked up; a licence named by its text or URL is not noted.
    rights = attributes.get("rightsList")
    for index, entry in enumerate(rights if isinstance(rights, list) else []):
        identifier = entry.get("rightsIdentifier") if isinstance(entry, Mapping) else None
        if isinstance(identifier, str) and not all(entry.get(k) for k in ("rights", "rightsUri")):
            yield Note(
                "rightsList",
                f"DataCite will store rightsList[{index}] as the full SPDX record for {identifier.lower()}"
                " if it is an SPDX licence identifier",
            )


PAIR_RULES: tuple[PairRule, ...] = (
    PairRule(
        "derived-types", "schemaOrg, citeproc, bibtex and ris are derived from resourceTypeGeneral",
        _derived_types, _explain_derived_types,
    ),
    PairRule(
        "spdx-expansion", "a recognised licence is stored as its full SPDX record", _spdx_expansion,
        _explain_spdx_expansion,
    ),
)  # fmt: skip


def align(live: Mapping[str, Any], desired: Mapping[str, Any]) -> Record:
    """The live canonical form with what DataCite derived from the desired one undone.

    Both arguments are canonical forms; compare the result with `desired`.
    """
    record: Record = dict(live)
    for rule in PAIR_RULES:
        record = rule.apply(record, desired)
    return record


# The order plans have always listed notes in; a field not named here comes last, in rule order.
_NOTE_ORDER = {"language": 0, "types": 1, "rightsList": 2, "publicationYear": 3}


def rewrites(attributes: Mapping[str, Any], fields: Iterable[str] | None = None) -> tuple[str, ...]:
    """What DataCite will rewrite in these attributes when they are sent: notes for the plan.

    The notes are the explanations of the rules that fire. With `fields`, only notes about those
    top-level attributes (the ones a change touches).
    """
    rules: tuple[Rule | PairRule, ...] = (*RULES, *PAIR_RULES)
    notes = [note for rule in rules if rule.explains for note in rule.explains(attributes)]
    notes.sort(key=lambda note: _NOTE_ORDER.get(note.field, len(_NOTE_ORDER)))
    wanted = None if fields is None else set(fields)
    return tuple(note.text for note in notes if wanted is None or note.field in wanted)
