"""Opaque DOI suffixes, minted and checked with DataCite's own algorithm.

DataCite generates a suffix from a random integer n < 2^30: n in lower-case Crockford base32,
followed by the two-digit ISO 7064 (mod 97-10) check value of n, left-padded with zeros to eight
characters and split by a hyphen after the fourth: n = 122149076 gives ``3mfp-6m52``.

This module is pure and shared by the reconciler (`doiac new`, the best-practice check) and the
sandbox, the one piece of code the two are allowed to share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the random source is passed in: the core draws no randomness of its own
    import random

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
MAX_NUMBER = 2**30 - 1
_DECODE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford base32 reads easily confused letters as the digits they look like.
_DECODE.update({"i": 1, "l": 1, "o": 0})


def check_digits(number: int) -> str:
    """The two-digit ISO 7064 mod 97-10 check value of `number`."""
    return f"{98 - (number * 100) % 97:02d}"


def encode_suffix(number: int, shoulder: str = "") -> str:
    """The suffix DataCite generates for `number` (0 ≤ number < 2^30), after an optional shoulder."""
    if not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"suffix number must be between 0 and {MAX_NUMBER}, got {number}")
    digits = ""
    rest = number
    while True:
        rest, index = divmod(rest, 32)
        digits = ALPHABET[index] + digits
        if rest == 0:
            break
    body = (digits + check_digits(number)).rjust(8, "0")
    suffix = f"{body[:4]}-{body[4:]}"
    return f"{shoulder}-{suffix}" if shoulder else suffix


def mint_suffix(rng: random.Random, shoulder: str = "") -> str:
    """A fresh opaque suffix drawn from `rng` (a parameter, so tests and the sandbox can seed it)."""
    return encode_suffix(rng.randrange(MAX_NUMBER), shoulder)


def decode_suffix(suffix: str) -> int | None:
    """The number behind an opaque suffix, or None when `suffix` is not one (wrong shape or check)."""
    tail = suffix.lower().rsplit("-", 2)
    if len(tail) < 2:
        return None
    body = tail[-2] + tail[-1]
    if len(tail[-2]) != 4 or len(tail[-1]) != 4 or not body[-2:].isdigit():
        return None
    number = 0
    for ch in body[:-2]:
        if ch not in _DECODE:
            return None
        number = number * 32 + _DECODE[ch]
    if number > MAX_NUMBER or check_digits(number) != body[-2:]:
        return None
    return number


def is_opaque_suffix(suffix: str) -> bool:
    """True when `suffix` ends in a DataCite-style opaque suffix with a valid check value."""
    return decode_suffix(suffix) is not None
