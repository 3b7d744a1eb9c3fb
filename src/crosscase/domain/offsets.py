"""The one place that converts between code points and UTF-16 code units.

Crosscase stores offsets as Python ``str`` indices (Unicode code points).
Qt (``QTextCursor.position()``, ``QString``) counts UTF-16 code units, where a
character outside the Basic Multilingual Plane takes two. Every position that
crosses between the GUI and the core goes through :class:`OffsetMap`.

The map is built once per document text: it records the code-point index of
each astral character, so conversions cost ``O(log n)`` and a text with no
astral characters (the common case) costs nothing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


def _astral_positions(text: str) -> list[int]:
    if text.isascii():
        return []
    # Fast path: a text whose UTF-16 length equals its length has no astral chars.
    if len(text.encode("utf-16-le")) == 2 * len(text):
        return []
    return [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


class OffsetMap:
    """Converts positions in one text between code points and UTF-16 units."""

    __slots__ = ("_astral", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        self._astral = _astral_positions(text)
        # UTF-16 index of each astral char's first unit: cp + astral chars before it.
        self._astral_u16 = [cp + k for k, cp in enumerate(self._astral)]
        self.length = len(text)
        self.utf16_length = self.length + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """Code-point index -> UTF-16 index (0 <= cp <= len(text))."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"position {cp} is outside the text (0..{self.length})")
        return cp + bisect_left(self._astral, cp)

    def from_utf16(self, u16: int, *, snap: str = "down") -> int:
        """UTF-16 index -> code-point index.

        A UTF-16 index that falls inside a surrogate pair (between the two
        halves of one astral character) is snapped ``down`` to the character's
        start or ``up`` past it, so a selection never splits a character.
        """
        if not 0 <= u16 <= self.utf16_length:
            raise ValueError(f"position {u16} is outside the text (0..{self.utf16_length})")
        k = bisect_right(self._astral_u16, u16 - 1)  # astral chars starting before u16
        if k and self._astral_u16[k - 1] + 1 == u16:  # inside the pair of char k-1
            cp = self._astral[k - 1]
            return cp if snap == "down" else cp + 1
        return u16 - k

    def span_from_utf16(self, start: int, end: int) -> tuple[int, int]:
        """A UTF-16 selection -> the code-point span that covers it whole."""
        if end < start:
            start, end = end, start
        return self.from_utf16(start, snap="down"), self.from_utf16(end, snap="up")

    def span_to_utf16(self, start: int, end: int) -> tuple[int, int]:
        return self.to_utf16(start), self.to_utf16(end)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
