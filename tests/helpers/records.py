"""Valid DataCite DOI files, generated: a Hypothesis strategy and a deterministic corpus.

One builder, two sources of choices. `_record` asks a `Source` for integers and text, nothing
else. `doi_records()` feeds it from Hypothesis's `draw`, so a failing example shrinks choice by
choice; `corpus(n, seed)` feeds it from `random.Random(seed)`, so the same records come back on
every run and machine, whatever Hypothesis's version or example database (`find()` and
`.example()` promise neither). The smallest integer is always the simplest choice: an optional
key drawn as 0 is left out and `_pick` prefers its first, plainest option, so a failing example
shrinks towards a minimal draft.

Every identifier is valid for its type: ORCID, ISNI, ROR, ISBN, ISSN and EAN-13 check digits are
computed, and an ORCID lies in a block ORCID issues from. What is left out on purpose, because
DataCite would refuse or rewrite it, says why where it is left out.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from reconciler.core.suffix import MAX_NUMBER, encode_suffix

from .identifier_values import RELATED, doi_value, isbn, isni, issn, orcid, ror, url_value
from .sources import (
    DrawSource,
    RandomSource,
    Record,
    Source,
    chance,
    digit_string,
    hex_string,
    maybe,
    pick,
    some,
)

GIVEN = ("Jane", "José", "Zoë", "Łukasz", "Søren", "Ngozi", "Aroha", "Mei", "Иван", "Αλέξανδρος", "Ana María")
FAMILY = (
    "Doe", "García Márquez", "O'Brien", "Müller", "van der Berg", "Nguyễn", "Østergård", "李", "山田",
    "Κωνσταντίνου", "Smith-Jones", "Ōtani",
)  # fmt: skip
ORGANISATIONS = (
    "Example University", "Universität Zürich", "Max-Planck-Institut für Meteorologie", "東京大学",
    "Université de Montréal", "Deutsches Elektronen-Synchrotron DESY", "Universidade de São Paulo",
    "Εθνικό Κέντρο Έρευνας",
)  # fmt: skip
# DataCite 4.7's controlled lists, a plain value first: it is where a failing example shrinks to.
RESOURCE_TYPES = (
    "Dataset", "Audiovisual", "Award", "Book", "BookChapter", "Collection", "ComputationalNotebook",
    "ConferencePaper", "ConferenceProceeding", "DataPaper", "Dissertation", "Event", "Image", "Instrument",
    "InteractiveResource", "Journal", "JournalArticle", "Model", "OutputManagementPlan", "PeerReview",
    "PhysicalObject", "Poster", "Preprint", "Presentation", "Project", "Report", "Service", "Software",
    "Sound", "Standard", "StudyRegistration", "Text", "Workflow", "Other",
)  # fmt: skip
RELATION_TYPES = (
    "IsSupplementTo", "IsCitedBy", "Cites", "IsSupplementedBy", "IsContinuedBy", "Continues",
    "IsNewVersionOf", "IsPreviousVersionOf", "IsPartOf", "HasPart", "IsPublishedIn", "IsReferencedBy",
    "References", "IsDocumentedBy", "Documents", "IsCompiledBy", "Compiles", "IsVariantFormOf",
    "IsOriginalFormOf", "IsIdenticalTo", "HasMetadata", "IsMetadataFor", "Reviews", "IsReviewedBy",
    "IsDerivedFrom", "IsSourceOf", "Describes", "IsDescribedBy", "HasVersion", "IsVersionOf", "Requires",
    "IsRequiredBy", "Obsoletes", "IsObsoletedBy", "Collects", "IsCollectedBy", "HasTranslation",
    "IsTranslationOf", "Other",
)  # fmt: skip
CONTRIBUTOR_TYPES = (
    "DataCurator", "ContactPerson", "DataCollector", "DataManager", "Distributor", "Editor",
    "HostingInstitution", "Other", "Producer", "ProjectLeader", "ProjectManager", "ProjectMember",
    "RegistrationAgency", "RegistrationAuthority", "RelatedPerson", "ResearchGroup", "RightsHolder",
    "Researcher", "Sponsor", "Supervisor", "Translator", "WorkPackageLeader",
)  # fmt: skip
DATE_TYPES = (
    "Issued", "Accepted", "Available", "Collected", "Copyrighted", "Coverage", "Created", "Other",
    "Submitted", "Updated", "Valid", "Withdrawn",
)  # fmt: skip
TITLE_TYPES = ("AlternativeTitle", "Subtitle", "TranslatedTitle", "Other")
DESCRIPTION_TYPES = ("Abstract", "Methods", "SeriesInformation", "TableOfContents", "TechnicalInfo", "Other")
# BCP 47 tags, primary subtag in lower case. Every two-letter head is an ISO 639-1 code, which
# DataCite keeps alone (de-CH → de); three-letter heads have none and are kept whole. ISO 639-2
# codes (`eng`) are left out: the plan handles them (test_normalize.py), but they are not BCP 47,
# so validate warns, and this corpus is meant to validate without a warning.
LANGUAGES = (
    "en", "de-CH", "fr", "zh-Hant", "de", "en-GB", "es-419", "pt-BR", "sr-Latn-RS", "nb", "no", "ja",
    "ko-KR", "ar-EG", "he", "fa-IR", "sw", "cy", "mi", "ca-ES-valencia", "en-GB-oxendict", "haw",
    "yue-Hant-HK", "gsw-CH", "und", "zxx", "la", "grc",
)  # fmt: skip
# SPDX licences by identifier. DataCite expands each to its SPDX record; on the next save it turns
# GPL-2.0-only, GPL-3.0-only, GPL-3.0-or-later and LGPL-3.0-only into their deprecated twins
# (reference §2.8.1), which the plan takes for the same licence.
SPDX_IDS = (
    "CC-BY-4.0", "CC0-1.0", "MIT", "Apache-2.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-4.0",
    "CC-BY-3.0", "BSD-3-Clause", "BSD-2-Clause", "MPL-2.0", "ODbL-1.0", "ODC-By-1.0", "EUPL-1.2",
    "AGPL-3.0-only", "ISC", "Unlicense", "GPL-2.0-only", "GPL-3.0-only", "GPL-3.0-or-later", "LGPL-3.0-only",
)  # fmt: skip
# Licence URLs written in `rights`, which DataCite matches to their SPDX record (§2.8.1, the table's
# "matched by a URL" column). Apache-2.0, MPL-2.0, ODbL-1.0, ISC and ODC-By-1.0 are left out: DataCite
# cannot match their URLs, the sandbox does (test_corpus.py, KNOWN_MISMATCHES).
LICENCE_URLS = (
    "https://creativecommons.org/licenses/by/4.0/", "http://creativecommons.org/licenses/by-sa/4.0",
    "https://creativecommons.org/licenses/by/4.0/legalcode", "https://creativecommons.org/publicdomain/zero/1.0/",
    "https://creativecommons.org/licenses/by/3.0/us", "https://opensource.org/licenses/MIT",
    "https://opensource.org/licenses/BSD-3-Clause", "https://www.gnu.org/licenses/gpl-3.0-standalone.html",
    "https://unlicense.org/",
)  # fmt: skip
# Free-text rights are never an SPDX full name or a licence URL: DataCite would expand them.
FREE_RIGHTS = (
    "All rights reserved", "Data may be used for research purposes only",
    "Nutzung nur für nicht-kommerzielle Zwecke", "Sous réserve d'accord",
)  # fmt: skip
# A licence URL in `rightsUri` is never matched on the JSON path (§2.8.1): it is kept as sent.
RIGHTS_URIS = (
    "https://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/licenses/by/4.0/",
)
_SPDX = {"rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}
# Licences in full, as DataCite stores them (§2.8.1), e.g. in a file `doiac import` wrote.
SERVED_SPDX = (
    {"rights": "Creative Commons Attribution 4.0 International", "rightsIdentifier": "cc-by-4.0", **_SPDX,
     "rightsUri": "https://creativecommons.org/licenses/by/4.0/legalcode"},
    {"rights": "Creative Commons Zero v1.0 Universal", "rightsIdentifier": "cc0-1.0", **_SPDX,
     "rightsUri": "https://creativecommons.org/publicdomain/zero/1.0/legalcode"},
    {"rights": "MIT License", "rightsIdentifier": "mit", **_SPDX, "rightsUri": "https://opensource.org/licenses/MIT"},
)  # fmt: skip
# schemaOrg, citeproc, bibtex, ris as DataCite derives them (§2.8.2), e.g. in an imported file.
SERVED_TYPES = {
    "Dataset": ("Dataset", "dataset", "misc", "DATA"),
    "Software": ("SoftwareSourceCode", "article", "misc", "COMP"),
    "Text": ("ScholarlyArticle", "article-journal", "article", "RPRT"),
    "JournalArticle": ("ScholarlyArticle", "article-journal", "article", "JOUR"),
}
RESOURCE_TYPE_TEXTS = ("Survey data", "journal-article", "Dissertation", "Software", "Time series")
FOS = ("Earth and related environmental sciences", "Computer and information sciences", "Biological sciences")
FORMATS = (
    "application/pdf",
    "text/csv",
    "application/x-netcdf",
    "application/x-hdf5",
    "image/tiff",
    "NetCDF",
)
# -- record parts ---------------------------------------------------------------------------------


def _name_identifier(src: Source, scheme: str) -> Record:
    if scheme == "ROR":
        return {
            "nameIdentifier": f"https://ror.org/{ror(src)}",
            "nameIdentifierScheme": "ROR",
            "schemeUri": "https://ror.org",
        }
    if scheme == "ISNI":
        return {
            "nameIdentifier": isni(src),
            "nameIdentifierScheme": "ISNI",
            "schemeUri": "https://isni.org/isni/",
        }
    if chance(src, 30):
        return {"nameIdentifier": orcid(src), "nameIdentifierScheme": "ORCID"}  # bare: DataCite keeps it so
    return {
        "nameIdentifier": f"https://orcid.org/{orcid(src)}",
        "nameIdentifierScheme": "ORCID",
        "schemeUri": "https://orcid.org",
    }


def _person_id(src: Source) -> Record:
    return _name_identifier(src, pick(src, ("ORCID", "ORCID", "ISNI")))


def _organisation(src: Source) -> str:
    return pick(src, ORGANISATIONS) if chance(src, 70) else src.text("phrase")


def _affiliation(src: Source) -> Record:
    ror_id = {"affiliationIdentifier": f"https://ror.org/{ror(src)}", "affiliationIdentifierScheme": "ROR"}
    if chance(src, 5):
        return ror_id  # an identifier without a name: the schema allows it, DataCite keeps it
    affiliation: Record = {"name": _organisation(src)}
    if chance(src, 50):
        affiliation.update(ror_id)
        maybe(src, affiliation, 70, "schemeUri", lambda: "https://ror.org")
    return affiliation


def _person(src: Source, *, contributor: bool = False) -> Record:
    kind = pick(src, ("Personal", "Organizational", None))
    person: Record
    if kind == "Organizational":
        person = {"name": _organisation(src), "nameType": kind}
        maybe(src, person, 20, "lang", lambda: pick(src, LANGUAGES))
        maybe(src, person, 40, "nameIdentifiers", lambda: [_name_identifier(src, "ROR")])
    else:
        given = pick(src, GIVEN) if chance(src, 70) else src.text("word")
        family = pick(src, FAMILY) if chance(src, 70) else src.text("word")
        person = {"name": f"{family}, {given}"}
        if kind == "Personal":
            person["nameType"] = kind
            if chance(src, 80):
                person.update(givenName=given, familyName=family)
            maybe(src, person, 50, "nameIdentifiers", lambda: some(src, 1, 2, lambda: _person_id(src)))
        maybe(src, person, 50, "affiliation", lambda: some(src, 1, 2, lambda: _affiliation(src)))
    if contributor:
        person["contributorType"] = pick(src, CONTRIBUTOR_TYPES)
    return person


def _title(src: Source, kind: str | None = None) -> Record:
    title: Record = {"title": src.text("phrase")} | ({"titleType": kind} if kind else {})
    maybe(src, title, 40, "lang", lambda: pick(src, LANGUAGES))
    return title


def _publisher(src: Source) -> str | Record:
    if chance(src, 50):
        return _organisation(src)
    publisher: Record = {"name": _organisation(src)}
    maybe(src, publisher, 30, "lang", lambda: pick(src, LANGUAGES))
    if chance(src, 25):
        r3 = f"https://doi.org/10.17616/R3{digit_string(src, 4)}"
        publisher.update(
            publisherIdentifier=r3, publisherIdentifierScheme="re3data", schemeUri="https://re3data.org/"
        )
    elif chance(src, 60):
        ror_id = f"https://ror.org/{ror(src)}"
        publisher.update(
            publisherIdentifier=ror_id, publisherIdentifierScheme="ROR", schemeUri="https://ror.org/"
        )
    return publisher


def _year(src: Source) -> int | str:
    year = src.integer(1950, 2030)
    return str(year) if chance(src, 25) else year


def _types(src: Source) -> Record:
    types: Record = {"resourceTypeGeneral": pick(src, RESOURCE_TYPES)}
    if chance(src, 5):
        types["resourceType"] = ""  # "may be empty": DataCite stores it as sent
    elif chance(src, 45):
        types["resourceType"] = pick(src, RESOURCE_TYPE_TEXTS) if chance(src, 60) else src.text("phrase")
    served = SERVED_TYPES.get(types["resourceTypeGeneral"])
    if served is not None and chance(src, 25):
        types.update(zip(("schemaOrg", "citeproc", "bibtex", "ris"), served, strict=True))
    return types


def _subject(src: Source) -> Record:
    form = src.integer(0, 3)
    if form == 1:
        fos = {
            "subjectScheme": "Fields of Science and Technology (FOS)",
            "schemeUri": "http://www.oecd.org/science/inno/38235147.pdf",
        }
        return {"subject": f"FOS: {pick(src, FOS)}", **fos}
    subject: Record = {"subject": src.text(pick(src, ("word", "phrase")))}
    maybe(src, subject, 30, "lang", lambda: pick(src, LANGUAGES))
    if form == 2:
        code = f"{src.integer(0, 999):03d}.{src.integer(1, 99)}"
        subject.update(
            subjectScheme="DDC", classificationCode=code, schemeUri="https://www.oclc.org/en/dewey.html"
        )
    elif form == 3:
        subject.update(
            subjectScheme="LCSH", valueUri=f"http://id.loc.gov/authorities/subjects/sh{digit_string(src, 8)}"
        )
    return subject


def _subjects(src: Source) -> list[Record]:
    subjects = some(src, 1, 5, lambda: _subject(src))
    if chance(src, 5):
        subjects.append(dict(subjects[0]))  # an exact duplicate: DataCite keeps one, and so does the plan
    return subjects


def _w3cdtf(src: Source, form: int) -> str:
    day = f"{src.integer(1900, 2030)}-{src.integer(1, 12):02d}-{src.integer(1, 28):02d}"
    time = f"{src.integer(0, 23):02d}:{src.integer(0, 59):02d}:{src.integer(0, 59):02d}"
    return (day, day[:4], day[:7], f"{day}T{time}{pick(src, ('Z', '+02:00', '-05:00'))}")[form]


def _date(src: Source) -> Record:
    shape = src.integer(0, 5)
    if shape <= 3:
        text = _w3cdtf(src, shape)
    else:  # an RKMS-ISO8601 range, start before end, sometimes open at one end
        start, end = sorted((_w3cdtf(src, 0), _w3cdtf(src, 0)))
        text = pick(src, (f"{start}/{end}", f"{start}/", f"/{end}"))
    date: Record = {"date": text, "dateType": pick(src, DATE_TYPES)}
    maybe(src, date, 15, "dateInformation", lambda: src.text("phrase"))
    return date


def _identifier(src: Source, url: str | None) -> Record:
    if url and chance(src, 10):
        # The landing page as an identifier: DataCite stores it but never serves it (reference §2.6).
        return {"identifier": url, "identifierType": "URL"}
    makers: tuple[tuple[str, Callable[[], str]], ...] = (
        ("Local accession number", lambda: f"{src.text('word')}-{src.integer(1, 99999)}"),
        ("ISBN", lambda: isbn(src)),
        ("URL", lambda: f"https://archive.example.net/items/{src.integer(1, 99999)}"),
        ("Handle", lambda: f"20.500.12345/{src.integer(1, 99999)}"),
        ("PMID", lambda: str(src.integer(1, 39999999))),
        ("URN", lambda: f"urn:nbn:de:hbz:{src.integer(1, 999)}-{digit_string(src, 6)}"),
    )
    kind, make = pick(src, makers)
    return {"identifier": make(), "identifierType": kind}


def _related_identifier(src: Source) -> Record:
    kind, make = pick(src, RELATED)
    relation = pick(src, RELATION_TYPES)
    related: Record = {
        "relatedIdentifier": make(src),
        "relatedIdentifierType": kind,
        "relationType": relation,
    }
    maybe(src, related, 30, "resourceTypeGeneral", lambda: pick(src, RESOURCE_TYPES))
    if relation in ("HasMetadata", "IsMetadataFor") and chance(src, 70):
        xsd = "http://www.ddialliance.org/Specification/DDI-Lifecycle/3.1/XMLSchema/instance.xsd"
        related.update(relatedMetadataScheme="DDI-L", schemeUri=xsd, schemeType="XSD")
    if relation == "Other" or chance(src, 5):
        related["relationTypeInformation"] = src.text("phrase")
    return related


def _item_person(src: Source, kind: str | None) -> Record:
    """A related item's creator or contributor: names only (§2.8.9)."""
    if kind == "Organizational":
        return {"name": _organisation(src), "nameType": kind}
    given, family = pick(src, GIVEN), pick(src, FAMILY)
    if kind is None:
        return {"name": f"{family}, {given}"}
    return {"name": f"{family}, {given}", "nameType": kind, "givenName": given, "familyName": family}


