"""Office packages (the zip files behind .docx and .xlsx) written from parts compressed in pieces.

A big part of a report (the Word body, a workbook's sheet rows) is made in two halves, the
second by a forked child (``tracker.parallel``). Each half is compressed where it is made, as a
``Piece``: raw deflate blocks that end on a byte boundary and are not the last (a sync flush),
with the CRC-32 and length of what they hold. Pieces laid end to end, with an empty last block
after them, are one valid deflate stream (they never refer back past their own start), and their
CRC-32s combine without the data (``crc32_combine``). So the parent never compresses what the
child made, and ``write`` lays out the archive itself: Python's zipfile only takes data to
compress.

The archive is plain zip as APPNOTE describes it (deflate, sizes in the local headers, no data
descriptors, no zip64): a part or an archive of 4 GiB or more is refused.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from tracker.errors import InputError

# Deflate level of the Word and Excel packages. A year-end report of 10,000 rows is about 90 MB
# of Word XML: level 1 compresses it in half the time of zlib's default 6, and the file grows
# by about half (2.4 MB here), still small enough to mail or upload.
PACKAGE_COMPRESSLEVEL = 1
_LIMIT = 0xFFFFFFFF  # sizes and offsets of a zip without zip64
_POLY = 0xEDB88320  # CRC-32, bits reversed


class Piece:
    """Part of a part, compressed: deflate blocks ending on a byte boundary, none the last."""

    __slots__ = ("data", "crc", "size")

    def __init__(self, data: bytes, crc: int, size: int) -> None:
        self.data, self.crc, self.size = data, crc, size


def deflated(chunks: Iterable[bytes], level: int = PACKAGE_COMPRESSLEVEL) -> Piece:
    """``chunks`` one after the other, compressed as one piece."""
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in chunks:
        out.append(c.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    out.append(c.flush(zlib.Z_SYNC_FLUSH))
    return Piece(b"".join(out), crc, size)


_LAST = b"\x03\x00"  # an empty final block (fixed Huffman codes): what ends the stream


def _times_mod_p(a: int, b: int) -> int:
    """a(x)·b(x) modulo the CRC-32 polynomial, both in the reversed bit order of the CRC."""
    product, bit = 0, 1 << 31  # bit 31 is x^0
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _squares() -> list[int]:
    """x^(2^k) modulo the polynomial, for k = 0…31 (x is bit 30)."""
    out = [1 << 30]
    for _ in range(31):
        out.append(_times_mod_p(out[-1], out[-1]))
    return out


_SQUARES = _squares()


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A followed by B, from A's, B's and B's length in bytes: A's CRC moved on by
    8·len2 zero bits (a multiplication by x^(8·len2)), plus B's."""
    shift, k, n = 1 << 31, 3, len2  # x^0; 8·len2 = len2·2^3
    while n:
        if n & 1:
            shift = _times_mod_p(_SQUARES[k % 32], shift)
        n >>= 1
        k += 1
    return _times_mod_p(shift, crc1) ^ crc2


class Part:
    """One file of the package: its name, date and time, Unix mode bits and pieces."""

    __slots__ = ("name", "date_time", "external_attr", "pieces")

    def __init__(self, name: str, date_time: tuple[int, int, int, int, int, int], external_attr: int,
                 pieces: list[Piece]) -> None:
        self.name, self.date_time, self.external_attr, self.pieces = name, date_time, external_attr, pieces


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def rewrite(saved: bytes, path: Path, pieces: Callable[[str, bytes], list[Piece] | None]) -> None:
    """The package ``saved`` (as python-docx or openpyxl wrote it) at ``path``, each part in the
    pieces ``pieces(name, data)`` gives, or as it is when that gives None."""
    import io
    import zipfile

    parts = []
    with zipfile.ZipFile(io.BytesIO(saved)) as src:
        for info in src.infolist():
            data = src.read(info.filename)
            made = pieces(info.filename, data)
            parts.append(Part(info.filename, info.date_time, info.external_attr,
                              made if made is not None else [deflated([data])]))
    write(path, parts)


def write(path: Path, parts: list[Part]) -> None:
    """The package of ``parts``, in their order, as a zip file at ``path``."""
    if len(parts) > 0xFFFF:
        raise InputError(f"报告过大，无法写成文件（{len(parts)} 个部件）")
    central: list[bytes] = []
    offset = 0
    with open(path, "wb") as out:
        for p in parts:
            crc, size = 0, 0
            for piece in p.pieces:
                crc, size = crc32_combine(crc, piece.crc, piece.size), size + piece.size
            data = b"".join([piece.data for piece in p.pieces] + [_LAST])
            name = p.name.encode("utf-8")
            flags = 0 if p.name.isascii() else 0x800  # bit 11: the name is UTF-8
            mtime, mdate = _dos(p.date_time)
            if max(size, len(data), offset) > _LIMIT:
                raise InputError(f"报告过大，无法写成文件（{p.name}：{size} 字节）")
            out.write(struct.pack("<4sHHHHHLLLHH", b"PK\x03\x04", 20, flags, 8, mtime, mdate, crc, len(data),
                                  size, len(name), 0))
            out.write(name)
            out.write(data)
            central.append(struct.pack("<4sHHHHHHLLLHHHHHLL", b"PK\x01\x02", (3 << 8) | 20, 20, flags, 8, mtime,
                                       mdate, crc, len(data), size, len(name), 0, 0, 0, 0, p.external_attr,
                                       offset) + name)
            offset += 30 + len(name) + len(data)
        directory = b"".join(central)
        if offset + len(directory) > _LIMIT:
            raise InputError("报告过大，无法写成文件")
        out.write(directory)
        out.write(struct.pack("<4sHHHHLLH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory), offset, 0))
