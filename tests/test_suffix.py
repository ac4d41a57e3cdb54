from __future__ import annotations

import random

import pytest

from reconciler.core.suffix import (
    MAX_NUMBER,
    check_digits,
    decode_suffix,
    encode_suffix,
    is_opaque_suffix,
    mint_suffix,
)

# Worked values from the DataCite reference (lupo's own spec gives the first).
WORKED = [(122149076, "3mfp-6m52"), (987654321, "xdwt-5h08"), (31337, "000y-k980"), (0, "0000-0098")]


@pytest.mark.parametrize(("number", "suffix"), WORKED, ids=[s for _, s in WORKED])
def test_encode_worked_values(number: int, suffix: str) -> None:
    assert encode_suffix(number) == suffix
    assert decode_suffix(suffix) == number


def test_shoulder() -> None:
    assert is_opaque_suffix("zzzz-zzzz-zz02")  # any shoulder before an opaque tail
    assert encode_suffix(987654321, "abc") == "abc-xdwt-5h08"
    assert decode_suffix("abc-xdwt-5h08") == 987654321


@pytest.mark.parametrize("number", [-1, MAX_NUMBER + 1])
def test_encode_range(number: int) -> None:
    with pytest.raises(ValueError, match="between 0 and"):
        encode_suffix(number)


NOT_OPAQUE = ["3mfp-6m53", "zenodo.1239", "3mfp6m52", "3mfp-6m5x", "3mfp-6m", "3mu!-6m52", "zzzzz-zz02"]


@pytest.mark.parametrize("suffix", NOT_OPAQUE)
def test_not_opaque(suffix: str) -> None:
    assert not is_opaque_suffix(suffix)


def test_crockford_reads_confusable_letters() -> None:
    # "o" reads as 0, "i"/"l" as 1: a suffix retyped by hand still checks.
    assert decode_suffix("ooOy-k980") == 31337


def test_mint_is_seeded_and_valid() -> None:
    first = [mint_suffix(random.Random(7)) for _ in range(3)]
    assert first[0] == first[1] == first[2]
    rng = random.Random(1)
    for _ in range(1000):
        assert is_opaque_suffix(mint_suffix(rng))


def test_check_digits_are_two_digits() -> None:
    assert {len(check_digits(n)) for n in range(0, 10_000, 7)} == {2}
