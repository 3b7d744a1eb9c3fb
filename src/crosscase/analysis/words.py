"""Words in any span of a document, counted without a Python loop per span.

A word is a run of word characters, exactly as ``re.findall(r"\\w+", text)``
counts them (letters, digits and marks of any script, and ``_``); the
importer counts ``Document.words`` the same way. For each document the start
and end of every word is found once with numpy and kept, keyed by the
SHA-256 of the stored text (which never changes after import), so counting
the words of 200,000 spans is two binary searches over arrays.

The number of words in ``text[s:e]`` is the number of words that intersect
``[s, e)``: a word cut by the span still counts once, as it does when the
regular expression is run on the slice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Literal

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from crosscase.db.models import Document

#: Keep word boundaries for at most this many words (about 8 bytes each).
CACHE_WORDS = 40_000_000

_BMP: np.ndarray | None = None
_lock = threading.Lock()
# text SHA-256 -> (word starts, word ends, length of the text)
Bounds = tuple[np.ndarray, np.ndarray, int]
_cache: OrderedDict[str, Bounds] = OrderedDict()
_cached_words = 0


def _bmp_table() -> np.ndarray:
    global _BMP
    if _BMP is None:
        _BMP = np.fromiter(
            (chr(i).isalnum() or i == 0x5F for i in range(0x10000)), dtype=bool, count=0x10000
        )
    return _BMP


def word_mask(text: str) -> np.ndarray:
    """True at each code point of ``text`` that regular expressions call ``\\w``."""
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    table = _bmp_table()
    if not cps.size or int(cps.max()) <= 0xFFFF:
        return table[cps]
    astral = cps > 0xFFFF
    mask = table[np.where(astral, 0, cps)]
    for cp in np.unique(cps[astral]).tolist():
        mask[cps == cp] = chr(cp).isalnum()
    return mask


def boundaries(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) offsets of every word, in order."""
    mask = word_mask(text)
    if not mask.size:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    before = np.empty_like(mask)
    before[0] = False
    before[1:] = mask[:-1]
    after = np.empty_like(mask)
    after[-1] = False
    after[:-1] = mask[1:]
    starts = np.flatnonzero(mask & ~before).astype(np.int32)
    ends = (np.flatnonzero(mask & ~after) + 1).astype(np.int32)
    return starts, ends


def count_in(text: str, start: int, end: int) -> int:
    """Words in ``text[start:end]`` (a reference for tests)."""
    starts, ends = boundaries(text)
    return int(np.searchsorted(starts, end) - np.searchsorted(ends, start, side="right"))


def _remember(key: str, value: Bounds) -> None:
    global _cached_words
    _cache[key] = value
    _cached_words += len(value[0])
    while _cached_words > CACHE_WORDS and len(_cache) > 1:
        _, (old, _e, _n) = _cache.popitem(last=False)
        _cached_words -= len(old)


def index(session: Session, document_ids: Iterable[int]) -> dict[int, Bounds]:
    """Word boundaries of each document, read from the cache or computed once."""
    ids = sorted({int(i) for i in document_ids})
    if not ids:
        return {}
    shas: dict[int, str] = {}
    for chunk in _chunks(ids):
        shas.update(session.execute(select(Document.id, Document.sha256)
                                    .where(Document.id.in_(chunk))).all())
    out: dict[int, Bounds] = {}
    missing: list[int] = []
    with _lock:
        for did, sha in shas.items():
            hit = _cache.get(sha)
            if hit is None:
                missing.append(did)
            else:
                _cache.move_to_end(sha)
                out[did] = hit
    for chunk in _chunks(missing, 200):
        rows = session.execute(
            select(Document.id, Document.sha256, Document.text).where(Document.id.in_(chunk))
        ).all()
        for did, sha, text in rows:
            text = text or ""
            value = (*boundaries(text), len(text))
            out[did] = value
            with _lock:
                _remember(sha, value)
    return out


def count_spans(
    session: Session,
    document_ids: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
) -> np.ndarray:
    """Words in each span ``(document, start, end)``, vectorised over all spans."""
    n = len(document_ids)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    docs = np.unique(document_ids)
    base, all_starts, all_ends = _laid_out(session, docs)
    pos = base[np.searchsorted(docs, document_ids)]
    s = np.asarray(starts, dtype=np.int64) + pos
    e = np.asarray(ends, dtype=np.int64) + pos
    # a span never reaches past the end of its text, so the gap keeps documents apart
    counts: np.ndarray = _sorted_search(all_starts, e, "left") - _sorted_search(all_ends, s, "right")
    return counts


#: the last layout asked for: (documents, their bounds, the layout), at most one
_last_layout: list[tuple[np.ndarray, list[Bounds], tuple[np.ndarray, np.ndarray, np.ndarray]]] = []


def _laid_out(session: Session, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All documents' words end to end with a gap between documents, so that one
    pair of sorted arrays answers every span by binary search. The last layout
    is kept: the same documents are usually asked about again."""
    idx = index(session, docs.tolist())
    bounds = [idx[d] for d in docs.tolist()]
    with _lock:
        if _last_layout:
            old_docs, old_bounds, result = _last_layout[0]
            if np.array_equal(old_docs, docs) and all(
                a[0] is b[0] for a, b in zip(old_bounds, bounds, strict=True)
            ):
                return result
    base = np.zeros(len(docs), dtype=np.int64)
    w_starts, w_ends = [], []
    offset = 0
    for i, (s, e, length) in enumerate(bounds):
        base[i] = offset
        w_starts.append(s.astype(np.int64) + offset)
        w_ends.append(e.astype(np.int64) + offset)
        offset += length + 1
    result = (
        base,
        np.concatenate(w_starts) if w_starts else np.zeros(0, np.int64),
        np.concatenate(w_ends) if w_ends else np.zeros(0, np.int64),
    )
    with _lock:
        _last_layout[:] = [(docs.copy(), bounds, result)]
    return result


def _sorted_search(
    haystack: np.ndarray, needles: np.ndarray, side: Literal["left", "right"]
) -> np.ndarray:
    """``np.searchsorted`` with the needles sorted first: far fewer cache misses."""
    order = np.argsort(needles, kind="stable")
    out = np.empty(len(needles), dtype=np.int64)
    out[order] = np.searchsorted(haystack, needles[order], side=side)
    return out


def clear_cache() -> None:
    global _cached_words
    with _lock:
        _cache.clear()
        _last_layout.clear()
        _cached_words = 0


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