def _item_contributor(src: Source) -> Record:
    person = _item_person(src, pick(src, ("Personal", "Organizational", None)))
    return {**person, "contributorType": pick(src, CONTRIBUTOR_TYPES)}


def _related_item(src: Source) -> Record:
    relation = pick(src, ("IsPublishedIn", "IsPartOf", "References", "HasMetadata"))
    kind = pick(src, ("Journal", "Book", "JournalArticle", "Dataset", "ConferenceProceeding"))
    item: Record = {"relationType": relation, "relatedItemType": kind}
    if chance(src, 70):
        scheme, make = pick(src, (("ISSN", issn), ("DOI", doi_value), ("ISBN", isbn), ("URL", url_value)))
        ident: Record = {"relatedItemIdentifier": make(src), "relatedItemIdentifierType": scheme}
        if relation == "HasMetadata":  # spelt schemeURI here, as the REST API does
            ident.update(
                relatedMetadataScheme="DDI-L", schemeURI="https://ddialliance.org/", schemeType="XSD"
            )
        item["relatedItemIdentifier"] = ident
    item["titles"] = [{"title": src.text("phrase")}]
    if chance(src, 30):
        item["titles"].append({"title": src.text("phrase"), "titleType": pick(src, TITLE_TYPES)})
    maybe(
        src,
        item,
        50,
        "creators",
        lambda: [_item_person(src, kind) for kind in ("Personal", "Organizational")],
    )
    maybe(src, item, 40, "contributors", lambda: some(src, 1, 2, lambda: _item_contributor(src)))
    maybe(src, item, 70, "publicationYear", lambda: _year(src))  # its JSON type is kept (§2.6)
    for key, percent in (("volume", 60), ("issue", 50), ("firstPage", 50), ("lastPage", 40), ("edition", 30)):
        maybe(src, item, percent, key, lambda: str(src.integer(1, 999)))
    if chance(src, 30):
        item.update(
            number=str(src.integer(1, 99)), numberType=pick(src, ("Article", "Chapter", "Report", "Other"))
        )
    maybe(src, item, 40, "publisher", lambda: _organisation(src))
    maybe(src, item, 20, "relationTypeInformation", lambda: src.text("phrase"))
    return item


