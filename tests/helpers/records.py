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
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, TypeVar

from hypothesis import strategies as st

from reconciler.suffix import MAX_NUMBER, encode_suffix

T = TypeVar("T")
TextSize = Literal["word", "phrase", "paragraph"]
Record = dict[str, Any]


class Source(Protocol):
    """Where a record's choices come from."""

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]; `low` is the simplest choice."""
        ...

    def text(self, size: TextSize) -> str:
        """Non-empty Unicode text with no control characters and no white space around it."""
        ...


# Realistic words in many scripts, and strings a YAML writer must quote to keep them strings.
WORDS = (
    "sensor", "readings", "Messreihe", "température", "océan", "glacier", "Niederschlag", "δεδομένα",
    "данные", "数据集", "観測データ", "기후", "بيانات", "נתונים", "जलवायु", "🌊", "naïve", "São", "Ærø", "µm",
    "CO₂", "H₂O", "ΔT", "½", "été", "(2019–2023)", "#42", "50%", "A/B", "“quoted”", "it's", "of", "the",
    "and", "in", "survey", "time series", "Bodenfeuchte", "coral", "reef", "model", "run",
)  # fmt: skip
YAML_TRAPS = (
    "key: value", "- dash", "&amp;", "<b>bold</b>", "yes", "no", "null", "~", "true", "1e5", "0o17",
    "2024-05-01", "@home", "[draft]", "{x}", "*", ">", "!tag", "'", '"',
)  # fmt: skip
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
ORCID_BLOCKS = ((15_000_000, 35_000_000), (900_000_000_000, 900_100_000_000))
"""The ISNI blocks ORCID issues iDs from (the first 15 digits, as idutils checks them)."""
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford base32 in lower case: the alphabet of ROR IDs (and of DataCite suffixes)."""


# -- check digits ---------------------------------------------------------------------------------


