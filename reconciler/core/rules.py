"""Validation rules beyond the JSON Schema: DataCite's server rules and its best-practice guidance.

Each rule is a function `(record, context) -> diagnostics`, named after what it checks, so that tests
can drive one rule per table row. Rules run only on records that passed the schema, so they may
trust shapes (but never that optional keys are present).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from ..model import Diagnostic, Repository, Severity, escape_pointer_token
from .doi import path_problem
from .identifiers import check_date, check_language, check_related_identifier, check_scheme_identifier
from .suffix import is_opaque_suffix

# DataCite refuses to create DOIs outside this pattern (lupo's create-time check); older DOIs may
# hold other characters such as "+" and keep working.
DOI_CREATE = re.compile(r"^10\.\d{4,5}/[-._;()/:a-zA-Z0-9*~$=]+$")
DOI_ANY = re.compile(r"^10\.[0-9]{4,9}/\S+$")
_CONTENT_SUFFIXES = (
    ".pdf", ".zip", ".csv", ".tsv", ".xlsx", ".xls", ".docx", ".doc", ".pptx", ".tar", ".gz", ".tgz",
    ".bz2", ".xz", ".7z", ".rar", ".json", ".xml", ".nc", ".h5", ".hdf5", ".txt", ".mp4", ".mp3",
    ".wav", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".epub", ".parquet", ".sav", ".dta", ".rds",
)  # fmt: skip
_TOMBSTONE_WORDS = re.compile(r"tombstone|withdrawn|retracted|removed|deleted|gone|unavailable", re.I)
_WORD = re.compile(r"[a-z]{4,}", re.I)
_YEAR = re.compile(r"(?:^|[^0-9])(?:19|20)\d\d(?:[^0-9]|$)")
_VOWEL = re.compile(r"[aeiou]", re.I)
# A number written as a string, as DataCite's float parsing (and xs:float) accepts it.
_NUMBER = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")


@dataclass(frozen=True)
class RuleContext:
    path: str
    """The file's path relative to the config folder (POSIX)."""
    repository: Repository


Rule = Callable[[Mapping[str, Any], RuleContext], Iterator[Diagnostic]]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _items(record: Mapping[str, Any], key: str) -> Iterator[tuple[int, Mapping[str, Any]]]:
    value = record.get(key)
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                yield index, item


def doi_syntax(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    doi = _str(record.get("doi"))
    if doi is None:
        return
    # Unsafe characters first: a look-alike digit in the prefix is worth naming as such.
    problem = path_problem(doi)
    if problem and (DOI_ANY.match(doi) or not doi.isascii()):
        yield Diagnostic(
            severity=Severity.ERROR, pointer="/doi", message=f"{doi!r} {problem}", rule="doi-path"
        )
        return
    if not DOI_ANY.match(doi):
        yield Diagnostic(
            severity=Severity.ERROR,
            pointer="/doi",
            message=f"{doi!r} is not a DOI: expected 10.<prefix>/<suffix>",
            rule="doi-syntax",
        )
        return
    if not DOI_CREATE.match(doi):
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer="/doi",
            message=(
                f"{doi!r} has characters DataCite refuses for new DOIs (allowed: letters, digits, -._;()/:*~$=):"
                " DataCite refuses this DOI on create (422); an existing DOI keeps working"
            ),
            rule="doi-characters",
        )
    if doi != doi.lower():
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer="/doi",
            message=f"write the DOI in lower case: {doi.lower()}",
            rule="doi-case",
        )


