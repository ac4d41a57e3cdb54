"""The canonical form: what DataCite does to what it is sent, undone on both sides before a diff.

Each rule is one named entry of RULES, so the plan can say which rewrite it suppressed and
tests can drive one rule per row. A rule must suppress a rewrite DataCite makes and never hide a
real change. A rule also explains its rewrite: given the desired attributes, the notes the plan
shows for what DataCite will store differently; a rule whose rewrite needs no note says why.

Two kinds of rule. Record rules (RULES) rewrite one record, the same on both sides. Pair rules
(PAIR_RULES) look at the desired record to undo what DataCite derives from it: `types` defaults
and SPDX licence expansion add values the file never wrote, so the live record's copies are
compared only as far as the file speaks. Neither needs DataCite's tables, and so neither can drift
from them: a derived key the file does not set is DataCite's to fill, and a licence DataCite
matched is DataCite's to spell.

Languages are looked up in pycountry's ISO 639 data, as DataCite looks them up in the Library of
Congress ISO 639-2 list. Known limit: DataCite also maps exact ISO 639-2 English names (`English`
→ en); those names differ from pycountry's, so such a value plans as a change every time. `doiac
validate` already warns that it is not a BCP 47 tag.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pycountry

# What DataCite sets or derives itself; never part of a comparison (reference §2.2, §2.5).
SERVER_OWNED = frozenset(
    [
        "id",
        "type",
        "relationships",
        "prefix",
        "suffix",
        "created",
        "updated",
        "registered",
        "published",
        "xml",
        "metadataVersion",
        "schemaVersion",
        "isActive",
        "state",
        "url",
        "source",
        "reason",
        "landingPage",
        "agency",
        "viewCount",
        "downloadCount",
        "citationCount",
        "referenceCount",
        "partCount",
        "partOfCount",
        "versionCount",
        "versionOfCount",
        "viewsOverTime",
        "downloadsOverTime",
        "citationsOverTime",
        "container",
        "alternateIdentifiers",
        "doi",
    ]
)
# Attributes DataCite wraps into a list when given a single object or scalar (§2.6).
LIST_ATTRIBUTES = (
    "creators", "contributors", "titles", "subjects", "dates", "identifiers", "relatedIdentifiers",
    "relatedItems", "sizes", "formats", "rightsList", "descriptions", "geoLocations", "fundingReferences",
    "contentUrl",
)  # fmt: skip
_NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")

Record = dict[str, Any]


@dataclass(frozen=True)
class Note:
    """What DataCite will store differently from what it is sent, about one top-level attribute."""

    field: str
    text: str


Explain = Callable[[Mapping[str, Any]], Iterator[Note]]
"""desired attributes → the notes for what DataCite will rewrite in them (none: nothing to say)."""


@dataclass(frozen=True)
class Rule:
    """One DataCite rewrite: its name, what DataCite does, and how the canonical form undoes it.

    `explains` gives the plan's notes for the rewrite; a rule without one says in `no_note_because`
    why the plan need not mention it.
    """

    name: str
    does: str
    apply: Callable[[Record], Record]
    explains: Explain | None
    no_note_because: str = ""


def _server_owned(record: Record) -> Record:
    return {k: v for k, v in record.items() if k not in SERVER_OWNED}


def _is_empty(value: Any) -> bool:
    # An empty string is not "nothing": DataCite stores it as sent and shows it.
    return value is None or (type(value) in (list, dict) and not value)


def _drop_empty(value: Any) -> Any:
    # Exact type checks, not ABCs: this walks every value of every record of a plan.
    kind = type(value)
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        cleaned = {k: _drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if not _is_empty(v)}
    if kind is list:
        return [_drop_empty(v) for v in value]
    return value


def _empty_is_missing(record: Record) -> Record:
    result = _drop_empty(record)
    return result if isinstance(result, dict) else {}


def _wrap_single(record: Record) -> Record:
    return {
        k: [v] if k in LIST_ATTRIBUTES and v is not None and not isinstance(v, list) else v
        for k, v in record.items()
    }


def _people(record: Record, change: Callable[[dict[str, Any]], dict[str, Any]]) -> Record:
    result = dict(record)
    for key in ("creators", "contributors"):
        if isinstance(result.get(key), list):
            result[key] = [change(dict(p)) if isinstance(p, Mapping) else p for p in result[key]]
    return result


def _person_shapes(person: dict[str, Any]) -> dict[str, Any]:
    affiliations = person.get("affiliation")
    if isinstance(affiliations, list):
        person["affiliation"] = [{"name": a} if isinstance(a, str) else a for a in affiliations]
    if isinstance(person.get("nameIdentifiers"), Mapping):
        person["nameIdentifiers"] = [person["nameIdentifiers"]]
    return person


def _publisher_object(record: Record) -> Record:
    if isinstance(record.get("publisher"), str):
        return {**record, "publisher": {"name": record["publisher"]}}
    return record


def _publication_year(record: Record) -> Record:
    year = record.get("publicationYear")
    if isinstance(year, str) and year.strip().isdigit():
        return {**record, "publicationYear": int(year)}
    return record


def _explain_publication_year(attributes: Mapping[str, Any]) -> Iterator[Note]:
    if isinstance(attributes.get("publicationYear"), str):
        yield Note("publicationYear", "DataCite will store publicationYear as a number")


def _version_string(record: Record) -> Record:
    version = record.get("version")
    if isinstance(version, int | float) and not isinstance(version, bool):
        return {**record, "version": str(version)}
    return record


def _doi_identifiers(record: Record) -> Record:
    identifiers = record.get("identifiers")
    if isinstance(identifiers, list):
        kept = [i for i in identifiers if not (isinstance(i, Mapping) and i.get("identifierType") == "DOI")]
        return {**record, "identifiers": kept}
    return record


def _rights_identifier_lower(record: Record) -> Record:
    rights = record.get("rightsList")
    if not isinstance(rights, list):
        return record
    lowered = [
        {**r, "rightsIdentifier": r["rightsIdentifier"].lower()}
        if isinstance(r, Mapping) and isinstance(r.get("rightsIdentifier"), str)
        else r
        for r in rights
    ]
    return {**record, "rightsList": lowered}


_LANGUAGE_HEAD = re.compile(r"^([a-z]{2,3})(-|$)")


# Where pycountry's ISO 639-3 data and the Library of Congress ISO 639-2 list DataCite reads differ:
# Serbo-Croatian (sh, hbs) is only in the first, Bihari (bh, bih) only in the second.
_LOC_DIFFERENCES: dict[str, str | None] = {"sh": None, "hbs": None, "bh": "bh", "bih": "bh"}


@functools.lru_cache(maxsize=1024)
def two_letter_code(language: str) -> str | None:
    """The ISO 639-1 code DataCite stores for `language`, or None when it keeps the value as sent.

    DataCite looks the part before the first `-` up as an ISO 639-1 or ISO 639-2 code, case-sensitively,
    and keeps only the two-letter code when there is one (en-US → en, eng → en, ger → de).
    """
    match = _LANGUAGE_HEAD.match(language)
    if match is None:
        return None
    head = match.group(1)
    if head in _LOC_DIFFERENCES:
        code = _LOC_DIFFERENCES[head]
        return code if code is not None and code != language else None
    if len(head) == 2:
        found = pycountry.languages.get(alpha_2=head)
    else:
        found = pycountry.languages.get(alpha_3=head) or pycountry.languages.get(bibliographic=head)
    code = getattr(found, "alpha_2", None)
    return code if isinstance(code, str) and code != language else None


def _language_head(record: Record) -> Record:
    language = record.get("language")
    if isinstance(language, str) and (code := two_letter_code(language)):
        return {**record, "language": code}
    return record


def _explain_language(attributes: Mapping[str, Any]) -> Iterator[Note]:
    language = attributes.get("language")
    if isinstance(language, str) and (code := two_letter_code(language)):
        yield Note("language", f"DataCite will store language {language!r} as {code!r}")


def _numbers(value: Any) -> Any:
    if isinstance(value, Mapping):
        # DataCite converts coordinates, never the place name (a place may be called "1905").
        return {k: v if k == "geoLocationPlace" else _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str) and _NUMBER.match(value.strip()):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _numeric_geo(record: Record) -> Record:
    if isinstance(record.get("geoLocations"), list):
        return {**record, "geoLocations": _numbers(record["geoLocations"])}
    return record


def frozen(value: Any) -> Any:
    """A hashable stand-in for a JSON value: two stand-ins are equal exactly when the values are (==).

    A mapping becomes a frozenset of its (key, value) pairs, a list a tuple; scalars stay as they
    are, so 1, 1.0 and True stay one value, as == has them.
    """
    if isinstance(value, Mapping):
        return frozenset((k, frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(frozen(v) for v in value)
    return value


def _subjects_unique(record: Record) -> Record:
    subjects = record.get("subjects")
    if not isinstance(subjects, list):
        return record
    # A set of stand-ins, not `subject not in unique`: that compared each subject with every one
    # kept, and 300,000 subjects (an 8 MiB file) took minutes.
    seen: set[Any] = set()
    unique: list[Any] = []
    for subject in subjects:
        key = frozen(subject)
        if key not in seen:
            seen.add(key)
            unique.append(subject)
    return {**record, "subjects": unique}


# Why a rule needs no note: the plan notes only what DataCite will store differently from the file.
_SCHEMA_REFUSES = "the schema refuses this shape in a file, so doiac never sends it"
_SAME_VALUE = "the same value in DataCite's shape: nothing the file says is lost"

RULES: tuple[Rule, ...] = (
    Rule(
        "server-owned", "DataCite sets created, updated, xml, counters, … and derives container", _server_owned,
        None, "undoes what DataCite adds: nothing the file sends is rewritten",
    ),
    Rule("wrap-single", "DataCite wraps a single object or value into a list", _wrap_single, None, _SCHEMA_REFUSES),
    Rule(
        "person-shapes", "affiliations come back as name strings; an object nameIdentifiers becomes a list",
        lambda r: _people(r, _person_shapes), None, _SCHEMA_REFUSES,
    ),
    Rule("publisher-object", "a publisher string is stored as {name}", _publisher_object, None, _SAME_VALUE),
    Rule("publication-year", "publicationYear is stored as an integer", _publication_year, _explain_publication_year),
    Rule("version-string", "version is stored as a string", _version_string, None, _SCHEMA_REFUSES),
    Rule(
        "doi-identifiers", "identifiers of type DOI are dropped", _doi_identifiers,
        None, "`doiac validate` warns about each one (identifier-doi)",
    ),
    Rule("numeric-geo", "coordinates written as numeric strings become numbers", _numeric_geo, None, _SAME_VALUE),
    Rule(
        "subjects-unique", "exact duplicate subjects are removed", _subjects_unique,
        None, "only an exact copy is dropped: the subjects DataCite keeps say all the file says",
    ),
    Rule(
        "rights-identifier-lower", "rightsIdentifier is stored in lower case", _rights_identifier_lower,
        None, "either case names the same licence; spdx-expansion's note already shows the lower-case one",
    ),
    Rule(
        "language-head", "a language tag is stored as its two-letter code (en-US → en)", _language_head,
        _explain_language,
    ),
    Rule(
        "empty-is-missing", "null, [] and {} all mean nothing; DataCite adds empty lists", _empty_is_missing,
        None, "undoes what DataCite adds: null, [] and {} say nothing, sent or stored",
    ),
)  # fmt: skip


def canonical(attributes: Mapping[str, Any]) -> Record:
    """The canonical form of a record's metadata: equal canonical forms mean no change."""
    record: Record = dict(attributes)
    for rule in RULES:
        record = rule.apply(record)
    return record


def unserved_identifiers(form: Record, doi: str, url: str | None) -> Record:
    """A desired canonical form without the identifiers DataCite stores but never serves.

    DataCite hides from `identifiers` any entry equal to the DOI as it stores it (upper case, an
    exact match) or to the landing-page url (reference §2.6): the live record cannot show them.
    """
    identifiers = form.get("identifiers")
    if not isinstance(identifiers, list):
        return form
    hidden = {doi.upper(), url}
    kept = [i for i in identifiers if not (isinstance(i, Mapping) and i.get("identifier") in hidden)]
    if len(kept) == len(identifiers):
        return form
    result = {**form, "identifiers": kept}
    return result if kept else {k: v for k, v in result.items() if k != "identifiers"}


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
