"""Data DataCite's server rewrites with (reference §2.8): types defaults, SPDX licences, languages.

Written from the reference tables; the sandbox shares none of it with the reconciler.
"""

from __future__ import annotations

# §2.8.2: resourceTypeGeneral → (schemaOrg, citeproc, bibtex, ris), no resourceType override.
TYPES: dict[str, tuple[str, str, str, str]] = {
    "Audiovisual": ("MediaObject", "article", "misc", "MPCT"),
    "Award": ("Grant", "article", "misc", "GEN"),
    "Book": ("Book", "article", "misc", "BOOK"),
    "BookChapter": ("Chapter", "article", "misc", "CHAP"),
    "Collection": ("Collection", "article", "misc", "GEN"),
    "ComputationalNotebook": ("SoftwareSourceCode", "article", "misc", "COMP"),
    "ConferencePaper": ("Article", "", "article", "CPAPER"),
    "ConferenceProceeding": ("Periodical", "article", "misc", "CONF"),
    "DataPaper": ("Article", "", "article", "GEN"),
    "Dataset": ("Dataset", "dataset", "misc", "DATA"),
    "Dissertation": ("Thesis", "thesis", "phdthesis", "THES"),
    "Event": ("Event", "article", "misc", "GEN"),
    "Image": ("ImageObject", "graphic", "misc", "FIGURE"),
    "Instrument": ("CreativeWork", "article", "misc", "GEN"),
    "InteractiveResource": ("CreativeWork", "article", "misc", "GEN"),
    "Journal": ("Periodical", "article", "misc", "GEN"),
    "JournalArticle": ("ScholarlyArticle", "article-journal", "article", "JOUR"),
    "Model": ("CreativeWork", "article", "misc", "GEN"),
    "OutputManagementPlan": ("CreativeWork", "article", "misc", "GEN"),
    "PeerReview": ("Review", "article", "misc", "GEN"),
    "PhysicalObject": ("CreativeWork", "article", "misc", "GEN"),
    "Poster": ("Poster", "document", "misc", "GEN"),
    "Preprint": ("CreativeWork", "article", "misc", "GEN"),
    "Presentation": ("PresentationDigitalDocument", "presentation", "misc", "SLIDE"),
    "Project": ("Project", "article", "misc", "GEN"),
    "Report": ("Report", "report", "misc", "RRPT"),
    "Service": ("Service", "article", "misc", "GEN"),
    "Software": ("SoftwareSourceCode", "article", "misc", "COMP"),
    "Sound": ("AudioObject", "song", "misc", "SOUND"),
    "Standard": ("CreativeWork", "article", "misc", "GEN"),
    "StudyRegistration": ("CreativeWork", "article", "misc", "GEN"),
    "Text": ("ScholarlyArticle", "article-journal", "article", "RPRT"),
    "Workflow": ("CreativeWork", "article", "misc", "GEN"),
    "Other": ("CreativeWork", "article", "misc", "GEN"),
}
DEFAULT_TYPES = ("CreativeWork", "article", "misc", "GEN")

# §2.8.3: resourceType (after underscore → camelcase) overrides, per column; None = no override.
TYPE_OVERRIDES: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    "Book": ("Book", "book", "book", "BOOK"),
    "BookChapter": ("Chapter", "chapter", "inbook", "CHAP"),
    "BookPart": (None, None, None, "CHAP"),
    "BookSection": (None, "chapter", "inbook", "CHAP"),
    "Component": ("CreativeWork", None, None, None),
    "Dataset": ("Dataset", "dataset", None, "DATA"),
    "Dissertation": ("Thesis", "thesis", "phdthesis", "THES"),
    "EditedBook": ("Book", "book", "book", "BOOK"),
    "JournalArticle": ("ScholarlyArticle", "article-journal", "article", "JOUR"),
    "JournalIssue": ("PublicationIssue", None, None, None),
    "JournalVolume": ("PublicationVolume", None, None, None),
    "Monograph": ("Book", "book", "book", "BOOK"),
    "Other": ("CreativeWork", None, None, "GEN"),
    "PeerReview": ("Review", None, None, None),
    "PostedContent": ("ScholarlyArticle", None, "article", None),
    "Proceedings": (None, None, "proceedings", "CONF"),
    "ProceedingsArticle": (None, "paper-conference", None, "CPAPER"),
    "ReferenceBook": ("Book", None, "book", "BOOK"),
    "ReferenceEntry": (None, "entry-dictionary", None, "DICT"),
    "Report": ("Report", "report", "techreport", "RPRT"),
    "Standard": (None, None, None, "STAND"),
}

