"""A minimal zip writer for xlsx packages: raw-copied entries, small parts, streamed parts.

Unchanged parts are copied with their compressed bytes as they are (no inflate or
deflate), and big generated parts are deflated in parallel pieces.
"""
from __future__ import annotations

import struct
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from isal import isal_zlib

#: Deflate level for the (big) generated sheet parts, ISA-L's scale (0-3).  Measured on a
#: 117 MB Detail part: ISA-L level 1 takes 0.17 s CPU for 17.2 MB, zlib level 1 0.65 s for
#: 17.9 MB (zlib level 6 is ~3x slower again).  Any inflater reads ISA-L's streams.
SHEET_LEVEL = 1
#: Deflate level for the small rewritten XML parts.
SMALL_PART_LEVEL = 6



class ZipTooLarge(ValueError):
    """A part or the whole package would need zip64, which Excel handles badly."""



_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_EOCD = struct.Struct("<IHHHHIIH")
_LOCAL_SIG, _CENTRAL_SIG, _EOCD_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_U32 = 0xFFFFFFFF
_DOS_1980 = (0, (0 << 9) | (1 << 5) | 1)  # (time, date) of 1980-01-01 00:00:00


def _strip_zip64_extra(extra: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i + 4 <= len(extra):
        hid, size = struct.unpack_from("<HH", extra, i)
        if hid != 0x0001:
            out += extra[i:i + 4 + size]
        i += 4 + size
    return bytes(out)


#: Size of the blocks a streamed part is cut into for the deflate threads.
STREAM_BLOCK = 2 << 20
#: ISA-L's window: each block is primed with the tail of the block before it, so the cut costs no ratio.
_WINDOW = 32 << 10
_thread_compressors = threading.local()
#: A private class of ISA-L (the engine of its `igzip_threaded`); the fallback keeps a future
#: ISA-L without it working, only slower.
_PARALLEL_COMPRESS = getattr(isal_zlib, "_ParallelCompress", None)


def _deflate_block(block: memoryview, previous: memoryview, level: int) -> bytes:
    """Raw deflate of one block, ending on a byte boundary without the final-block bit.

    Such blocks can be concatenated (the pigz technique) and closed with an empty final block.
    ISA-L's `_ParallelCompress` (the engine of its own `igzip_threaded`) releases the GIL while
    it works, so the threads deflate side by side and beside the thread rendering the XML; its
    `compressobj` holds the GIL and ran the threads one at a time.
    """
    if _PARALLEL_COMPRESS is None:          # an ISA-L without it: the same stream, one thread at a time
        c = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15, zdict=bytes(previous[-_WINDOW:]))
        return c.compress(block) + c.flush(isal_zlib.Z_SYNC_FLUSH)
    compressors = _thread_compressors.__dict__
    compressor = compressors.get(level)
    if compressor is None:
        room = STREAM_BLOCK + STREAM_BLOCK // 10 + 500  # deflate never grows a block by more
        compressor = compressors[level] = _PARALLEL_COMPRESS(room, level)
    return compressor.compress_and_crc(block, previous[-_WINDOW:])[0]


_FINAL_EMPTY_BLOCK = b"\x03\x00"


@dataclass
class _Central:
    name: bytes
    made_by: int
    needed: int
    flags: int
    method: int
    time: int
    date: int
    crc: int
    csize: int
    usize: int
    extra: bytes
    comment: bytes
    internal_attr: int
    external_attr: int
    offset: int