def _rights(src: Source, domain: str) -> Record:
    form = src.integer(0, 4)
    if form == 0:  # an SPDX licence by its identifier alone, as DataCite recommends
        license_id = pick(src, SPDX_IDS)
        rights: Record = {"rightsIdentifier": license_id if chance(src, 80) else license_id.lower()}
    elif form == 1:
        text = pick(src, FREE_RIGHTS) if chance(src, 60) else src.text("phrase")
        rights = {"rights": text, "rightsUri": f"https://{domain}/terms/{src.integer(1, 99)}"}
        if chance(src, 20):  # a local scheme; DataCite lower-cases the identifier
            local = {"rightsIdentifierScheme": "Local", "schemeUri": f"https://{domain}/licences/"}
            rights.update(rightsIdentifier=f"Local-{src.integer(1, 99)}", **local)
    elif form == 2:
        rights = {"rightsUri": pick(src, RIGHTS_URIS)}
    elif form == 3:
        rights = {"rights": pick(src, LICENCE_URLS)}
    else:
        rights = dict(pick(src, SERVED_SPDX))
    maybe(src, rights, 20, "lang", lambda: pick(src, LANGUAGES))
    return rights


def _description(src: Source) -> Record:
    kind = pick(src, DESCRIPTION_TYPES)
    if kind == "SeriesInformation" and chance(src, 60):  # "series, volume(issue), first-last"
        pages = f"{src.integer(1, 99)}-{src.integer(100, 300)}"
        text = f"{src.text('phrase')}, {src.integer(1, 99)}({src.integer(1, 12)}), {pages}"
    else:
        text = "\n\n".join(src.text("paragraph") for _ in range(src.integer(1, 3)))
    if chance(src, 20):
        text += "\n"  # as a YAML block scalar (`|`) ends
    description: Record = {"description": text, "descriptionType": kind}
    maybe(src, description, 30, "lang", lambda: pick(src, LANGUAGES))
    return description