# schemaOrg → citeproc / bibtex, as the §2.8.2 rows derive them.
SO_CITEPROC = {so: cp for so, cp, _, _ in TYPES.values()}
SO_BIBTEX = {so: bib for so, _, bib, _ in TYPES.values()}

# §2.8.1: SPDX licences in ASCII order of licenseId, as bolognese walks them:
# (licenseId, full name, first seeAlso URL). Deprecated IDs sort before their successors.
SPDX: list[tuple[str, str, str]] = sorted(
    [
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
    ]
)  # fmt: skip

# §2.8.4: ISO 639-2 codes (bibliographic and terminologic) and English names of common languages,
# mapped to their ISO 639-1 code. Unknown well-formed tags are kept as sent, so a short table only
# narrows which inputs get shortened; it never loses a language.
LANGUAGES: dict[str, tuple[tuple[str, ...], str]] = {
    "ar": (("ara",), "Arabic"), "bg": (("bul",), "Bulgarian"), "ca": (("cat",), "Catalan; Valencian"),
    "cs": (("cze", "ces"), "Czech"), "cy": (("wel", "cym"), "Welsh"), "da": (("dan",), "Danish"),
    "de": (("ger", "deu"), "German"), "el": (("gre", "ell"), "Greek, Modern (1453-)"),
    "en": (("eng",), "English"), "es": (("spa",), "Spanish; Castilian"), "et": (("est",), "Estonian"),
    "eu": (("baq", "eus"), "Basque"), "fa": (("per", "fas"), "Persian"), "fi": (("fin",), "Finnish"),
    "fr": (("fre", "fra"), "French"), "ga": (("gle",), "Irish"), "he": (("heb",), "Hebrew"),
    "hi": (("hin",), "Hindi"), "hr": (("hrv",), "Croatian"), "hu": (("hun",), "Hungarian"),
    "id": (("ind",), "Indonesian"), "is": (("ice", "isl"), "Icelandic"), "it": (("ita",), "Italian"),
    "ja": (("jpn",), "Japanese"), "ko": (("kor",), "Korean"), "la": (("lat",), "Latin"),
    "lt": (("lit",), "Lithuanian"), "lv": (("lav",), "Latvian"), "ms": (("may", "msa"), "Malay"),
    "nl": (("dut", "nld"), "Dutch; Flemish"), "no": (("nor",), "Norwegian"), "pl": (("pol",), "Polish"),
    "pt": (("por",), "Portuguese"), "ro": (("rum", "ron"), "Romanian; Moldavian; Moldovan"),
    "ru": (("rus",), "Russian"), "sk": (("slo", "slk"), "Slovak"), "sl": (("slv",), "Slovenian"),
    "sr": (("srp",), "Serbian"), "sv": (("swe",), "Swedish"), "sw": (("swa",), "Swahili"),
    "th": (("tha",), "Thai"), "tr": (("tur",), "Turkish"), "uk": (("ukr",), "Ukrainian"),
    "vi": (("vie",), "Vietnamese"), "zh": (("chi", "zho"), "Chinese"),
}  # fmt: skip
LANGUAGE_LOOKUP: dict[str, str] = {}
for _code, (_three, _name) in LANGUAGES.items():
    LANGUAGE_LOOKUP[_code] = _code
    for _alias in _three:
        LANGUAGE_LOOKUP[_alias] = _code
    LANGUAGE_LOOKUP[_name] = _code

# The schema 4 contributorType list (kernel-4.7), checked on every save of a kernel-4 record.
CONTRIBUTOR_TYPES = frozenset(
    [
        "ContactPerson",
        "DataCollector",
        "DataCurator",
        "DataManager",
        "Distributor",
        "Editor",
        "HostingInstitution",
        "Producer",
        "ProjectLeader",
        "ProjectManager",
        "ProjectMember",
        "RegistrationAgency",
        "RegistrationAuthority",
        "RelatedPerson",
        "Researcher",
        "ResearchGroup",
        "RightsHolder",
        "Sponsor",
        "Supervisor",
        "Translator",
        "WorkPackageLeader",
        "Other",
    ]
)
