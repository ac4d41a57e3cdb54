"""CITATION.cff (Citation File Format 1.2.0) as DataCite metadata, for `doiac new --from-cff`.

Pure: the caller reads the file and passes its mapping. What the CFF says that DataCite has no
place for, or that this mapping cannot be sure of, comes back as a note rather than a guess
written silently into the DOI file.

The mapping, key by key:

| CFF | DataCite attribute |
|---|---|
| `title` | `titles[{title}]` |
| `authors` (person) | `creators[{name "Family, Given", nameType Personal, givenName, familyName, nameIdentifiers ORCID, affiliation[{name}]}]` |
| `authors` (entity) | `creators[{name, nameType Organizational}]` |
| `contact` | `contributors[… contributorType ContactPerson]` |
| `type` (default `software`) | `types.resourceTypeGeneral` Software or Dataset |
| `version` | `version` (a string) |
| `license` (SPDX id or ids) | `rightsList[{rightsIdentifier, rightsIdentifierScheme SPDX, schemeUri}]` |
| `license-url` (no `license`) | `rightsList[{rightsUri}]` |
| `date-released` | `dates[{date, dateType Issued}]` and `publicationYear` |
| `repository-code` | `relatedIdentifiers[URL, IsSupplementTo]` |
| `doi`, `identifiers` of type doi | `relatedIdentifiers[DOI, IsIdenticalTo]` |
| `identifiers` of type swh | `relatedIdentifiers[SWHID, IsIdenticalTo]` |
| `url`, `repository`, `repository-artifact`, `identifiers` of type url | `identifiers[{identifier, identifierType URL}]` |
| `identifiers` of type other | `identifiers[{identifier, identifierType Other}]` |
| `keywords` | `subjects[{subject}]` |
| `abstract` | `descriptions[{description, descriptionType Abstract}]` |
| `references` with a DOI | `relatedIdentifiers[DOI, References]` |
| `preferred-citation` with a DOI | `relatedIdentifiers[DOI, IsDescribedBy]` |

A DOI in the CFF names the same work registered elsewhere (often at Zenodo): DataCite's
IsIdenticalTo is "two registered instances of the same resource", where IsVariantFormOf means a
different form (another format or packaging) and IsVersionOf one version of a concept. A
concept DOI (all versions) would be IsVersionOf; the CFF does not say which kind a DOI is, so
every DOI mapped this way comes with a note asking to check.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ORCID_URI = "https://orcid.org"
SPDX_URI = "https://spdx.org/licenses/"
CFF_TYPES = {"software": "Software", "dataset": "Dataset"}
CFF_DEFAULT_TYPE = "software"
"""The CFF 1.2.0 schema's default `type`."""

_ORCID = re.compile(r"^(?:https?://(?:www\.)?orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/?$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DOI_RESOLVER = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)?/\S+$")
_SWHID = re.compile(r"^swh:1:(?:snp|rel|rev|dir|cnt):[0-9a-fA-F]{40}$")
_URL = re.compile(r"^(?:https?|s?ftp)://\S+$", re.IGNORECASE)

_IGNORED = frozenset({"cff-version", "message"})
"""Keys that are about the CFF file itself, not the work."""
_MAPPED = frozenset({
    "title", "authors", "contact", "type", "version", "license", "license-url", "date-released",
    "repository-code", "repository", "repository-artifact", "url", "doi", "identifiers", "keywords",
    "abstract", "references", "preferred-citation",
})  # fmt: skip


@dataclass(frozen=True)
class Converted:
    """DataCite attributes from a CITATION.cff, and what could not be mapped (or needs a look)."""

    metadata: dict[str, Any]
    notes: tuple[str, ...]


def cff_to_datacite(cff: Mapping[str, Any]) -> dict[str, Any]:
    """The DataCite attributes a CITATION.cff gives (see `convert_cff` for the notes too)."""
    return convert_cff(cff).metadata


def convert_cff(cff: Mapping[str, Any]) -> Converted:
    """DataCite attributes from the mapping of a CITATION.cff, with a note for each thing not mapped."""
    out = _Out()
    title = _text(cff, "title", out)
    if title is not None:
        out.data["titles"] = [{"title": title}]
    out.add_list("creators", _people(cff.get("authors"), "authors", out))
    contacts = _people(cff.get("contact"), "contact", out)
    out.add_list("contributors", [{**c, "contributorType": "ContactPerson"} for c in contacts])
    _resource_type(cff, out)
    _version(cff, out)
    _rights(cff, out)
    _released(cff, out)
    _identifiers(cff, out)
    _keywords(cff, out)
    abstract = _text(cff, "abstract", out)
    if abstract is not None:
        out.data["descriptions"] = [{"description": abstract, "descriptionType": "Abstract"}]
    _references(cff, out)
    for key in cff:
        if key not in _MAPPED and key not in _IGNORED:
            out.note(f"`{key}` has no place in DataCite metadata: not mapped")
    return Converted(out.data, tuple(out.notes))