def _coordinate(src: Source, limit: int) -> float | int | str:
    value = src.integer(-limit * 10_000, limit * 10_000) / 10_000
    # A number, an integer, or either as a numeric string (DataCite stores the number, §2.6).
    return (value, round(value), repr(value), str(round(value)))[src.integer(0, 3)]


def _point(src: Source) -> Record:
    return {"pointLongitude": _coordinate(src, 180), "pointLatitude": _coordinate(src, 90)}


def _box(src: Source) -> Record:
    south, north = sorted((src.integer(-90, 90), src.integer(-90, 90)))
    west, east = sorted((src.integer(-180, 180), src.integer(-180, 180)))
    sides = {"westBoundLongitude": west, "eastBoundLongitude": east, "southBoundLatitude": south}
    return {
        k: pick(src, (v, float(v), str(v), f"{v}.0"))
        for k, v in {**sides, "northBoundLatitude": north}.items()
    }


def _place(src: Source) -> str:
    # A place may be called by a number ("1905"): DataCite converts coordinates only (§2.8.8).
    return str(src.integer(1, 9999)) if chance(src, 10) else src.text("phrase")


def _geo_location(src: Source) -> Record:
    geo: Record = {}
    maybe(src, geo, 60, "geoLocationPlace", lambda: _place(src))
    maybe(src, geo, 50, "geoLocationPoint", lambda: _point(src))
    maybe(src, geo, 35, "geoLocationBox", lambda: _box(src))
    if chance(src, 20):
        points = [{"polygonPoint": _point(src)} for _ in range(src.integer(3, 6))]
        # Closed: the first point again, as a copy (a shared object would be written as a YAML alias).
        polygon = [*points, {"polygonPoint": dict(points[0]["polygonPoint"])}]
        if chance(src, 40):
            polygon.append({"inPolygonPoint": _point(src)})
        geo["geoLocationPolygon"] = polygon
    return geo or {"geoLocationPlace": _place(src)}


