"""The canonical form: what DataCite does to what it is sent, undone on both sides before a diff.

Each rule is one named entry of RULES, so the plan can say which rewrite it suppressed and
tests can drive one rule per row. A rule must suppress a rewrite DataCite makes and never hide a
real change. A rule also explains its rewrite: given the desired attributes, the notes the plan
shows for what DataCite will store differently; a rule whose rewrite needs no note says why.

Record rules (RULES, here) rewrite one record, the same on both sides. Pair rules, which undo
what DataCite derives from the desired record (`types` defaults, SPDX licence expansion), live in
`derivations`, with `rewrites`, which collects every rule's notes for a plan.

Languages are looked up in pycountry's ISO 639 data, as DataCite looks them up in the Library of
Congress ISO 639-2 list. Known limit: DataCite also maps exact ISO 639-2 English names (`English`
→ en); those names differ from pycountry's, so such a value plans as a change every time. `doiac
validate` already warns that it is not a BCP 47 tag.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

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


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _drop_empty(value: Any) -> Any:
    # This walks every value of every record of a plan: scalars, most values, are passed by an
    # exact type test without a call, and a mapping is rebuilt in one pass. An empty string is
    # not "nothing": DataCite stores it as sent and shows it.
    kind = type(value)
    if kind is list:
        return [v if type(v) in _SCALARS else _drop_empty(v) for v in value]
    if kind is dict or (kind not in _SCALARS and isinstance(value, Mapping)):
        cleaned = {}
        for key, item in value.items():
            if item is None:
                continue
            kept = item if type(item) in _SCALARS else _drop_empty(item)
            if not kept and type(kept) in (list, dict):
                continue
            cleaned[key] = kept
        return cleaned
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


# ISO 639-2's English names (the Library of Congress list DataCite reads) where they differ from
# pycountry's ISO 639-3 names, for the languages with a two-letter code. A name with `;` matches
# only in full (reference §2.8.4), so `Spanish` is kept as sent while `Spanish; Castilian` is `es`.
_LOC_NAMES: dict[str, str] = {
    "bh": "Bihari languages", "ca": "Catalan; Valencian", "cu": "Church Slavic; Old Slavonic; Church Slavonic;"
    " Old Bulgarian; Old Church Slavonic", "dv": "Divehi; Dhivehi; Maldivian", "el": "Greek, Modern (1453-)",
    "es": "Spanish; Castilian", "gd": "Gaelic; Scottish Gaelic", "ht": "Haitian; Haitian Creole",
    "ie": "Interlingue; Occidental", "ii": "Sichuan Yi; Nuosu", "kj": "Kuanyama; Kwanyama", "ki": "Kikuyu; Gikuyu",
    "kl": "Kalaallisut; Greenlandic", "km": "Central Khmer", "ky": "Kirghiz; Kyrgyz",
    "lb": "Luxembourgish; Letzeburgesch", "li": "Limburgan; Limburger; Limburgish", "ms": "Malay",
    "nb": "Bokmål, Norwegian; Norwegian Bokmål", "nd": "Ndebele, North; North Ndebele", "ne": "Nepali",
    "nl": "Dutch; Flemish", "nn": "Norwegian Nynorsk; Nynorsk, Norwegian", "nr": "Ndebele, South; South Ndebele",
    "nv": "Navajo; Navaho", "ny": "Chichewa; Chewa; Nyanja", "oc": "Occitan (post 1500); Provençal", "or": "Oriya",
    "os": "Ossetian; Ossetic", "pa": "Panjabi; Punjabi", "ps": "Pushto; Pashto", "ro": "Romanian; Moldavian; Moldovan",
    "si": "Sinhala; Sinhalese", "st": "Sotho, Southern", "sw": "Swahili", "ug": "Uighur; Uyghur",
    "za": "Zhuang; Chuang",
}  # fmt: skip


def _languages() -> Any:
    """pycountry's languages, imported on first use: its data costs a command that never plans 20 ms."""
    return importlib.import_module("pycountry").languages


@functools.lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    """ISO 639-2 English name → two-letter code, for every language that has one."""
    names = {language.name: language.alpha_2 for language in _languages() if hasattr(language, "alpha_2")}
    names = {name: code for name, code in names.items() if code not in _LOC_NAMES and code != "sh"}
    return {**names, **{name: code for code, name in _LOC_NAMES.items()}}


@functools.lru_cache(maxsize=1024)
def two_letter_code(language: str) -> str | None:
    """The ISO 639-1 code DataCite stores for `language`, or None when it keeps the value as sent.

    DataCite looks the part before the first `-` up as an ISO 639-1 or ISO 639-2 code, case-sensitively,
    and keeps only the two-letter code when there is one (en-US → en, eng → en, ger → de). Failing
    that, it looks that part up, first letter upper-cased, as an ISO 639-2 English name (english → en).
    """
    match = _LANGUAGE_HEAD.match(language)
    if match is None:
        head = language.split("-", 1)[0]
        code = _english_names().get(head[:1].upper() + head[1:]) if head else None
        return code if code is not None and code != language else None
    head = match.group(1)
    if head in _LOC_DIFFERENCES:
        code = _LOC_DIFFERENCES[head]
        return code if code is not None and code != language else None
    if len(head) == 2:
        found = _languages().get(alpha_2=head)
    else:
        languages = _languages()
        found = languages.get(alpha_3=head) or languages.get(bibliographic=head)
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
