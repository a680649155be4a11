"""The Office package writer: parts from pieces compressed apart, as a zip any reader takes."""

from __future__ import annotations

import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.errors import InputError
from tracker.reports import package


@given(st.binary(max_size=300), st.binary(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_crc32_combine_is_the_crc_of_both(a: bytes, b: bytes) -> None:
    assert package.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


def test_crc32_combine_over_long_lengths() -> None:
    """Lengths with high bits set (a hundred megabytes of Word XML) move the CRC correctly."""
    a, b = b"head", bytes(range(256)) * 40_000  # 10 MB
    assert package.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@given(st.lists(st.lists(st.binary(max_size=2000), max_size=4), max_size=5))
@settings(max_examples=60, deadline=None)
def test_pieces_laid_end_to_end_read_back_whole(tmp_path_factory, pieces: list[list[bytes]]) -> None:  # type: ignore[no-untyped-def]
    """Whatever the pieces (none, empty ones, many chunks), zipfile reads the part back as their
    bytes in order and its CRC checks out."""
    path = tmp_path_factory.mktemp("pkg") / "p.zip"
    parts = [package.Part("a.xml", (2024, 5, 6, 7, 8, 10), 0o644 << 16, [package.deflated(p) for p in pieces]),
             package.Part("docProps/中文.xml", (2023, 12, 31, 23, 59, 58), 0, [package.deflated([b"<x/>"])])]
    package.write(path, parts)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert z.namelist() == ["a.xml", "docProps/中文.xml"]
        assert z.read("a.xml") == b"".join(b"".join(p) for p in pieces)
        info = z.getinfo("a.xml")
        assert info.date_time == (2024, 5, 6, 7, 8, 10) and info.external_attr == 0o644 << 16
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_a_part_past_what_zip_can_say_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A part of 4 GiB or more needs zip64, which the writer does not write: refused in Chinese."""
    huge = package.Piece(b"", 0, 1 << 32)
    with pytest.raises(InputError, match="报告过大"):
        package.write(tmp_path / "p.zip", [package.Part("a.xml", (2024, 1, 1, 0, 0, 0), 0, [huge])])
