"""Text kept inside a PNG file (an iTXt chunk), so a picture carries the DOT source it was drawn
from: `read_png_text(path.read_bytes(), "dot")` gives it back, and a test can tell whether a
committed picture is the one a snippet of code draws."""
from __future__ import annotations

import struct
import zlib
from typing import Optional

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunks(png: bytes) -> list[tuple[bytes, bytes, int, int]]:
    """(kind, data, start, end) of every chunk; `start`/`end` are byte offsets in `png`."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file: it does not start with the PNG signature.")
    chunks, position = [], len(PNG_SIGNATURE)
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind = png[position + 4:position + 8]
        end = position + 12 + length
        chunks.append((kind, png[position + 8:position + 8 + length], position, end))
        position = end
    return chunks


def with_png_text(png: bytes, keyword: str, text: str) -> bytes:
    """`png` with `text` stored under `keyword` (compressed UTF-8), just after the header."""
    header_end = _chunks(png)[0][3]
    data = keyword.encode("latin-1") + b"\x00" + b"\x01\x00" + b"\x00" + b"\x00" + zlib.compress(text.encode())
    return png[:header_end] + _chunk(b"iTXt", data) + png[header_end:]


def read_png_text(png: bytes, keyword: str) -> Optional[str]:
    """The text stored under `keyword` by `with_png_text`, or None."""
    for kind, data, _, _ in _chunks(png):
        if kind != b"iTXt":
            continue
        name, rest = data.split(b"\x00", 1)
        if name.decode("latin-1") != keyword:
            continue
        compressed, _method = rest[0], rest[1]
        _language, rest = rest[2:].split(b"\x00", 1)
        _translated, body = rest.split(b"\x00", 1)
        return (zlib.decompress(body) if compressed else body).decode("utf-8")
    return None
