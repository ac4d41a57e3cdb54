"""Data DataCite's server rewrites with (reference §2.2, §2.8): permit list, SPDX licences, types tables.

Written from the reference tables; the sandbox shares none of it with the reconciler. Data only: the
rules that walk these tables live in `rewrite.py`. Languages are in `tables_language.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeAlias

from .tables_language import ISO_639_1

# ---------------------------------------------------------------------------------------------------------
# §2.2 / §2.8.9: what the JSON path accepts (lupo ParamsSanitizer ATTRIBUTES_MAP, Rails strong parameters).
# A key maps to SCALAR (a string, number, boolean or null), SCALARS (an array of those; a lone scalar is
# accepted too) or a nested spec (an object, or an array whose object elements are each filtered).

SCALAR: Final = "scalar"
SCALARS: Final = "scalars"
PermitSpec: TypeAlias = "Mapping[str, str | PermitSpec]"

_POINT: Final[PermitSpec] = {"pointLongitude": SCALAR, "pointLatitude": SCALAR}
_PERSON: Final[PermitSpec] = {
    "nameType": SCALAR, "name": SCALAR, "givenName": SCALAR, "familyName": SCALAR, "lang": SCALAR,
    "nameIdentifiers": {"nameIdentifier": SCALAR, "nameIdentifierScheme": SCALAR, "schemeUri": SCALAR},
    "affiliation": {"name": SCALAR, "affiliationIdentifier": SCALAR, "affiliationIdentifierScheme": SCALAR,
                    "schemeUri": SCALAR},
}  # fmt: skip

# Top level: every key with a nested spec or SCALARS also takes a lone scalar (the sanitizer lists each
# attribute both as `:titles` and as `{titles: [...]}`), so `"titles": "x"` reaches the 422 shape check.
PERMITTED: Final[PermitSpec] = {
    "doi": SCALAR, "prefix": SCALAR, "url": SCALAR, "event": SCALAR, "xml": SCALAR,
    "creators": _PERSON,
    "contributors": {**_PERSON, "contributorType": SCALAR},
    "titles": {"title": SCALAR, "titleType": SCALAR, "lang": SCALAR},
    "publisher": {"name": SCALAR, "publisherIdentifier": SCALAR, "publisherIdentifierScheme": SCALAR,
                  "schemeUri": SCALAR, "lang": SCALAR},
    "publicationYear": SCALAR,
    "types": {"resourceTypeGeneral": SCALAR, "resourceType": SCALAR, "schemaOrg": SCALAR, "bibtex": SCALAR,
              "citeproc": SCALAR, "ris": SCALAR},
    "subjects": {"subject": SCALAR, "subjectScheme": SCALAR, "schemeUri": SCALAR, "valueUri": SCALAR,
                 "lang": SCALAR, "classificationCode": SCALAR},
    "dates": {"date": SCALAR, "dateType": SCALAR, "dateInformation": SCALAR},
    "language": SCALAR,
    "identifiers": {"identifier": SCALAR, "identifierType": SCALAR},
    "alternateIdentifiers": {"alternateIdentifier": SCALAR, "alternateIdentifierType": SCALAR},
    "relatedIdentifiers": {"relatedIdentifier": SCALAR, "relatedIdentifierType": SCALAR, "relationType": SCALAR,
                           "relationTypeInformation": SCALAR, "resourceTypeGeneral": SCALAR,
                           "relatedMetadataScheme": SCALAR, "schemeUri": SCALAR, "schemeType": SCALAR},
    "relatedItems": {
        "relationType": SCALAR, "relatedItemType": SCALAR, "relationTypeInformation": SCALAR,
        "publicationYear": SCALAR, "volume": SCALAR, "issue": SCALAR, "number": SCALAR, "numberType": SCALAR,
        "firstPage": SCALAR, "lastPage": SCALAR, "publisher": SCALAR, "edition": SCALAR,
        # sic: `schemeURI` here, the XML spelling; a `schemeUri` is dropped (§2.6, §2.8.9).
        "relatedItemIdentifier": {"relatedItemIdentifier": SCALAR, "relatedItemIdentifierType": SCALAR,
                                  "relatedMetadataScheme": SCALAR, "schemeURI": SCALAR, "schemeType": SCALAR},
        "creators": {"nameType": SCALAR, "name": SCALAR, "givenName": SCALAR, "familyName": SCALAR},
        "titles": {"title": SCALAR, "titleType": SCALAR},
        "contributors": {"contributorType": SCALAR, "name": SCALAR, "givenName": SCALAR, "familyName": SCALAR,
                         "nameType": SCALAR},
    },
    "sizes": SCALARS, "formats": SCALARS,
    "version": SCALAR,
    "rightsList": {"rights": SCALAR, "rightsUri": SCALAR, "rightsIdentifier": SCALAR,
                   "rightsIdentifierScheme": SCALAR, "schemeUri": SCALAR, "lang": SCALAR},
    "descriptions": {"description": SCALAR, "descriptionType": SCALAR, "lang": SCALAR},
    "geoLocations": {
        "geoLocationPlace": SCALAR,
        "geoLocationPoint": _POINT,
        "geoLocationBox": {"westBoundLongitude": SCALAR, "eastBoundLongitude": SCALAR,
                           "southBoundLatitude": SCALAR, "northBoundLatitude": SCALAR},
        "geoLocationPolygon": {"polygonPoint": _POINT, "inPolygonPoint": _POINT},
    },
    "fundingReferences": {"funderName": SCALAR, "funderIdentifier": SCALAR, "funderIdentifierType": SCALAR,
                          "awardNumber": SCALAR, "awardUri": SCALAR, "awardTitle": SCALAR, "schemeUri": SCALAR},
    "contentUrl": SCALARS,
    "schemaVersion": SCALAR, "source": SCALAR, "reason": SCALAR,
    "container": {"type": SCALAR, "identifier": SCALAR, "identifierType": SCALAR, "title": SCALAR,
                  "volume": SCALAR, "issue": SCALAR, "firstPage": SCALAR, "lastPage": SCALAR},
    "landingPage": {"checked": SCALAR, "url": SCALAR, "status": SCALAR, "contentType": SCALAR, "error": SCALAR,
                    "redirectCount": SCALAR, "redirectUrls": SCALARS, "downloadLatency": SCALAR,
                    "hasSchemaOrg": SCALAR, "schemaOrgId": SCALARS, "dcIdentifier": SCALAR,
                    "citationDoi": SCALAR, "bodyHasPid": SCALAR},
}  # fmt: skip

# ---------------------------------------------------------------------------------------------------------
# §2.8.1: the SPDX licences (SPDXJSON v3.9) the matcher can hit, as (licenseId, full name, first seeAlso
# URL), in ASCII order of licenseId — the order bolognese walks them, deprecated IDs before their
# successors. The deprecated GPL-2.0, GPL-3.0, GPL-3.0+ and LGPL-3.0 share full names with their
# successors and sort first, which is what makes those successors drift on the next save.
SPDX: Final[tuple[tuple[str, str, str], ...]] = (
    ("AGPL-3.0", "GNU Affero General Public License v3.0", "https://www.gnu.org/licenses/agpl.txt"),
    ("AGPL-3.0-only", "GNU Affero General Public License v3.0 only", "https://www.gnu.org/licenses/agpl.txt"),
    ("Apache-2.0", "Apache License 2.0", "http://www.apache.org/licenses/LICENSE-2.0"),
    ("BSD-2-Clause", 'BSD 2-Clause "Simplified" License', "https://opensource.org/licenses/BSD-2-Clause"),
    ("BSD-3-Clause", 'BSD 3-Clause "New" or "Revised" License', "https://opensource.org/licenses/BSD-3-Clause"),
    ("CC-BY-3.0", "Creative Commons Attribution 3.0 Unported", "https://creativecommons.org/licenses/by/3.0/legalcode"),
    ("CC-BY-4.0", "Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/legalcode"),
    ("CC-BY-NC-4.0", "Creative Commons Attribution Non Commercial 4.0 International", "https://creativecommons.org/licenses/by-nc/4.0/legalcode"),
    ("CC-BY-NC-ND-4.0", "Creative Commons Attribution Non Commercial No Derivatives 4.0 International", "https://creativecommons.org/licenses/by-nc-nd/4.0/legalcode"),
    ("CC-BY-NC-SA-4.0", "Creative Commons Attribution Non Commercial Share Alike 4.0 International", "https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode"),
    ("CC-BY-ND-4.0", "Creative Commons Attribution No Derivatives 4.0 International", "https://creativecommons.org/licenses/by-nd/4.0/legalcode"),
    ("CC-BY-SA-4.0", "Creative Commons Attribution Share Alike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/legalcode"),
    ("CC0-1.0", "Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/legalcode"),
    ("EUPL-1.2", "European Union Public License 1.2", "https://joinup.ec.europa.eu/page/eupl-text-11-12"),
    ("GPL-2.0", "GNU General Public License v2.0 only", "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html"),
    ("GPL-2.0-only", "GNU General Public License v2.0 only", "https://www.gnu.org/licenses/old-licenses/gpl-2.0-standalone.html"),
    ("GPL-3.0", "GNU General Public License v3.0 only", "https://www.gnu.org/licenses/gpl-3.0-standalone.html"),
    ("GPL-3.0+", "GNU General Public License v3.0 or later", "https://www.gnu.org/licenses/gpl-3.0-standalone.html"),
    ("GPL-3.0-only", "GNU General Public License v3.0 only", "https://www.gnu.org/licenses/gpl-3.0-standalone.html"),
    ("GPL-3.0-or-later", "GNU General Public License v3.0 or later", "https://www.gnu.org/licenses/gpl-3.0-standalone.html"),
    ("ISC", "ISC License", "https://www.isc.org/downloads/software-support-policy/isc-license/"),
    ("LGPL-3.0", "GNU Lesser General Public License v3.0 only", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html"),
    ("LGPL-3.0-only", "GNU Lesser General Public License v3.0 only", "https://www.gnu.org/licenses/lgpl-3.0-standalone.html"),
    ("MIT", "MIT License", "https://opensource.org/licenses/MIT"),
    ("MPL-2.0", "Mozilla Public License 2.0", "http://www.mozilla.org/MPL/2.0/"),
    ("ODC-By-1.0", "Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1.0/"),
    ("ODbL-1.0", "ODC Open Database License v1.0", "http://www.opendatacommons.org/licenses/odbl/1.0/"),
    ("PDDL-1.0", "ODC Public Domain Dedication & License 1.0", "http://opendatacommons.org/licenses/pddl/1.0/"),
    ("Unlicense", "The Unlicense", "https://unlicense.org/"),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------------------
# §2.7 / §2.8.2: bolognese's translation tables (BOL47). Only entries that differ from the rule's fallback
# (CreativeWork / article / misc / GEN) are listed; every other key falls back, as a nil entry does.

# The 34 schema-4.7 resourceTypeGeneral values (Instrument and StudyRegistration are in no bolognese table).
RESOURCE_TYPE_GENERAL: Final[tuple[str, ...]] = (
    "Audiovisual", "Award", "Book", "BookChapter", "Collection", "ComputationalNotebook", "ConferencePaper",
    "ConferenceProceeding", "DataPaper", "Dataset", "Dissertation", "Event", "Image", "Instrument",
    "InteractiveResource", "Journal", "JournalArticle", "Model", "OutputManagementPlan", "PeerReview",
    "PhysicalObject", "Poster", "Preprint", "Presentation", "Project", "Report", "Service", "Software", "Sound",
    "Standard", "StudyRegistration", "Text", "Workflow", "Other",
)  # fmt: skip
DC_TO_SO: Final[Mapping[str, str]] = {
    "Audiovisual": "MediaObject", "Award": "Grant", "Book": "Book", "BookChapter": "Chapter",
    "Collection": "Collection", "ComputationalNotebook": "SoftwareSourceCode", "ConferencePaper": "Article",
    "ConferenceProceeding": "Periodical", "DataPaper": "Article", "Dataset": "Dataset",
    "Dissertation": "Thesis", "Event": "Event", "Image": "ImageObject", "Journal": "Periodical",
    "JournalArticle": "ScholarlyArticle", "PeerReview": "Review", "Poster": "Poster",
    "Presentation": "PresentationDigitalDocument", "Project": "Project", "Report": "Report",
    "Service": "Service", "Software": "SoftwareSourceCode", "Sound": "AudioObject", "Text": "ScholarlyArticle",
    "Other": "CreativeWork",
}  # fmt: skip
# "" is a value, not a miss: ConferencePaper and DataPaper get citeproc "" (§2.7).
SO_TO_CP: Final[Mapping[str, str]] = {
    "Article": "", "AudioObject": "song", "Dataset": "dataset", "ImageObject": "graphic", "Poster": "document",
    "PresentationDigitalDocument": "presentation", "Report": "report", "ScholarlyArticle": "article-journal",
    "Thesis": "thesis",
}  # fmt: skip
SO_TO_BIB: Final[Mapping[str, str]] = {
    "Article": "article",
    "ScholarlyArticle": "article",
    "Thesis": "phdthesis",
}
DC_TO_RIS: Final[Mapping[str, str]] = {
    "Audiovisual": "MPCT", "Book": "BOOK", "BookChapter": "CHAP", "ComputationalNotebook": "COMP",
    "ConferencePaper": "CPAPER", "ConferenceProceeding": "CONF", "Dataset": "DATA", "Dissertation": "THES",
    "Image": "FIGURE", "JournalArticle": "JOUR", "Presentation": "SLIDE", "Report": "RRPT",  # sic, not RPRT
    "Software": "COMP", "Sound": "SOUND", "Text": "RPRT",
}  # fmt: skip

# §2.8.3: Crossref type names (resourceType after underscore → camelcase) that override, per column.
CR_TO_SO: Final[Mapping[str, str]] = {
    "Book": "Book", "BookChapter": "Chapter", "Component": "CreativeWork", "Dataset": "Dataset",
    "Dissertation": "Thesis", "EditedBook": "Book", "JournalArticle": "ScholarlyArticle",
    "JournalIssue": "PublicationIssue", "JournalVolume": "PublicationVolume", "Monograph": "Book",
    "Other": "CreativeWork", "PeerReview": "Review", "PostedContent": "ScholarlyArticle", "ReferenceBook": "Book",
    "Report": "Report",
}  # fmt: skip
CR_TO_CP: Final[Mapping[str, str]] = {
    "Book": "book", "BookChapter": "chapter", "BookSection": "chapter", "Dataset": "dataset",
    "Dissertation": "thesis", "EditedBook": "book", "JournalArticle": "article-journal", "Monograph": "book",
    "ProceedingsArticle": "paper-conference", "ReferenceEntry": "entry-dictionary", "Report": "report",
}  # fmt: skip
CR_TO_BIB: Final[Mapping[str, str]] = {
    "Book": "book", "BookChapter": "inbook", "BookSection": "inbook", "Dissertation": "phdthesis",
    "EditedBook": "book", "JournalArticle": "article", "Monograph": "book", "PostedContent": "article",
    "Proceedings": "proceedings", "ReferenceBook": "book", "Report": "techreport",
}  # fmt: skip
CR_TO_RIS: Final[Mapping[str, str]] = {
    "Book": "BOOK", "BookChapter": "CHAP", "BookPart": "CHAP", "BookSection": "CHAP", "Dataset": "DATA",
    "Dissertation": "THES", "EditedBook": "BOOK", "JournalArticle": "JOUR", "Monograph": "BOOK",
    "Other": "GEN", "Proceedings": "CONF", "ProceedingsArticle": "CPAPER", "ReferenceBook": "BOOK",
    "ReferenceEntry": "DICT", "Report": "RPRT", "Standard": "STAND",
}  # fmt: skip

# The schema 4 contributorType list (kernel-4.7), checked on every save of a kernel-4 record.
CONTRIBUTOR_TYPES: Final = frozenset(
    ("ContactPerson", "DataCollector", "DataCurator", "DataManager", "Distributor", "Editor",
     "HostingInstitution", "Producer", "ProjectLeader", "ProjectManager", "ProjectMember", "RegistrationAgency",
     "RegistrationAuthority", "RelatedPerson", "Researcher", "ResearchGroup", "RightsHolder", "Sponsor",
     "Supervisor", "Translator", "WorkPackageLeader", "Other")
)  # fmt: skip

# ---------------------------------------------------------------------------------------------------------
# The row-shaped views `rewrite.py` reads, derived from the tables above; drop them with it.
DEFAULT_TYPES: Final = ("CreativeWork", "article", "misc", "GEN")
SO_CITEPROC: Final = SO_TO_CP
SO_BIBTEX: Final = SO_TO_BIB
TYPES: Final[Mapping[str, tuple[str, str, str, str]]] = {
    general: (
        DC_TO_SO.get(general, "CreativeWork"),
        SO_TO_CP.get(DC_TO_SO.get(general, "CreativeWork"), "article"),
        SO_TO_BIB.get(DC_TO_SO.get(general, "CreativeWork"), "misc"),
        DC_TO_RIS.get(general, "GEN"),
    )
    for general in RESOURCE_TYPE_GENERAL
}
TYPE_OVERRIDES: Final[Mapping[str, tuple[str | None, str | None, str | None, str | None]]] = {
    name: (CR_TO_SO.get(name), CR_TO_CP.get(name), CR_TO_BIB.get(name), CR_TO_RIS.get(name))
    for name in sorted({*CR_TO_SO, *CR_TO_CP, *CR_TO_BIB, *CR_TO_RIS})
}
LANGUAGE_LOOKUP: Final[Mapping[str, str]] = {
    key: code for code, bib, term, name in ISO_639_1 for key in (code, bib, term or bib, name)
}