def doi_prefix(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    doi = _str(record.get("doi"))
    if doi is None or not DOI_ANY.match(doi):
        return
    prefix = doi.split("/", 1)[0]
    if prefix not in ctx.repository.prefixes:
        owned = ", ".join(ctx.repository.prefixes)
        yield Diagnostic(
            severity=Severity.ERROR,
            pointer="/doi",
            message=(
                f"prefix {prefix} does not belong to repository {ctx.repository.id} (its prefixes: {owned}), "
                f"which owns the files under {ctx.repository.path}"
            ),
            rule="doi-prefix",
        )


def canonical_path(doi: str, repository: Repository) -> str:
    """dois/<prefix>/<suffix>.yaml, lower case, with a `/` inside the suffix written as `__`."""
    prefix, _, suffix = doi.lower().partition("/")
    return f"{repository.path}{prefix}/{suffix.replace('/', '__')}.yaml"


def file_path(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    doi = _str(record.get("doi"))
    if doi is None or not DOI_ANY.match(doi):
        return
    expected = canonical_path(doi, ctx.repository)
    if ctx.path != expected:
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer="/doi",
            message=f"file name does not match its DOI; expected {expected}",
            rule="file-path",
        )


def host_allowed(host: str, domains: tuple[str, ...]) -> bool:
    """DataCite's domain rule: `*` any host, `*.example.org` subdomains only, else the exact host."""
    if not domains:
        return True
    host = host.lower().rstrip(".")
    for allowed in (d.lower() for d in domains):
        if allowed in {"*", host}:
            return True
        if allowed.startswith("*.") and host.endswith(allowed[1:]):
            return True
    return False


def landing_page(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    url = _str(record.get("url"))
    if url is None:
        return
    state = record.get("state")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https", "ftp"} or not parts.netloc or not parts.hostname:
        yield Diagnostic(
            severity=Severity.ERROR,
            pointer="/url",
            message=f"{url!r} is not a valid URL: use https://…",
            rule="url-scheme",
        )
        return
    if parts.scheme != "https":
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer="/url",
            message=f"landing pages should use https, not {parts.scheme}",
            rule="url-https",
        )
    if not host_allowed(parts.hostname, ctx.repository.domains):
        # DataCite checks domains only when a DOI is registered or findable.
        severity = Severity.ERROR if state in {"registered", "findable"} else Severity.WARNING
        allowed = ", ".join(ctx.repository.domains)
        yield Diagnostic(
            severity=severity,
            pointer="/url",
            message=f"host {parts.hostname} is not allowed for repository {ctx.repository.id} (domains: {allowed})",
            rule="url-domain",
        )
    if parts.path.lower().endswith(_CONTENT_SUFFIXES):
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer="/url",
            message="the url points at a file; a DOI should resolve to a landing page that describes the content",
            rule="landing-page",
        )
    if state == "registered" and not _TOMBSTONE_WORDS.search(url):
        yield Diagnostic(
            severity=Severity.INFO,
            pointer="/url",
            message="a registered DOI is usually a withdrawn one: point its url at a tombstone page",
            rule="tombstone-url",
        )


def opaque_suffix(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    doi = _str(record.get("doi"))
    if doi is None or "/" not in doi:
        return
    suffix = doi.split("/", 1)[1]
    if is_opaque_suffix(suffix):
        return
    words = [w for w in _WORD.findall(suffix) if _VOWEL.search(w)]
    if words or _YEAR.search(suffix):
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer="/doi",
            message=(
                f"suffix {suffix!r} carries meaning; DataCite recommends opaque suffixes, which cannot go out of date "
                "(`doiac new` mints one)"
            ),
            rule="opaque-suffix",
        )