class ZipWriter:
    """Minimal zip writer: raw-copied entries, small parts, streamed (parallel-deflated) parts.

    Writes no zip64 records (Excel is picky about them); anything that would
    need them raises ZipTooLarge.
    """

    def __init__(self, fp: BinaryIO, workers: int = 2) -> None:
        self.fp = fp
        self.pos = fp.tell()
        self.entries: list[_Central] = []
        self.workers = max(1, workers)

    def _write(self, data: bytes | memoryview) -> None:
        self.fp.write(data)
        self.pos += len(data)

    def _check32(self, name: str, *values: int) -> None:
        if any(v >= _U32 for v in values):
            raise ZipTooLarge(f"zip entry {name!r} is 4 GB or larger; not supported")

    def copy_raw(self, src: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy one entry's compressed bytes unchanged."""
        src.seek(info.header_offset)
        head = src.read(_LOCAL.size)
        if len(head) != _LOCAL.size:
            raise zipfile.BadZipFile(f"truncated local header of {info.filename!r}")
        fields = _LOCAL.unpack(head)
        if fields[0] != _LOCAL_SIG:
            raise zipfile.BadZipFile(f"bad local header of {info.filename!r}")
        nlen, elen = fields[9], fields[10]
        name = src.read(nlen)
        local_extra = _strip_zip64_extra(src.read(elen))
        self._check32(info.filename, info.compress_size, info.file_size, self.pos)
        flags = info.flag_bits & ~0x08  # sizes go into the header: no data descriptor
        dos_date = ((info.date_time[0] - 1980) << 9) | (info.date_time[1] << 5) | info.date_time[2]
        dos_time = (info.date_time[3] << 11) | (info.date_time[4] << 5) | (info.date_time[5] // 2)
        offset = self.pos
        self._write(_LOCAL.pack(_LOCAL_SIG, info.extract_version, flags, info.compress_type,
                                dos_time, dos_date, info.CRC, info.compress_size, info.file_size,
                                len(name), len(local_extra)))
        self._write(name)
        self._write(local_extra)
        remaining = info.compress_size
        while remaining:
            block = src.read(min(remaining, 1 << 22))
            if not block:
                raise zipfile.BadZipFile(f"truncated data of {info.filename!r}")
            self._write(block)
            remaining -= len(block)
        self.entries.append(_Central(
            name, (info.create_system << 8) | info.create_version, info.extract_version, flags,
            info.compress_type, dos_time, dos_date, info.CRC, info.compress_size, info.file_size,
            _strip_zip64_extra(info.extra), info.comment, info.internal_attr, info.external_attr, offset))

    def _begin(self, name: str) -> tuple[bytes, int]:
        raw = name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        offset = self.pos
        self._check32(name, offset)
        self._write(_LOCAL.pack(_LOCAL_SIG, 20, flags, zipfile.ZIP_DEFLATED, _DOS_1980[0], _DOS_1980[1],
                                0, 0, 0, len(raw), 0))
        self._write(raw)
        return raw, offset

    def _finish(self, name: str, raw: bytes, offset: int, crc: int, csize: int, usize: int) -> None:
        self._check32(name, csize, usize)
        end = self.fp.tell()
        self.fp.seek(offset + 14)
        self.fp.write(struct.pack("<III", crc, csize, usize))
        self.fp.seek(end)
        flags = 0x800 if not name.isascii() else 0
        self.entries.append(_Central(raw, 20, 20, flags, zipfile.ZIP_DEFLATED, _DOS_1980[0], _DOS_1980[1],
                                     crc, csize, usize, b"", b"", 0, 0, offset))

    def write_bytes(self, name: str, data: bytes, level: int = SMALL_PART_LEVEL) -> None:
        raw, offset = self._begin(name)
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        comp = c.compress(data) + c.flush()
        self._write(comp)
        self._finish(name, raw, offset, zlib.crc32(data), len(comp), len(data))

    def write_stream(self, name: str, pieces: Iterable[bytes | memoryview], level: int = SHEET_LEVEL) -> None:
        """Deflate a stream of pieces in blocks of STREAM_BLOCK bytes, in `workers` threads, in order."""
        raw, offset = self._begin(name)
        crc = 0
        usize = 0
        csize = 0
        pending = bytearray()  # small pieces gathered into one block
        previous = memoryview(b"")
        inflight: deque = deque()
        limit = 2 * self.workers

        def drain(keep: int) -> None:
            """Write the deflated blocks in order until at most `keep` are still in flight."""
            nonlocal csize
            while len(inflight) > keep:
                comp = inflight.popleft().result()
                self._write(comp)
                csize += len(comp)

        def submit(block: memoryview) -> None:
            nonlocal previous
            inflight.append(pool.submit(_deflate_block, block, previous, level))
            previous = block
            drain(limit)

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="deflate") as pool:
            try:
                for piece in pieces:
                    n = len(piece)
                    if not n:
                        continue
                    crc = isal_zlib.crc32(piece, crc)
                    usize += n
                    if n < STREAM_BLOCK:
                        pending += piece
                        if len(pending) >= STREAM_BLOCK:
                            submit(memoryview(bytes(pending[:STREAM_BLOCK])))
                            del pending[:STREAM_BLOCK]
                        continue
                    if pending:
                        submit(memoryview(bytes(pending)))
                        pending = bytearray()
                    view = memoryview(piece).cast("B")
                    for start in range(0, n, STREAM_BLOCK):
                        submit(view[start:start + STREAM_BLOCK])
                if pending:
                    submit(memoryview(bytes(pending)))
                drain(0)
            except BaseException:
                for fut in inflight:
                    fut.cancel()
                raise
        self._write(_FINAL_EMPTY_BLOCK)
        csize += len(_FINAL_EMPTY_BLOCK)
        self._finish(name, raw, offset, crc & _U32, csize, usize)

    def close(self, comment: bytes = b"") -> None:
        start = self.pos
        if len(self.entries) >= 0xFFFF:
            raise ZipTooLarge("too many zip entries")
        for e in self.entries:
            self._write(_CENTRAL.pack(_CENTRAL_SIG, e.made_by, e.needed, e.flags, e.method, e.time, e.date,
                                      e.crc, e.csize, e.usize, len(e.name), len(e.extra), len(e.comment),
                                      0, e.internal_attr, e.external_attr, e.offset))
            self._write(e.name)
            self._write(e.extra)
            self._write(e.comment)
        size = self.pos - start
        self._check32("central directory", start, size)
        comment = comment[:0xFFFF]
        self._write(_EOCD.pack(_EOCD_SIG, 0, 0, len(self.entries), len(self.entries), size, start, len(comment)))
        self._write(comment)