def iso7064_11_2(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an ORCID or ISNI (10 is written X)."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def iso7064_97_10(number: int) -> str:
    """The two-digit ISO 7064 MOD 97-10 check of a ROR ID's base32 number."""
    return f"{98 - (number * 100) % 97:02d}"


def ean13_check(digits: str) -> str:
    """The check digit of an EAN-13 (an ISBN-13 too) from its first 12 digits."""
    return str(-sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10)


def _mod11(digits: str, top: int) -> str:
    check = -sum((top - i) * int(d) for i, d in enumerate(digits)) % 11
    return "X" if check == 10 else str(check)


def isbn10_check(digits: str) -> str:
    """The check character of an ISBN-10 from its first 9 digits."""
    return _mod11(digits, 10)


def issn_check(digits: str) -> str:
    """The check character of an ISSN from its first 7 digits."""
    return _mod11(digits, 8)


# -- sources --------------------------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn"))
_LENGTHS: tuple[tuple[TextSize, int], ...] = (("word", 12), ("phrase", 60), ("paragraph", 300))
# Half the time real words (and YAML traps), half the time any text Unicode allows, trimmed.
_TEXT: dict[TextSize, st.SearchStrategy[str]] = {
    size: st.one_of(
        st.lists(st.sampled_from(WORDS + YAML_TRAPS), min_size=1, max_size=1 if size == "word" else 8).map(
            " ".join
        ),
        st.text(_CHARS, min_size=1, max_size=limit).map(str.strip).filter(bool),
    )
    for size, limit in _LENGTHS
}
_SCRIPTS = (
    (0x00A1, 0x024F), (0x0370, 0x03FF), (0x0400, 0x04FF), (0x05D0, 0x05EA), (0x0620, 0x064A),
    (0x0900, 0x097F), (0x3041, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0x1F300, 0x1F64F),
)  # fmt: skip


class _DrawSource:
    """Choices drawn by Hypothesis: they shrink."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def text(self, size: TextSize) -> str:
        return self._draw(_TEXT[size])


class _RandomSource:
    """Choices from a seeded random.Random, through `random()` alone: Python promises its output
    for a seed across versions (randint, choice and sample may change), so the corpus does too."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def integer(self, low: int, high: int) -> int:
        return min(high, low + int(self._rng.random() * (high - low + 1)))

    def text(self, size: TextSize) -> str:
        count = {"word": 1, "phrase": self.integer(2, 8), "paragraph": self.integer(12, 60)}[size]
        return " ".join(self._word() for _ in range(count))

    def _word(self) -> str:
        roll = self._rng.random()
        if roll < 0.05:
            return _pick(self, YAML_TRAPS)
        if roll < 0.88:
            return _pick(self, WORDS)
        low, high = _pick(self, _SCRIPTS)  # letters from a script's block, controls and spaces dropped
        chars = (chr(self.integer(low, high)) for _ in range(self.integer(1, 9)))
        return "".join(c for c in chars if unicodedata.category(c)[0] not in "CZ") or "x"


def _chance(src: Source, percent: int) -> bool:
    """True `percent` times in 100; the simplest choice (0) is False."""
    return src.integer(0, 99) >= 100 - percent


def _pick(src: Source, options: Sequence[T]) -> T:
    return options[src.integer(0, len(options) - 1)]


def _some(src: Source, low: int, high: int, make: Callable[[], T]) -> list[T]:
    return [make() for _ in range(src.integer(low, high))]


def _maybe(src: Source, item: Record, percent: int, key: str, make: Callable[[], Any]) -> None:
    if _chance(src, percent):
        item[key] = make()


def _digits(src: Source, count: int, low: int = 0) -> str:
    return f"{src.integer(low, 10**count - 1):0{count}d}"


def _hex(src: Source, count: int) -> str:
    return f"{src.integer(0, 16**count - 1):0{count}x}"


# -- identifiers ----------------------------------------------------------------------------------


def orcid(src: Source) -> str:
    low, high = _pick(src, ORCID_BLOCKS)
    body = f"{src.integer(low, high):015d}"
    full = body + iso7064_11_2(body)
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


def ror(src: Source) -> str:
    number = src.integer(0, 32**6 - 1)
    chars = "".join(ALPHABET[number >> shift & 31] for shift in range(25, -1, -5))
    return f"0{chars}{iso7064_97_10(number)}"


def isni(src: Source) -> str:
    body = _digits(src, 15)
    return body + iso7064_11_2(body)


def isbn(src: Source) -> str:
    if _chance(src, 20):
        body = _digits(src, 9, low=1)  # isbnlib refuses 0000000000, check digit or not
        return body + isbn10_check(body)
    body = _pick(src, ("978", "979")) + _digits(src, 9)
    return body + ean13_check(body)


def issn(src: Source) -> str:
    body = _digits(src, 7)
    return f"{body[:4]}-{body[4:]}{issn_check(body)}"


def _ean13(src: Source) -> str:
    body = _digits(src, 12)
    return body + ean13_check(body)


def _doi(src: Source) -> str:
    tail = _pick(src, ("zenodo.{}", "{}", "example.{}.v2"))
    number = src.integer(0, MAX_NUMBER)
    return f"10.{src.integer(1000, 99999)}/{tail.format(encode_suffix(number) if tail == '{}' else number)}"


def _arxiv(src: Source) -> str:
    number = f"{src.integer(7, 25):02d}{src.integer(1, 12):02d}.{src.integer(1, 99999):05d}"
    return _pick(src, ("", "arXiv:")) + number + _pick(src, ("", "v2", "v13"))


def _bibcode(src: Source) -> str:
    journal, page = _pick(src, ("ApJ", "A&A", "MNRAS", "AJ", "Natur")), str(src.integer(1, 9999))
    volume = str(src.integer(1, 999))
    return (
        f"{src.integer(1950, 2025)}{journal:.<5}{volume:.>4}{_pick(src, '.L')}{page:.>4}{_pick(src, 'ABKS')}"
    )


def _url(src: Source) -> str:
    host = _pick(src, ("example.com", "github.com/example", "archive.example.net"))
    return f"https://{host}/{src.integer(1, 99999)}"


# relatedIdentifierType → a valid value of that type (what rules.py's checks accept).
RELATED: tuple[tuple[str, Callable[[Source], str]], ...] = (
    ("DOI", _doi),
    ("URL", _url),
    ("ISBN", isbn),
    ("arXiv", _arxiv),
    ("ISSN", issn),
    ("EISSN", issn),
    ("LISSN", issn),
    ("PMID", lambda s: str(s.integer(1, 39999999))),
    ("Handle", lambda s: f"{_pick(s, ('20.500.12345', '11858', '1721.1'))}/{s.integer(1, 999999)}"),
    ("URN", lambda s: f"urn:nbn:de:{_pick(s, ('bsz', 'hbz', 'kobv'))}:{s.integer(1, 999)}-{_digits(s, 8)}"),
    (
        "ARK",
        lambda s: f"ark:/{s.integer(10000, 99999)}/{_pick(s, ('bcd', 'fk4', 'tf5p'))}{s.integer(1, 99999)}",
    ),
    (
        "PURL",
        lambda s: f"https://purl.org/{_pick(s, ('dc/terms', 'net/example', 'obo'))}/{s.integer(1, 999)}",
    ),
    ("w3id", lambda s: f"https://w3id.org/{_pick(s, ('example', 'ro/crate', 'okn'))}/{s.integer(1, 999)}"),
    ("EAN13", _ean13),
    ("UPC", lambda s: _digits(s, 12)),
    ("bibcode", _bibcode),
    ("LSID", lambda s: f"urn:lsid:{_pick(s, ('ubio.org', 'zoobank.org'))}:names:{s.integer(1, 999999)}"),
    ("RRID", lambda s: f"RRID:{_pick(s, ('AB', 'SCR', 'CVCL'))}_{s.integer(1, 9999999)}"),
    ("SWHID", lambda s: f"swh:1:{_pick(s, ('dir', 'rev', 'rel', 'cnt', 'snp'))}:{_hex(s, 40)}"),
    ("CSTR", lambda s: f"{_digits(s, 5)}.{_digits(s, 2)}.sciencedb.j{_digits(s, 5)}.{_digits(s, 5)}"),
    ("IGSN", lambda s: f"IE{_pick(s, ('CUR', 'SIO', 'XYZ'))}{_digits(s, 4)}"),
    ("RAiD", lambda s: f"10.{s.integer(10000, 99999)}/{_hex(s, 8)}"),
    ("ISTC", lambda s: f"0A9-{_digits(s, 4)}-{_hex(s, 8).upper()}-{_hex(s, 1).upper()}"),
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
    if _chance(src, 30):
        return {"nameIdentifier": orcid(src), "nameIdentifierScheme": "ORCID"}  # bare: DataCite keeps it so
    return {
        "nameIdentifier": f"https://orcid.org/{orcid(src)}",
        "nameIdentifierScheme": "ORCID",
        "schemeUri": "https://orcid.org",
    }


def _person_id(src: Source) -> Record:
    return _name_identifier(src, _pick(src, ("ORCID", "ORCID", "ISNI")))


def _organisation(src: Source) -> str:
    return _pick(src, ORGANISATIONS) if _chance(src, 70) else src.text("phrase")


def _affiliation(src: Source) -> Record:
    ror_id = {"affiliationIdentifier": f"https://ror.org/{ror(src)}", "affiliationIdentifierScheme": "ROR"}
    if _chance(src, 5):
        return ror_id  # an identifier without a name: the schema allows it, DataCite keeps it
    affiliation: Record = {"name": _organisation(src)}
    if _chance(src, 50):
        affiliation.update(ror_id)
        _maybe(src, affiliation, 70, "schemeUri", lambda: "https://ror.org")
    return affiliation


def _person(src: Source, *, contributor: bool = False) -> Record:
    kind = _pick(src, ("Personal", "Organizational", None))
    person: Record
    if kind == "Organizational":
        person = {"name": _organisation(src), "nameType": kind}
        _maybe(src, person, 20, "lang", lambda: _pick(src, LANGUAGES))
        _maybe(src, person, 40, "nameIdentifiers", lambda: [_name_identifier(src, "ROR")])
    else:
        given = _pick(src, GIVEN) if _chance(src, 70) else src.text("word")
        family = _pick(src, FAMILY) if _chance(src, 70) else src.text("word")
        person = {"name": f"{family}, {given}"}
        if kind == "Personal":
            person["nameType"] = kind
            if _chance(src, 80):
                person.update(givenName=given, familyName=family)
            _maybe(src, person, 50, "nameIdentifiers", lambda: _some(src, 1, 2, lambda: _person_id(src)))
        _maybe(src, person, 50, "affiliation", lambda: _some(src, 1, 2, lambda: _affiliation(src)))
    if contributor:
        person["contributorType"] = _pick(src, CONTRIBUTOR_TYPES)
    return person


def _title(src: Source, kind: str | None = None) -> Record:
    title: Record = {"title": src.text("phrase")} | ({"titleType": kind} if kind else {})
    _maybe(src, title, 40, "lang", lambda: _pick(src, LANGUAGES))
    return title


def _publisher(src: Source) -> str | Record:
    if _chance(src, 50):
        return _organisation(src)
    publisher: Record = {"name": _organisation(src)}
    _maybe(src, publisher, 30, "lang", lambda: _pick(src, LANGUAGES))
    if _chance(src, 25):
        r3 = f"https://doi.org/10.17616/R3{_digits(src, 4)}"
        publisher.update(
            publisherIdentifier=r3, publisherIdentifierScheme="re3data", schemeUri="https://re3data.org/"
        )
    elif _chance(src, 60):
        ror_id = f"https://ror.org/{ror(src)}"
        publisher.update(
            publisherIdentifier=ror_id, publisherIdentifierScheme="ROR", schemeUri="https://ror.org/"
        )
    return publisher


def _year(src: Source) -> int | str:
    year = src.integer(1950, 2030)
    return str(year) if _chance(src, 25) else year


def _types(src: Source) -> Record:
    types: Record = {"resourceTypeGeneral": _pick(src, RESOURCE_TYPES)}
    if _chance(src, 5):
        types["resourceType"] = ""  # "may be empty": DataCite stores it as sent
    elif _chance(src, 45):
        types["resourceType"] = _pick(src, RESOURCE_TYPE_TEXTS) if _chance(src, 60) else src.text("phrase")
    served = SERVED_TYPES.get(types["resourceTypeGeneral"])
    if served is not None and _chance(src, 25):
        types.update(zip(("schemaOrg", "citeproc", "bibtex", "ris"), served, strict=True))
    return types


def _subject(src: Source) -> Record:
    form = src.integer(0, 3)
    if form == 1:
        fos = {
            "subjectScheme": "Fields of Science and Technology (FOS)",
            "schemeUri": "http://www.oecd.org/science/inno/38235147.pdf",
        }
        return {"subject": f"FOS: {_pick(src, FOS)}", **fos}
    subject: Record = {"subject": src.text(_pick(src, ("word", "phrase")))}
    _maybe(src, subject, 30, "lang", lambda: _pick(src, LANGUAGES))
    if form == 2:
        code = f"{src.integer(0, 999):03d}.{src.integer(1, 99)}"
        subject.update(
            subjectScheme="DDC", classificationCode=code, schemeUri="https://www.oclc.org/en/dewey.html"
        )
    elif form == 3:
        subject.update(
            subjectScheme="LCSH", valueUri=f"http://id.loc.gov/authorities/subjects/sh{_digits(src, 8)}"
        )
    return subject


def _subjects(src: Source) -> list[Record]:
    subjects = _some(src, 1, 5, lambda: _subject(src))
    if _chance(src, 5):
        subjects.append(dict(subjects[0]))  # an exact duplicate: DataCite keeps one, and so does the plan
    return subjects


def _w3cdtf(src: Source, form: int) -> str:
    day = f"{src.integer(1900, 2030)}-{src.integer(1, 12):02d}-{src.integer(1, 28):02d}"
    time = f"{src.integer(0, 23):02d}:{src.integer(0, 59):02d}:{src.integer(0, 59):02d}"
    return (day, day[:4], day[:7], f"{day}T{time}{_pick(src, ('Z', '+02:00', '-05:00'))}")[form]


def _date(src: Source) -> Record:
    shape = src.integer(0, 5)
    if shape <= 3:
        text = _w3cdtf(src, shape)
    else:  # an RKMS-ISO8601 range, start before end, sometimes open at one end
        start, end = sorted((_w3cdtf(src, 0), _w3cdtf(src, 0)))
        text = _pick(src, (f"{start}/{end}", f"{start}/", f"/{end}"))
    date: Record = {"date": text, "dateType": _pick(src, DATE_TYPES)}
    _maybe(src, date, 15, "dateInformation", lambda: src.text("phrase"))
    return date


def _identifier(src: Source, url: str | None) -> Record:
    if url and _chance(src, 10):
        # The landing page as an identifier: DataCite stores it but never serves it (reference §2.6).
        return {"identifier": url, "identifierType": "URL"}
    makers: tuple[tuple[str, Callable[[], str]], ...] = (
        ("Local accession number", lambda: f"{src.text('word')}-{src.integer(1, 99999)}"),
        ("ISBN", lambda: isbn(src)),
        ("URL", lambda: f"https://archive.example.net/items/{src.integer(1, 99999)}"),
        ("Handle", lambda: f"20.500.12345/{src.integer(1, 99999)}"),
        ("PMID", lambda: str(src.integer(1, 39999999))),
        ("URN", lambda: f"urn:nbn:de:hbz:{src.integer(1, 999)}-{_digits(src, 6)}"),
    )
    kind, make = _pick(src, makers)
    return {"identifier": make(), "identifierType": kind}


def _related_identifier(src: Source) -> Record:
    kind, make = _pick(src, RELATED)
    relation = _pick(src, RELATION_TYPES)
    related: Record = {
        "relatedIdentifier": make(src),
        "relatedIdentifierType": kind,
        "relationType": relation,
    }
    _maybe(src, related, 30, "resourceTypeGeneral", lambda: _pick(src, RESOURCE_TYPES))
    if relation in ("HasMetadata", "IsMetadataFor") and _chance(src, 70):
        xsd = "http://www.ddialliance.org/Specification/DDI-Lifecycle/3.1/XMLSchema/instance.xsd"
        related.update(relatedMetadataScheme="DDI-L", schemeUri=xsd, schemeType="XSD")
    if relation == "Other" or _chance(src, 5):
        related["relationTypeInformation"] = src.text("phrase")
    return related


def _item_person(src: Source, kind: str | None) -> Record:
    """A related item's creator or contributor: names only (§2.8.9)."""
    if kind == "Organizational":
        return {"name": _organisation(src), "nameType": kind}
    given, family = _pick(src, GIVEN), _pick(src, FAMILY)
    if kind is None:
        return {"name": f"{family}, {given}"}
    return {"name": f"{family}, {given}", "nameType": kind, "givenName": given, "familyName": family}


def _item_contributor(src: Source) -> Record:
    person = _item_person(src, _pick(src, ("Personal", "Organizational", None)))
    return {**person, "contributorType": _pick(src, CONTRIBUTOR_TYPES)}


def _related_item(src: Source) -> Record:
    relation = _pick(src, ("IsPublishedIn", "IsPartOf", "References", "HasMetadata"))
    kind = _pick(src, ("Journal", "Book", "JournalArticle", "Dataset", "ConferenceProceeding"))
    item: Record = {"relationType": relation, "relatedItemType": kind}
    if _chance(src, 70):
        scheme, make = _pick(src, (("ISSN", issn), ("DOI", _doi), ("ISBN", isbn), ("URL", _url)))
        ident: Record = {"relatedItemIdentifier": make(src), "relatedItemIdentifierType": scheme}
        if relation == "HasMetadata":  # spelt schemeURI here, as the REST API does
            ident.update(
                relatedMetadataScheme="DDI-L", schemeURI="https://ddialliance.org/", schemeType="XSD"
            )
        item["relatedItemIdentifier"] = ident
    item["titles"] = [{"title": src.text("phrase")}]
    if _chance(src, 30):
        item["titles"].append({"title": src.text("phrase"), "titleType": _pick(src, TITLE_TYPES)})
    _maybe(
        src,
        item,
        50,
        "creators",
        lambda: [_item_person(src, kind) for kind in ("Personal", "Organizational")],
    )
    _maybe(src, item, 40, "contributors", lambda: _some(src, 1, 2, lambda: _item_contributor(src)))
    _maybe(src, item, 70, "publicationYear", lambda: _year(src))  # its JSON type is kept (§2.6)
    for key, percent in (("volume", 60), ("issue", 50), ("firstPage", 50), ("lastPage", 40), ("edition", 30)):
        _maybe(src, item, percent, key, lambda: str(src.integer(1, 999)))
    if _chance(src, 30):
        item.update(
            number=str(src.integer(1, 99)), numberType=_pick(src, ("Article", "Chapter", "Report", "Other"))
        )
    _maybe(src, item, 40, "publisher", lambda: _organisation(src))
    _maybe(src, item, 20, "relationTypeInformation", lambda: src.text("phrase"))
    return item


def _rights(src: Source, domain: str) -> Record:
    form = src.integer(0, 4)
    if form == 0:  # an SPDX licence by its identifier alone, as DataCite recommends
        license_id = _pick(src, SPDX_IDS)
        rights: Record = {"rightsIdentifier": license_id if _chance(src, 80) else license_id.lower()}
    elif form == 1:
        text = _pick(src, FREE_RIGHTS) if _chance(src, 60) else src.text("phrase")
        rights = {"rights": text, "rightsUri": f"https://{domain}/terms/{src.integer(1, 99)}"}
        if _chance(src, 20):  # a local scheme; DataCite lower-cases the identifier
            local = {"rightsIdentifierScheme": "Local", "schemeUri": f"https://{domain}/licences/"}
            rights.update(rightsIdentifier=f"Local-{src.integer(1, 99)}", **local)
    elif form == 2:
        rights = {"rightsUri": _pick(src, RIGHTS_URIS)}
    elif form == 3:
        rights = {"rights": _pick(src, LICENCE_URLS)}
    else:
        rights = dict(_pick(src, SERVED_SPDX))
    _maybe(src, rights, 20, "lang", lambda: _pick(src, LANGUAGES))
    return rights


def _description(src: Source) -> Record:
    kind = _pick(src, DESCRIPTION_TYPES)
    if kind == "SeriesInformation" and _chance(src, 60):  # "series, volume(issue), first-last"
        pages = f"{src.integer(1, 99)}-{src.integer(100, 300)}"
        text = f"{src.text('phrase')}, {src.integer(1, 99)}({src.integer(1, 12)}), {pages}"
    else:
        text = "\n\n".join(src.text("paragraph") for _ in range(src.integer(1, 3)))
    if _chance(src, 20):
        text += "\n"  # as a YAML block scalar (`|`) ends
    description: Record = {"description": text, "descriptionType": kind}
    _maybe(src, description, 30, "lang", lambda: _pick(src, LANGUAGES))
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
        k: _pick(src, (v, float(v), str(v), f"{v}.0"))
        for k, v in {**sides, "northBoundLatitude": north}.items()
    }


def _place(src: Source) -> str:
    # A place may be called by a number ("1905"): DataCite converts coordinates only (§2.8.8).
    return str(src.integer(1, 9999)) if _chance(src, 10) else src.text("phrase")


def _geo_location(src: Source) -> Record:
    geo: Record = {}
    _maybe(src, geo, 60, "geoLocationPlace", lambda: _place(src))
    _maybe(src, geo, 50, "geoLocationPoint", lambda: _point(src))
    _maybe(src, geo, 35, "geoLocationBox", lambda: _box(src))
    if _chance(src, 20):
        points = [{"polygonPoint": _point(src)} for _ in range(src.integer(3, 6))]
        # Closed: the first point again, as a copy (a shared object would be written as a YAML alias).
        polygon = [*points, {"polygonPoint": dict(points[0]["polygonPoint"])}]
        if _chance(src, 40):
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
        return "GRID", f"grid.{src.integer(1, 99999)}.{_hex(src, 1)}", "https://www.grid.ac/institutes/"
    return "Other", f"funder-{src.integer(1, 9999)}", ""


def _funding(src: Source) -> Record:
    funding: Record = {"funderName": _organisation(src)}
    if _chance(src, 60):
        kind, value, scheme = _funder_id(src)
        funding.update(funderIdentifier=value, funderIdentifierType=kind)
        if scheme and _chance(src, 30):
            funding["schemeUri"] = scheme
    _maybe(
        src, funding, 60, "awardNumber", lambda: f"{_pick(src, ('', 'ERC-', 'DFG '))}{src.integer(1, 999999)}"
    )
    _maybe(
        src, funding, 30, "awardUri", lambda: f"https://cordis.europa.eu/project/id/{src.integer(1, 999999)}"
    )
    _maybe(src, funding, 40, "awardTitle", lambda: src.text("phrase"))
    return funding


def _landing_page(src: Source, domain: str, number: int, state: str) -> str:
    # A landing page, never a file (.pdf, .zip, …); a registered DOI is usually a withdrawn one.
    folder = (
        "tombstone" if state == "registered" and _chance(src, 70) else _pick(src, ("records", "datasets"))
    )
    return f"https://{domain}/{folder}/{number}{_pick(src, ('', '?version=2', '#files', '/'))}"


def _version(src: Source) -> str:
    major, minor = src.integer(0, 12), src.integer(0, 20)
    shapes = (
        f"{major}.{minor}",
        f"{major}",
        f"{major}.{minor}.{src.integer(0, 9)}",
        f"v{major}",
        f"2024-{minor % 12 + 1:02d}",
    )
    return _pick(src, shapes)


def _size(src: Source) -> str:
    return f"{src.integer(1, 999)} {_pick(src, ('pages', 'MB', 'GB', 'files'))}"


STATES = ("draft", "findable", "registered", "findable", "findable", "findable")
"""Mostly findable, as in a real repository; draft first, the simplest."""


def _record(src: Source, number: int, prefix: str, domain: str) -> Record:
    record: Record = {"doi": f"{prefix}/{encode_suffix(number)}"}
    record["state"] = state = _pick(src, STATES)
    if state == "draft" and not _chance(src, 75):
        return record  # a minimal draft: doi and state only
    required = state != "draft"  # what a registered or findable DOI must have, a draft may have
    mandatory: tuple[tuple[str, Callable[[], Any]], ...] = (
        ("url", lambda: _landing_page(src, domain, number, state)),
        ("creators", lambda: _some(src, 1, 5, lambda: _person(src))),
        ("titles", lambda: [_title(src), *_some(src, 0, 2, lambda: _title(src, _pick(src, TITLE_TYPES)))]),
        ("publisher", lambda: _publisher(src)),
        ("publicationYear", lambda: _year(src)),
        ("types", lambda: _types(src)),
    )
    for key, make in mandatory:
        if required or _chance(src, 65):
            record[key] = make()
    optional: tuple[tuple[str, int, Callable[[], Any]], ...] = (
        ("contributors", 35, lambda: _some(src, 1, 3, lambda: _person(src, contributor=True))),
        ("subjects", 50, lambda: _subjects(src)),
        ("dates", 45, lambda: _some(src, 1, 3, lambda: _date(src))),
        ("language", 55, lambda: _pick(src, LANGUAGES)),
        ("identifiers", 25, lambda: _some(src, 1, 2, lambda: _identifier(src, record.get("url")))),
        ("relatedIdentifiers", 45, lambda: _some(src, 1, 4, lambda: _related_identifier(src))),
        ("relatedItems", 15, lambda: [_related_item(src)]),
        ("sizes", 30, lambda: _some(src, 1, 3, lambda: _size(src))),
        ("formats", 35, lambda: _some(src, 1, 3, lambda: _pick(src, FORMATS))),
        ("version", 40, lambda: _version(src)),
        ("rightsList", 50, lambda: _some(src, 1, 2, lambda: _rights(src, domain))),
        ("descriptions", 60, lambda: _some(src, 1, 3, lambda: _description(src))),
        ("geoLocations", 25, lambda: _some(src, 1, 3, lambda: _geo_location(src))),
        ("fundingReferences", 30, lambda: _some(src, 1, 2, lambda: _funding(src))),
        ("contentUrl", 8, lambda: [f"https://files.example.org/{number}/data.{_pick(src, ('zip', 'csv'))}"]),
    )
    for key, percent, make in optional:
        _maybe(src, record, percent, key, make)
    return record


# -- public ---------------------------------------------------------------------------------------


def doi_records(prefix: str = "10.80000", domain: str = "data.example.org") -> st.SearchStrategy[Record]:
    """Valid DOI files (doi, state, url and metadata) under `prefix`, with landing pages on `domain`.

    A list of them needs distinct DOIs: `st.lists(doi_records(), unique_by=lambda r: r["doi"])`.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Record:
        return _record(_DrawSource(draw), draw(st.integers(0, MAX_NUMBER)), prefix, domain)

    return build()


def corpus(n: int, seed: int, *, prefix: str = "10.80000", domain: str = "data.example.org") -> list[Record]:
    """`n` valid DOI files with distinct DOIs, the same for the same seed on every run and Python.

    A shorter corpus is the start of a longer one: `corpus(100, s) == corpus(1000, s)[:100]`.
    """
    src = _RandomSource(random.Random(seed))
    records: list[Record] = []
    numbers: set[int] = set()
    while len(records) < n:
        number = src.integer(0, MAX_NUMBER)
        if number not in numbers:
            numbers.add(number)
            records.append(_record(src, number, prefix, domain))
    return records
