"""Where a generated record's choices come from: Hypothesis's draw, or a seeded random.Random.

Both give integers and text and nothing else, so one builder serves both (see records.py).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, Literal, Protocol, TypeVar

from hypothesis import strategies as st

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


class DrawSource:
    """Choices drawn by Hypothesis: they shrink."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def text(self, size: TextSize) -> str:
        return self._draw(_TEXT[size])


class RandomSource:
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
            return pick(self, YAML_TRAPS)
        if roll < 0.88:
            return pick(self, WORDS)
        low, high = pick(self, _SCRIPTS)  # letters from a script's block, controls and spaces dropped
        chars = (chr(self.integer(low, high)) for _ in range(self.integer(1, 9)))
        return "".join(c for c in chars if unicodedata.category(c)[0] not in "CZ") or "x"


def chance(src: Source, percent: int) -> bool:
    """True `percent` times in 100; the simplest choice (0) is False."""
    return src.integer(0, 99) >= 100 - percent


def pick(src: Source, options: Sequence[T]) -> T:
    return options[src.integer(0, len(options) - 1)]


def some(src: Source, low: int, high: int, make: Callable[[], T]) -> list[T]:
    return [make() for _ in range(src.integer(low, high))]


def maybe(src: Source, item: Record, percent: int, key: str, make: Callable[[], Any]) -> None:
    if chance(src, percent):
        item[key] = make()


def digit_string(src: Source, count: int, low: int = 0) -> str:
    return f"{src.integer(low, 10**count - 1):0{count}d}"


def hex_string(src: Source, count: int) -> str:
    return f"{src.integer(0, 16**count - 1):0{count}x}"