def _funder_id(src: Source) -> tuple[str, str, str]:
    """(funderIdentifierType, funderIdentifier, schemeUri)."""
    kind = src.integer(0, 4)
    if kind == 0:
        return (
            "Crossref Funder ID",
            f"https://doi.org/10.13039/{src.integer(100000000, 999999999999)}",
            "https://doi.org/",
        )
    if kind == 1:
        return "ROR", f"https://ror.org/{ror(src)}", "https://ror.org/"
    if kind == 2:
        return "ISNI", isni(src), "https://isni.org/isni/"
    if kind == 3:
        return "GRID", f"grid.{src.integer(1, 99999)}.{hex_string(src, 1)}", "https://www.grid.ac/institutes/"
    return "Other", f"funder-{src.integer(1, 9999)}", ""


def _funding(src: Source) -> Record:
    funding: Record = {"funderName": _organisation(src)}
    if chance(src, 60):
        kind, value, scheme = _funder_id(src)
        funding.update(funderIdentifier=value, funderIdentifierType=kind)
        if scheme and chance(src, 30):
            funding["schemeUri"] = scheme
    maybe(
        src, funding, 60, "awardNumber", lambda: f"{pick(src, ('', 'ERC-', 'DFG '))}{src.integer(1, 999999)}"
    )
    maybe(
        src, funding, 30, "awardUri", lambda: f"https://cordis.europa.eu/project/id/{src.integer(1, 999999)}"
    )
    maybe(src, funding, 40, "awardTitle", lambda: src.text("phrase"))
    return funding


