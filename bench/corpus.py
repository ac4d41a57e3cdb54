"""Deterministic, realistic DOI files for benchmarks: a typical dataset record of about 3 KB."""

from __future__ import annotations

import random
from pathlib import Path

from reconciler.core.suffix import encode_suffix

CONFIG = """\
environment: sandbox
repositories:
  - id: BENCH.REPO
    prefixes: ["10.80000"]
    path: dois/
    domains: ["data.example.org"]
defaults:
  publisher: Example University Research Data Repository
"""

_GIVEN = ["Jane", "Ann", "Ravi", "Mei", "Olu", "Lars", "Ines", "Tomás", "Yuki", "Sara"]
_FAMILY = ["Doe", "Roe", "Kumar", "Chen", "Adeyemi", "Berg", "García", "Sato", "Novak", "Müller"]
_WORDS = [
    "sensor",
    "ocean",
    "soil",
    "climate",
    "river",
    "forest",
    "urban",
    "genome",
    "protein",
    "survey",
    "archive",
    "model",
]


def orcid(rng: random.Random) -> str:
    """A random ORCID with a correct ISO 7064 11,2 check digit."""
    # ORCID issues iDs from 0000-0001-5000-0007 to 0000-0003-5000-0001 (and 0009-…).
    digits = [0, 0, 0, 0, 0, 0, 0, 2] + [rng.randrange(10) for _ in range(7)]
    total = 0
    for digit in digits:
        total = (total + digit) * 2
    check = (12 - total % 11) % 11
    body = "".join(map(str, digits)) + ("X" if check == 10 else str(check))
    return "-".join(body[i : i + 4] for i in range(0, 16, 4))


def record_yaml(n: int, rng: random.Random) -> tuple[str, str]:
    """(suffix, YAML text) of record number n."""
    suffix = encode_suffix(n * 7919 % (2**30 - 1))
    title = " ".join(rng.choice(_WORDS) for _ in range(5)).capitalize()
    lines = [
        "# yaml-language-server: $schema=../../schemas/doi.schema.json",
        f"doi: 10.80000/{suffix}",
        "state: findable",
        f"url: https://data.example.org/records/{n}",
        "creators:",
    ]
    for _ in range(3):
        given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
        lines += [
            f"  - name: {family}, {given}",
            "    nameType: Personal",
            f"    givenName: {given}",
            f"    familyName: {family}",
            "    nameIdentifiers:",
            f"      - nameIdentifier: https://orcid.org/{orcid(rng)}",
            "        nameIdentifierScheme: ORCID",
            "        schemeUri: https://orcid.org",
            "    affiliation:",
            "      - name: Example University",
            "        affiliationIdentifier: https://ror.org/04wxnsj81",
            "        affiliationIdentifierScheme: ROR",
        ]
    lines += [
        "titles:",
        f"  - title: {title}",
        "    lang: en",
        f"  - title: {title} (data)",
        "    titleType: Subtitle",
        f"publicationYear: {2000 + n % 25}",
        "types:",
        "  resourceTypeGeneral: Dataset",
        "  resourceType: Measurements",
        "subjects:",
        *[f"  - subject: {w}" for w in rng.sample(_WORDS, 4)],
        "dates:",
        '  - date: "2023-04-01/2023-09-30"',
        "    dateType: Collected",
        f'  - date: "{2000 + n % 25}-06-01"',
        "    dateType: Issued",
        "language: en",
        "sizes: [12 files, 3.4 GB]",
        "formats: [text/csv, application/x-netcdf]",
        'version: "1.0"',
        "rightsList:",
        "  - rightsIdentifier: CC-BY-4.0",
        "descriptions:",
        "  - description: >-",
        f"      {title}. Measurements taken every ten minutes over one season at twelve stations,",
        "      with calibration notes and the processing scripts used to clean the raw data.",
        "    descriptionType: Abstract",
        "relatedIdentifiers:",
        "  - relatedIdentifier: 10.80000/3mfp-6m52",
        "    relatedIdentifierType: DOI",
        "    relationType: IsPartOf",
        "  - relatedIdentifier: https://github.com/example/sensors",
        "    relatedIdentifierType: URL",
        "    relationType: IsSupplementedBy",
        "fundingReferences:",
        "  - funderName: European Commission",
        "    funderIdentifier: https://doi.org/10.13039/501100000780",
        "    funderIdentifierType: Crossref Funder ID",
        f'    awardNumber: "{100000 + n}"',
    ]
    return suffix, "\n".join(lines) + "\n"


def write_corpus(root: Path, count: int, seed: int = 42) -> Path:
    """A DOI repository with `count` files under root; returns the config path."""
    rng = random.Random(seed)
    folder = root / "dois" / "10.80000"
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        suffix, text = record_yaml(n, rng)
        (folder / f"{suffix}.yaml").write_text(text, encoding="utf-8")
    config = root / "doiac.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return config