def _name_entities(record: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key in ("creators", "contributors"):
        for index, person in _items(record, key):
            yield f"/{key}/{index}", person


def name_identifiers(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    for base, person in _name_entities(record):
        for index, ident in _items(person, "nameIdentifiers"):
            value, scheme = _str(ident.get("nameIdentifier")), _str(ident.get("nameIdentifierScheme"))
            if value and scheme:
                yield from _at(
                    check_scheme_identifier(scheme, value),
                    f"{base}/nameIdentifiers/{index}/nameIdentifier",
                    "name-id",
                )
        for index, aff in _items(person, "affiliation"):
            yield from _organisation(aff, "affiliationIdentifier", "affiliationIdentifierScheme",
                                     f"{base}/affiliation/{index}")  # fmt: skip


def _organisation(
    item: Mapping[str, Any], id_key: str, scheme_key: str, pointer: str
) -> Iterator[Diagnostic]:
    value, scheme = _str(item.get(id_key)), _str(item.get(scheme_key))
    if value and not scheme:
        yield Diagnostic(
            severity=Severity.WARNING,
            pointer=f"{pointer}/{id_key}",
            message=f"{id_key} needs {scheme_key} (e.g. ROR)",
            rule="org-id",
        )
    elif value and scheme:
        yield from _at(check_scheme_identifier(scheme, value), f"{pointer}/{id_key}", "org-id")


def publisher_identifier(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    publisher = record.get("publisher")
    if isinstance(publisher, Mapping):
        yield from _organisation(publisher, "publisherIdentifier", "publisherIdentifierScheme", "/publisher")


def funder_identifiers(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    for index, funder in _items(record, "fundingReferences"):
        value, kind = _str(funder.get("funderIdentifier")), _str(funder.get("funderIdentifierType"))
        pointer = f"/fundingReferences/{index}/funderIdentifier"
        if value and not kind:
            yield Diagnostic(
                severity=Severity.ERROR,
                pointer=pointer,
                message="funderIdentifier needs funderIdentifierType",
                rule="funder-id",
            )
        elif value and kind:
            yield from _at(check_scheme_identifier(kind, value), pointer, "funder-id")


def related_identifiers(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    for index, rel in _items(record, "relatedIdentifiers"):
        value, kind = _str(rel.get("relatedIdentifier")), _str(rel.get("relatedIdentifierType"))
        if value and kind:
            pointer = f"/relatedIdentifiers/{index}/relatedIdentifier"
            yield from _at(check_related_identifier(kind, value), pointer, "related-id")
    for index, item in _items(record, "relatedItems"):
        ident = item.get("relatedItemIdentifier")
        if isinstance(ident, Mapping):
            value, kind = (
                _str(ident.get("relatedItemIdentifier")),
                _str(ident.get("relatedItemIdentifierType")),
            )
            pointer = f"/relatedItems/{index}/relatedItemIdentifier/relatedItemIdentifier"
            if value and kind:
                yield from _at(check_related_identifier(kind, value), pointer, "related-id")


def alternate_identifiers(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    for index, ident in _items(record, "identifiers"):
        if ident.get("identifierType") == "DOI":
            yield Diagnostic(
                severity=Severity.WARNING,
                pointer=f"/identifiers/{index}/identifierType",
                message="DataCite silently drops identifiers of type DOI; relate other DOIs with relatedIdentifiers",
                rule="identifier-doi",
            )


def dates(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    for index, entry in _items(record, "dates"):
        text = _str(entry.get("date"))
        if text:
            yield from _at(check_date(text), f"/dates/{index}/date", "date-format")


def languages(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    language = _str(record.get("language"))
    if language:
        yield from _at(check_language(language), "/language", "language")
    for key in ("titles", "descriptions", "subjects", "creators", "contributors", "rightsList"):
        for index, item in _items(record, key):
            lang = _str(item.get("lang"))
            if lang:
                yield from _at(check_language(lang), f"/{key}/{index}/lang", "language")


_LIMITS = {"Latitude": 90.0, "Longitude": 180.0}


def coordinates(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    """Numeric strings are accepted by DataCite; the schema cannot range-check them, so we do."""
    for index, geo in _items(record, "geoLocations"):
        points: list[tuple[str, Any]] = []
        for key in ("geoLocationPoint", "geoLocationBox"):
            if isinstance(geo.get(key), Mapping):
                points.append((f"/geoLocations/{index}/{key}", geo[key]))
        polygon = geo.get("geoLocationPolygon")
        for p_index, entry in enumerate(polygon if isinstance(polygon, list) else []):
            for key in ("polygonPoint", "inPolygonPoint"):
                if isinstance(entry, Mapping) and isinstance(entry.get(key), Mapping):
                    points.append((f"/geoLocations/{index}/geoLocationPolygon/{p_index}/{key}", entry[key]))
        for pointer, point in points:
            for name, value in point.items():
                limit = next((v for k, v in _LIMITS.items() if name.endswith(k)), None)
                if (
                    isinstance(value, str)
                    and limit is not None
                    and _NUMBER.match(value)
                    and abs(float(value)) > limit
                ):
                    yield Diagnostic(
                        severity=Severity.ERROR,
                        pointer=f"{pointer}/{name}",
                        message=f"{value} is out of range: must be between {-limit:g} and {limit:g}",
                        rule="coordinates",
                    )


def _padded(value: Any, parts: list[Any]) -> Iterator[tuple[str, str]]:
    """(pointer, text) of each string under `value` with white space at either end.

    It walks every value of every file, so a string is tested where it is met, without a call,
    and a pointer is built only for a padded one.
    """
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        kind = type(item)
        if kind is dict or kind is list or (kind is not str and isinstance(item, Mapping | list)):
            parts.append(key)
            yield from _padded(item, parts)
            parts.pop()
        elif isinstance(item, str) and item and (item[0].isspace() or item[-1].isspace()):
            yield "".join(f"/{_token(part)}" for part in (*parts, key)), item


def _token(key: Any) -> str:
    return escape_pointer_token(key) if isinstance(key, str) else str(key)


_DESCRIPTION = re.compile(r"^/descriptions/\d+/description$")


def padded_values(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    """DataCite stores JSON values exactly as sent: padding copied from XML or a form would stay.

    Descriptions are exempt: a YAML block scalar (`|`) ends them with a newline, harmlessly.
    """
    for pointer, text in _padded(record, []):
        if not _DESCRIPTION.match(pointer):
            yield Diagnostic(
                severity=Severity.WARNING,
                pointer=pointer,
                message=f"{short_text(text)} has leading or trailing white space",
                rule="whitespace",
            )


def short_text(text: str, limit: int = 50) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 2] + "…'"


_METADATA_RELATIONS = frozenset({"HasMetadata", "IsMetadataFor"})
_SCHEME_KEYS = ("relatedMetadataScheme", "schemeUri", "schemeType")


def relation_scheme(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    """4.7 12.c–e: a related metadata scheme is described only for HasMetadata / IsMetadataFor."""
    for index, rel in _items(record, "relatedIdentifiers"):
        relation = _str(rel.get("relationType"))
        if relation is None or relation in _METADATA_RELATIONS:
            continue
        for key in _SCHEME_KEYS:
            if rel.get(key) not in (None, ""):
                yield Diagnostic(
                    severity=Severity.WARNING,
                    pointer=f"/relatedIdentifiers/{index}/{key}",
                    message=f"{key} describes a metadata scheme: only with relationType HasMetadata or"
                    f" IsMetadataFor, not {relation}",
                    rule="relation-scheme",
                )


def polygon_closed(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    """4.7 18.4.1: a polygon's last point is its first (the documentation; the XSD counts only)."""
    for index, geo in _items(record, "geoLocations"):
        polygon = geo.get("geoLocationPolygon")
        entries = polygon if isinstance(polygon, list) else []
        points = [
            e["polygonPoint"]
            for e in entries
            if isinstance(e, Mapping) and isinstance(e.get("polygonPoint"), Mapping)
        ]
        if len(points) >= 2 and points[0] != points[-1]:
            yield Diagnostic(
                severity=Severity.WARNING,
                pointer=f"/geoLocations/{index}/geoLocationPolygon",
                message="a polygon must end where it starts: repeat the first polygonPoint last",
                rule="polygon-closed",
            )


RIGHTS_LIMIT = 2000
"""Characters of one `rights` text DataCite accepts (reference §3.2)."""


def rights_length(record: Mapping[str, Any], ctx: RuleContext) -> Iterator[Diagnostic]:
    for index, item in _items(record, "rightsList"):
        text = _str(item.get("rights"))
        if text is not None and len(text) > RIGHTS_LIMIT:
            yield Diagnostic(
                severity=Severity.ERROR,
                pointer=f"/rightsList/{index}/rights",
                message=(
                    f"rights text is {len(text):,} characters: DataCite refuses more than {RIGHTS_LIMIT:,} (422);"
                    " link the licence with rightsUri instead"
                ),
                rule="rights-length",
            )


def _at(found: Diagnostic | None, pointer: str, rule: str) -> Iterator[Diagnostic]:
    """An identifier check's verdict, if any, at `pointer` and named after `rule`."""
    if found is not None:
        yield replace(found, pointer=pointer, rule=rule)


RECORD_RULES: tuple[Rule, ...] = (
    doi_syntax,
    doi_prefix,
    file_path,
    landing_page,
    opaque_suffix,
    name_identifiers,
    publisher_identifier,
    funder_identifiers,
    related_identifiers,
    alternate_identifiers,
    dates,
    languages,
    coordinates,
    relation_scheme,
    polygon_closed,
    rights_length,
    padded_values,
)


def run_record_rules(record: Mapping[str, Any], ctx: RuleContext) -> list[Diagnostic]:
    return [found for rule in RECORD_RULES for found in rule(record, ctx)]