def _landing_page(src: Source, domain: str, number: int, state: str) -> str:
    # A landing page, never a file (.pdf, .zip, …); a registered DOI is usually a withdrawn one.
    folder = "tombstone" if state == "registered" and chance(src, 70) else pick(src, ("records", "datasets"))
    return f"https://{domain}/{folder}/{number}{pick(src, ('', '?version=2', '#files', '/'))}"


def _version(src: Source) -> str:
    major, minor = src.integer(0, 12), src.integer(0, 20)
    shapes = (
        f"{major}.{minor}",
        f"{major}",
        f"{major}.{minor}.{src.integer(0, 9)}",
        f"v{major}",
        f"2024-{minor % 12 + 1:02d}",
    )
    return pick(src, shapes)


def _size(src: Source) -> str:
    return f"{src.integer(1, 999)} {pick(src, ('pages', 'MB', 'GB', 'files'))}"


STATES = ("draft", "findable", "registered", "findable", "findable", "findable")
"""Mostly findable, as in a real repository; draft first, the simplest."""


def _record(src: Source, number: int, prefix: str, domain: str) -> Record:
    record: Record = {"doi": f"{prefix}/{encode_suffix(number)}"}
    record["state"] = state = pick(src, STATES)
    if state == "draft" and not chance(src, 75):
        return record  # a minimal draft: doi and state only
    required = state != "draft"  # what a registered or findable DOI must have, a draft may have
    mandatory: tuple[tuple[str, Callable[[], Any]], ...] = (
        ("url", lambda: _landing_page(src, domain, number, state)),
        ("creators", lambda: some(src, 1, 5, lambda: _person(src))),
        ("titles", lambda: [_title(src), *some(src, 0, 2, lambda: _title(src, pick(src, TITLE_TYPES)))]),
        ("publisher", lambda: _publisher(src)),
        ("publicationYear", lambda: _year(src)),
        ("types", lambda: _types(src)),
    )
    for key, make in mandatory:
        if required or chance(src, 65):
            record[key] = make()
    optional: tuple[tuple[str, int, Callable[[], Any]], ...] = (
        ("contributors", 35, lambda: some(src, 1, 3, lambda: _person(src, contributor=True))),
        ("subjects", 50, lambda: _subjects(src)),
        ("dates", 45, lambda: some(src, 1, 3, lambda: _date(src))),
        ("language", 55, lambda: pick(src, LANGUAGES)),
        ("identifiers", 25, lambda: some(src, 1, 2, lambda: _identifier(src, record.get("url")))),
        ("relatedIdentifiers", 45, lambda: some(src, 1, 4, lambda: _related_identifier(src))),
        ("relatedItems", 15, lambda: [_related_item(src)]),
        ("sizes", 30, lambda: some(src, 1, 3, lambda: _size(src))),
        ("formats", 35, lambda: some(src, 1, 3, lambda: pick(src, FORMATS))),
        ("version", 40, lambda: _version(src)),
        ("rightsList", 50, lambda: some(src, 1, 2, lambda: _rights(src, domain))),
        ("descriptions", 60, lambda: some(src, 1, 3, lambda: _description(src))),
        ("geoLocations", 25, lambda: some(src, 1, 3, lambda: _geo_location(src))),
        ("fundingReferences", 30, lambda: some(src, 1, 2, lambda: _funding(src))),
        ("contentUrl", 8, lambda: [f"https://files.example.org/{number}/data.{pick(src, ('zip', 'csv'))}"]),
    )
    for key, percent, make in optional:
        maybe(src, record, percent, key, make)
    return record


# -- public ---------------------------------------------------------------------------------------


def doi_records(prefix: str = "10.80000", domain: str = "data.example.org") -> st.SearchStrategy[Record]:
    """Valid DOI files (doi, state, url and metadata) under `prefix`, with landing pages on `domain`.

    A list of them needs distinct DOIs: `st.lists(doi_records(), unique_by=lambda r: r["doi"])`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Record:
        return _record(DrawSource(draw), draw(st.integers(0, MAX_NUMBER)), prefix, domain)

    return build()


def corpus(n: int, seed: int, *, prefix: str = "10.80000", domain: str = "data.example.org") -> list[Record]:
    """`n` valid DOI files with distinct DOIs, the same for the same seed on every run and Python.

    A shorter corpus is the start of a longer one: `corpus(100, s) == corpus(1000, s)[:100]`.
    """
    src = RandomSource(random.Random(seed))
    records: list[Record] = []
    numbers: set[int] = set()
    while len(records) < n:
        number = src.integer(0, MAX_NUMBER)
        if number not in numbers:
            numbers.add(number)
            records.append(_record(src, number, prefix, domain))
    return records
