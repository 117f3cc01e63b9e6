"""What the bytes of an Arrow string column say at a glance: each value's length, its first
byte, and whether any value can start or end with whitespace.

They are read from the column's buffers as numpy views (no copy, no Arrow kernel run), so a
caller can rule work out before it runs the kernels that decide: a column none of whose
values starts or ends with a byte outside printable ASCII (``!`` to ``~``) has nothing for
``utf8_trim_whitespace`` to remove and no whitespace-only value, since every whitespace
character (ASCII or not) starts and ends with such a byte (ASCII whitespace is below ``!``,
and every byte of a multi-byte UTF-8 character is 0x80 or above). The tests are exact one
way only: "plain" is a proof, "not plain" means "run the kernel".

Columns are ``string`` or ``large_string`` arrays or chunked arrays; a NULL slot counts as
the bytes its offsets span (usually none), so callers decide NULLs themselves.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_PRINTABLE_FIRST, _PRINTABLE_LAST = 0x21, 0x7E  # "!" .. "~"


def chunks(texts: pa.Array | pa.ChunkedArray) -> list[pa.Array]:
    """The arrays a column is made of: its chunks, or itself."""
    return texts.chunks if isinstance(texts, pa.ChunkedArray) else [texts]


def buffers(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The value offsets of a string array and the bytes they index (views, no copy)."""
    dtype = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    buffers = texts.buffers()
    if buffers[1] is None:  # an empty array may have no buffers
        return np.zeros(1, dtype=dtype), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(buffers[1], dtype=dtype)[texts.offset:texts.offset + len(texts) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


def lengths(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each value's length in bytes (int64)."""
    if isinstance(texts, pa.ChunkedArray) and texts.num_chunks > 1 and not texts.null_count:
        return pc.binary_length(texts).to_numpy().astype(np.int64, copy=False)  # one kernel call, whatever the chunks
    parts = [np.diff(buffers(chunk)[0]).astype(np.int64, copy=False) for chunk in chunks(texts)]
    return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def first_bytes(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each value's first byte (uint8); 0 for an empty value."""
    parts = []
    for chunk in chunks(texts):
        offsets, data = buffers(chunk)
        if not len(data):
            parts.append(np.zeros(len(chunk), dtype=np.uint8))
            continue
        starts = offsets[:-1]
        # an empty value's start is the next value's (or the end): clipped, then zeroed
        first = data.take(starts, mode="clip")
        first[starts == offsets[1:]] = 0
        parts.append(first)
    return parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)


def _printable(values: np.ndarray) -> bool:
    """Whether every byte is printable ASCII ("!" .. "~")."""
    return not len(values) or bool(values.min() >= _PRINTABLE_FIRST and values.max() <= _PRINTABLE_LAST)


def plain_edges(texts: pa.Array | pa.ChunkedArray) -> bool:
    """Whether no value starts or ends with a byte outside printable ASCII: then trimming
    whitespace changes no value, and no value is whitespace only (an empty value is plain)."""
    for chunk in chunks(texts):
        offsets, data = buffers(chunk)
        if _printable(data[offsets[0]:offsets[-1]]):
            continue  # every byte of every value (the common case: one pass, no gather)
        # each value's first and last byte; an empty value reads a byte of a neighbour (or of
        # the buffer's ends, clipped), which can only make the answer "not plain"
        if not (_printable(data.take(offsets[:-1], mode="clip"))
                and _printable(data.take(offsets[1:] - 1, mode="clip"))):
            return False
    return True