class _Out:
    """The attributes being built and the notes collected on the way."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def add_list(self, key: str, items: list[dict[str, Any]]) -> None:
        """Append `items` to the list attribute `key`, leaving out exact repeats."""
        if not items:
            return
        current: list[dict[str, Any]] = self.data.setdefault(key, [])
        for item in items:
            if item not in current:
                current.append(item)


def _text(mapping: Mapping[str, Any], key: str, out: _Out, where: str = "") -> str | None:
    """A non-empty string value, stripped; a note when the key holds anything else."""
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip():
        return value.strip()
    out.note(f"`{where}{key}` is not a non-empty text ({value!r}): not mapped")
    return None


def _people(value: Any, key: str, out: _Out) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        out.note(f"`{key}` is not a list: not mapped")
        return []
    people = []
    for position, item in enumerate(value):
        where = f"{key}[{position}]."
        if not isinstance(item, Mapping):
            out.note(f"`{key}[{position}]` is not a person or entity: not mapped")
            continue
        person = _entity(item, where, out) if "name" in item else _person(item, where, out)
        if person is not None:
            people.append(person)
    return people


def _person(item: Mapping[str, Any], where: str, out: _Out) -> dict[str, Any] | None:
    given = _text(item, "given-names", out, where)
    family = " ".join(
        part
        for part in (_text(item, "name-particle", out, where), _text(item, "family-names", out, where))
        if part
    )
    suffix = _text(item, "name-suffix", out, where)
    alias = _text(item, "alias", out, where)
    person: dict[str, Any]
    if family:
        name = f"{family}, {given}" if given else family
        person = {"name": f"{name}, {suffix}" if suffix else name, "nameType": "Personal"}
        if given:
            person["givenName"] = given
        person["familyName"] = family
    elif given:
        person = {"name": given, "nameType": "Personal", "givenName": given}
    elif alias:
        person = {"name": alias, "nameType": "Personal"}
        out.note(f"`{where[:-1]}` has only an alias ({alias!r}): written as the name")
    else:
        out.note(f"`{where[:-1]}` has no name, family-names, given-names or alias: not mapped")
        return None
    return _with_ids(person, item, where, out)


def _entity(item: Mapping[str, Any], where: str, out: _Out) -> dict[str, Any] | None:
    name = _text(item, "name", out, where)
    if name is None:
        return None
    return _with_ids({"name": name, "nameType": "Organizational"}, item, where, out)


def _with_ids(person: dict[str, Any], item: Mapping[str, Any], where: str, out: _Out) -> dict[str, Any]:
    orcid = _text(item, "orcid", out, where)
    if orcid is not None:
        match = _ORCID.match(orcid)
        if match is None:
            out.note(f"`{where}orcid` {orcid!r} is not an ORCID iD: not mapped")
        else:
            person["nameIdentifiers"] = [
                {
                    "nameIdentifier": f"{ORCID_URI}/{match.group(1).upper()}",
                    "nameIdentifierScheme": "ORCID",
                    "schemeUri": ORCID_URI,
                }
            ]
    affiliation = _text(item, "affiliation", out, where)
    if affiliation is not None:
        person["affiliation"] = [{"name": affiliation}]
    return person


def _resource_type(cff: Mapping[str, Any], out: _Out) -> None:
    kind = cff.get("type", CFF_DEFAULT_TYPE)
    if isinstance(kind, str) and kind.strip().lower() in CFF_TYPES:
        out.data["types"] = {"resourceTypeGeneral": CFF_TYPES[kind.strip().lower()]}
    else:
        out.note(f"`type` {kind!r} is neither software nor dataset: no resourceTypeGeneral taken from it")


def _version(cff: Mapping[str, Any], out: _Out) -> None:
    version = cff.get("version")
    if version is None:
        return
    if isinstance(version, bool) or not isinstance(version, str | int | float):
        out.note(f"`version` {version!r} is not a text or a number: not mapped")
        return
    if not isinstance(version, str):
        out.note(f"`version` was read as the number {version!r}; quote it in CITATION.cff to keep it exact")
    text = str(version).strip()
    if text:
        out.data["version"] = text


def _rights(cff: Mapping[str, Any], out: _Out) -> None:
    license_ = cff.get("license")
    ids = [license_] if isinstance(license_, str) else license_ if isinstance(license_, list) else []
    if license_ is not None and not ids:
        out.note(f"`license` {license_!r} is not an SPDX id or a list of them: not mapped")
    for spdx in ids:
        if not isinstance(spdx, str) or not spdx.strip():
            out.note(f"`license` entry {spdx!r} is not an SPDX id: not mapped")
            continue
        out.add_list(
            "rightsList",
            [{"rightsIdentifier": spdx.strip(), "rightsIdentifierScheme": "SPDX", "schemeUri": SPDX_URI}],
        )
    url = _text(cff, "license-url", out)
    if url is None:
        return
    if ids:
        out.note("`license-url` is for licences outside SPDX and `license` gives an SPDX id: not mapped")
    else:
        out.add_list("rightsList", [{"rightsUri": url}])


def _released(cff: Mapping[str, Any], out: _Out) -> None:
    value = cff.get("date-released")
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        value = value.isoformat()
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    if match is None or not _real_date(match):
        out.note(f"`date-released` {value!r} is not a date YYYY-MM-DD: not mapped")
        return
    out.add_list("dates", [{"date": match.group(0), "dateType": "Issued"}])
    out.data["publicationYear"] = int(match.group(1))


def _real_date(match: re.Match[str]) -> bool:
    try:
        datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def _identifiers(cff: Mapping[str, Any], out: _Out) -> None:
    code = _text(cff, "repository-code", out)
    if code is not None:
        if _URL.match(code):
            out.add_list("relatedIdentifiers", [_related(code, "URL", "IsSupplementTo")])
        else:
            out.note(f"`repository-code` {code!r} is not a URL: not mapped")
    doi = _text(cff, "doi", out)
    if doi is not None:
        _same_work("doi", doi, "doi", out)
    for key in ("url", "repository", "repository-artifact"):
        url = _text(cff, key, out)
        if url is not None:
            _same_work("url", url, key, out)
    identifiers = cff.get("identifiers")
    if identifiers is None:
        return
    if not isinstance(identifiers, list):
        out.note("`identifiers` is not a list: not mapped")
        return
    for position, item in enumerate(identifiers):
        where = f"identifiers[{position}]"
        kind = item.get("type") if isinstance(item, Mapping) else None
        value = item.get("value") if isinstance(item, Mapping) else None
        if not isinstance(kind, str) or not isinstance(value, str) or not value.strip():
            out.note(f"`{where}` needs a type and a text value: not mapped")
            continue
        _same_work(kind.strip().lower(), value.strip(), where, out)


def _same_work(kind: str, value: str, where: str, out: _Out) -> None:
    """Another identifier of the work the CFF describes, by its CFF identifier type."""
    if kind == "doi":
        doi = _DOI_RESOLVER.sub("", value.strip())
        if not _DOI.match(doi):
            out.note(f"`{where}` {value!r} is not a DOI: not mapped")
            return
        out.add_list("relatedIdentifiers", [_related(doi, "DOI", "IsIdenticalTo")])
        out.note(
            f"DOI {doi} of the CFF is related as IsIdenticalTo (the same work registered elsewhere);"
            " if it is a concept DOI for all versions, make that IsVersionOf"
        )
    elif kind == "swh":
        if not _SWHID.match(value):
            out.note(f"`{where}` {value!r} is not a Software Heritage identifier: not mapped")
            return
        out.add_list("relatedIdentifiers", [_related(value, "SWHID", "IsIdenticalTo")])
    elif kind == "url":
        if not _URL.match(value):
            out.note(f"`{where}` {value!r} is not a URL: not mapped")
            return
        out.add_list("identifiers", [{"identifier": value, "identifierType": "URL"}])
    elif kind == "other":
        out.add_list("identifiers", [{"identifier": value, "identifierType": "Other"}])
    else:
        out.note(f"`{where}` has the unknown identifier type {kind!r}: not mapped")


def _related(identifier: str, kind: str, relation: str) -> dict[str, Any]:
    return {"relatedIdentifier": identifier, "relatedIdentifierType": kind, "relationType": relation}


def _keywords(cff: Mapping[str, Any], out: _Out) -> None:
    keywords = cff.get("keywords")
    if keywords is None:
        return
    if not isinstance(keywords, list):
        out.note("`keywords` is not a list: not mapped")
        return
    for keyword in keywords:
        if isinstance(keyword, str) and keyword.strip():
            out.add_list("subjects", [{"subject": keyword.strip()}])
        else:
            out.note(f"keyword {keyword!r} is not a text: not mapped")


def _references(cff: Mapping[str, Any], out: _Out) -> None:
    preferred = cff.get("preferred-citation")
    if isinstance(preferred, Mapping) and not _cited("preferred-citation", preferred, "IsDescribedBy", out):
        out.note("`preferred-citation` has no DOI: not mapped (add it as a relatedIdentifier)")
    references = cff.get("references")
    if isinstance(references, list):
        without = sum(
            not (isinstance(r, Mapping) and _cited(f"references[{i}]", r, "References", out))
            for i, r in enumerate(references)
        )
        if without:
            out.note(f"{without} of the references have no DOI: not mapped (add them as relatedIdentifiers)")


def _cited(where: str, work: Mapping[str, Any], relation: str, out: _Out) -> bool:
    """Relate a cited work by its DOI; False when it has none."""
    doi = work.get("doi")
    if not isinstance(doi, str):
        return False
    doi = _DOI_RESOLVER.sub("", doi.strip())
    if not _DOI.match(doi):
        out.note(f"`{where}.doi` {work.get('doi')!r} is not a DOI: not mapped")
        return True
    out.add_list("relatedIdentifiers", [_related(doi, "DOI", relation)])
    return True
