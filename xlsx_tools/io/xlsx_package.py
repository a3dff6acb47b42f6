"""Zip / OPC package level of the xlsx graft.

`graft()` writes a copy of an xlsx/xlsm package into an open binary file with
new worksheet parts grafted in.  Every part it does not have to change is
copied *raw*: the compressed bytes go from the source zip to the destination
unchanged (no inflate/deflate), only the zip headers are rebuilt.  The parts
that may change are ``[Content_Types].xml``, the workbook part, its rels,
``styles.xml`` (styles are appended, never altered), plus the replaced sheet
parts; ``calcChain.xml`` is dropped, and so is anything that only a replaced
sheet referenced (its drawings, tables, comments, printer settings).
"""
from __future__ import annotations

import copy
import posixpath
import re
import struct
import zlib
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

from xlsx_tools.io.sheet_xml import CellStyle, SheetXml

# ---------------------------------------------------------------- constants
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"

RT_OFFICE_DOCUMENT = NS_R + "/officeDocument"
RT_WORKSHEET = NS_R + "/worksheet"
RT_STYLES = NS_R + "/styles"
RT_CALC_CHAIN = NS_R + "/calcChain"

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

CONTENT_TYPES = "[Content_Types].xml"
ROOT_RELS = "_rels/.rels"

#: Deflate level for the (big) generated sheet parts; measured: level 1 is ~3x
#: faster than 6 for ~25% bigger output.
SHEET_LEVEL = 1
#: Deflate level for the small rewritten XML parts.
SMALL_PART_LEVEL = 6

_BUILTIN_NUMFMT = {"General": 0, "#,##0": 3, "#,##0.00": 4, "0.00%": 10}
_STYLE_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                "cellStyles", "dxfs", "tableStyles", "colors", "extLst"]
_WB_AFTER_SHEETS = ["functionGroups", "externalReferences"]
_STD_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_DECL_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)")


class PackageError(Exception):
    """The package can't be grafted (not an SpreadsheetML workbook we can edit)."""


class ZipTooLarge(ValueError):
    """A part or the whole package would need zip64, which Excel handles badly."""


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


# ---------------------------------------------------------------- XML helpers
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                          remove_blank_text=False)


def parse_xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def serialize_xml(root: etree._Element, original: bytes | None = None) -> bytes:
    """Serialise `root` keeping the original XML declaration (standalone="yes" by default)."""
    decl = _STD_DECL
    if original:
        m = _DECL_RE.match(original)
        if m and re.search(rb"encoding=[\"'](utf-8|UTF-8)[\"']", m.group(1)):
            decl = m.group(1)
    return decl + b"\r\n" + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def _canon(el: etree._Element) -> tuple:
    """Structural identity of an element, ignoring attribute order and indentation."""
    return (
        el.tag,
        tuple(sorted(el.attrib.items())),
        (el.text or "").strip(),
        tuple(_canon(c) for c in el if isinstance(c.tag, str)),
    )


_XF_FALSE_DEFAULTS = {"pivotButton", "quotePrefix"}


def _canon_xf(el: etree._Element) -> tuple:
    """_canon for cellXfs entries: attributes whose schema default is false may be spelled out."""
    tag, attrs, text, children = _canon(el)
    attrs = tuple((k, v) for k, v in attrs if not (k in _XF_FALSE_DEFAULTS and v in ("0", "false")))
    return tag, attrs, text, children


# ---------------------------------------------------------------- part names
def rels_part_for(part: str) -> str:
    """'xl/workbook.xml' -> 'xl/_rels/workbook.xml.rels'; '' (package) -> '_rels/.rels'."""
    if not part:
        return ROOT_RELS
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def source_of_rels(rels_part: str) -> str | None:
    """Inverse of rels_part_for; None when `rels_part` isn't a rels part name."""
    folder, name = posixpath.split(rels_part)
    if posixpath.basename(folder) != "_rels" or not name.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def resolve_target(source_part: str, target: str) -> str:
    """Absolute part name (no leading '/') of a relationship target."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        path = target[1:]
    else:
        path = posixpath.join(posixpath.dirname(source_part), target)
    path = posixpath.normpath(path)
    return "" if path == "." else path


def relative_target(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


# ---------------------------------------------------------------- rels / content types
@dataclass
class Relationship:
    id: str
    type: str
    target: str
    external: bool
    element: etree._Element


class Relationships:
    """A `.rels` part, editable in place."""

    def __init__(self, data: bytes | None) -> None:
        self.original = data
        if data:
            self.root = parse_xml(data)
        else:
            self.root = etree.Element(_q(NS_PR, "Relationships"), nsmap={None: NS_PR})
        self.changed = data is None

    def __iter__(self) -> Iterator[Relationship]:
        for el in self.root:
            if isinstance(el.tag, str) and etree.QName(el).localname == "Relationship":
                yield Relationship(el.get("Id", ""), el.get("Type", ""), el.get("Target", ""),
                                   el.get("TargetMode") == "External", el)

    def by_id(self, rid: str) -> Relationship | None:
        return next((r for r in self if r.id == rid), None)

    def of_type(self, rtype: str) -> list[Relationship]:
        return [r for r in self if r.type == rtype]

    def new_id(self) -> str:
        used = {r.id for r in self}
        numbers = [int(m.group(1)) for i in used if (m := re.fullmatch(r"rId(\d+)", i))]
        n = max(numbers, default=0) + 1
        while f"rId{n}" in used:
            n += 1
        return f"rId{n}"

    def add(self, rtype: str, target: str) -> str:
        rid = self.new_id()
        el = etree.SubElement(self.root, _q(NS_PR, "Relationship"))
        el.set("Id", rid)
        el.set("Type", rtype)
        el.set("Target", target)
        self.changed = True
        return rid

    def remove(self, rel: Relationship) -> None:
        self.root.remove(rel.element)
        self.changed = True

    def to_bytes(self) -> bytes:
        return serialize_xml(self.root, self.original)


class ContentTypes:
    def __init__(self, data: bytes) -> None:
        self.original = data
        self.root = parse_xml(data)
        self.changed = False

    def _overrides(self) -> dict[str, etree._Element]:
        return {el.get("PartName", "").lower(): el for el in self.root
                if isinstance(el.tag, str) and etree.QName(el).localname == "Override"}

    def content_type(self, part: str) -> str | None:
        el = self._overrides().get("/" + part.lower())
        if el is not None:
            return el.get("ContentType")
        ext = posixpath.splitext(part)[1][1:].lower()
        for d in self.root:
            if isinstance(d.tag, str) and etree.QName(d).localname == "Default" \
                    and d.get("Extension", "").lower() == ext:
                return d.get("ContentType")
        return None

    def set_override(self, part: str, content_type: str) -> None:
        el = self._overrides().get("/" + part.lower())
        if el is not None:
            if el.get("ContentType") != content_type:
                el.set("ContentType", content_type)
                self.changed = True
            return
        el = etree.SubElement(self.root, _q(NS_CT, "Override"))
        el.set("PartName", "/" + part)
        el.set("ContentType", content_type)
        self.changed = True

    def remove_override(self, part: str) -> None:
        el = self._overrides().get("/" + part.lower())
        if el is not None:
            self.root.remove(el)
            self.changed = True

    def to_bytes(self) -> bytes:
        return serialize_xml(self.root, self.original)


# ---------------------------------------------------------------- source package
class SourcePackage:
    """Read access to the source zip: part bytes, raw entries, the workbook part."""

    def __init__(self, fp: BinaryIO) -> None:
        self.fp = fp
        self.zip = zipfile.ZipFile(fp)
        self.infos = self.zip.infolist()
        self._by_lower: dict[str, zipfile.ZipInfo] = {}
        for info in self.infos:
            self._by_lower.setdefault(info.filename.lower(), info)
        self.comment = self.zip.comment
        if self.find(CONTENT_TYPES) is None:
            raise PackageError("no [Content_Types].xml")
        self.workbook_part = self._find_workbook_part()

    def find(self, part: str) -> str | None:
        info = self._by_lower.get(part.lower())
        return info.filename if info is not None else None

    def has(self, part: str) -> bool:
        return part.lower() in self._by_lower

    def read(self, part: str) -> bytes | None:
        info = self._by_lower.get(part.lower())
        return self.zip.read(info) if info is not None else None

    def info(self, part: str) -> zipfile.ZipInfo:
        return self._by_lower[part.lower()]

    def _find_workbook_part(self) -> str:
        data = self.read(ROOT_RELS)
        if data:
            for rel in Relationships(data):
                if rel.type in (RT_OFFICE_DOCUMENT,
                                "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument") \
                        and not rel.external:
                    part = resolve_target("", rel.target)
                    found = self.find(part)
                    if found:
                        return found
        found = self.find("xl/workbook.xml")
        if found:
            return found
        raise PackageError("no workbook part")

    def relationship_graph(self) -> dict[str, list[str]]:
        """part -> internal target parts (actual zip names), from every .rels part."""
        graph: dict[str, list[str]] = {}
        for info in self.infos:
            src = source_of_rels(info.filename)
            if src is None:
                continue
            try:
                rels = Relationships(self.zip.read(info))
            except etree.XMLSyntaxError:
                continue
            targets = []
            for rel in rels:
                if rel.external:
                    continue
                found = self.find(resolve_target(src, rel.target))
                if found:
                    targets.append(found)
            graph[src] = targets
        return graph


def _reachable(graph: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get("", []))
    while todo:
        part = todo.pop()
        if part in seen:
            continue
        seen.add(part)
        todo.extend(graph.get(part, []))
    return seen


# ---------------------------------------------------------------- zip writer
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


def _deflate_piece(data: bytes | memoryview, level: int) -> bytes:
    """Raw deflate of one piece, ending on a byte boundary without the final-block bit.

    Such pieces can be concatenated (the pigz technique) and closed with an
    empty final block, so pieces are compressed in parallel threads.
    """
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_SYNC_FLUSH)


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
        """Deflate a stream of pieces, in `workers` threads, in order."""
        raw, offset = self._begin(name)
        crc = 0
        usize = 0
        csize = 0
        small = bytearray()
        inflight: deque = deque()
        limit = self.workers + 1

        def drain(keep: int) -> None:
            nonlocal csize
            while len(inflight) > keep:
                comp = inflight.popleft().result()
                self._write(comp)
                csize += len(comp)

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="deflate") as pool:
            try:
                for piece in pieces:
                    n = len(piece)
                    if not n:
                        continue
                    crc = zlib.crc32(piece, crc)
                    usize += n
                    if n < (1 << 20):  # batch small pieces
                        small += piece
                        if len(small) < (1 << 20):
                            continue
                        piece, small = bytes(small), bytearray()
                    elif small:
                        inflight.append(pool.submit(_deflate_piece, bytes(small), level))
                        small = bytearray()
                    inflight.append(pool.submit(_deflate_piece, piece, level))
                    drain(limit)
                if small:
                    inflight.append(pool.submit(_deflate_piece, bytes(small), level))
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


# ---------------------------------------------------------------- styles
def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


class _StyleSheet:
    """Append-only editor of styles.xml."""

    def __init__(self, data: bytes | None) -> None:
        self.original = data
        if data:
            self.root = parse_xml(data)
            self.ns = etree.QName(self.root).namespace or NS_MAIN
        else:
            self.ns = NS_MAIN
            self.root = etree.Element(_q(NS_MAIN, "styleSheet"), nsmap={None: NS_MAIN})
        self.changed = data is None
        self.touched: set[str] = set()

    def _el(self, tag: str) -> etree._Element:
        return etree.Element(_q(self.ns, tag))

    def container(self, tag: str) -> etree._Element:
        found = self.root.find(_q(self.ns, tag))
        if found is not None:
            return found
        el = self._el(tag)
        later = _STYLE_ORDER[_STYLE_ORDER.index(tag) + 1:]
        for i, child in enumerate(self.root):
            if isinstance(child.tag, str) and _local(child) in later:
                self.root.insert(i, el)
                break
        else:
            self.root.append(el)
        self.changed = True
        self.touched.add(tag)
        return el

    def items(self, tag: str) -> list[etree._Element]:
        return [c for c in self.container(tag) if isinstance(c.tag, str)]

    def append(self, tag: str, el: etree._Element) -> int:
        box = self.container(tag)
        box.append(el)
        self.changed = True
        self.touched.add(tag)
        return len(self.items(tag)) - 1

    def find_or_append(self, tag: str, el: etree._Element) -> int:
        canon = _canon_xf if tag == "cellXfs" else _canon
        key = canon(el)
        for i, existing in enumerate(self.items(tag)):
            if canon(existing) == key:
                return i
        return self.append(tag, el)

    def ensure_defaults(self) -> None:
        if not self.items("fonts"):
            font = self._el("font")
            for tag, attrs in (("sz", {"val": "11"}), ("color", {"theme": "1"}), ("name", {"val": "Calibri"}),
                               ("family", {"val": "2"}), ("scheme", {"val": "minor"})):
                etree.SubElement(font, _q(self.ns, tag), attrs)
            self.append("fonts", font)
        fills = self.items("fills")
        for i, pattern in enumerate(("none", "gray125")):
            if len(fills) <= i:
                fill = self._el("fill")
                etree.SubElement(fill, _q(self.ns, "patternFill"), {"patternType": pattern})
                self.append("fills", fill)
                fills = self.items("fills")
        if not self.items("borders"):
            border = self._el("border")
            for side in ("left", "right", "top", "bottom", "diagonal"):
                etree.SubElement(border, _q(self.ns, side))
            self.append("borders", border)
        if not self.items("cellStyleXfs"):
            self.append("cellStyleXfs", self._xf({"numFmtId": "0", "fontId": "0", "fillId": "0",
                                                  "borderId": "0"}))
        if not self.items("cellXfs"):
            self.append("cellXfs", self._xf({"numFmtId": "0", "fontId": "0", "fillId": "0",
                                             "borderId": "0", "xfId": "0"}))

    def _xf(self, attrs: dict[str, str]) -> etree._Element:
        el = self._el("xf")
        for k, v in attrs.items():
            el.set(k, v)
        return el

    def num_fmt_id(self, code: str | None) -> int:
        if code is None:
            return 0
        if code in _BUILTIN_NUMFMT:
            return _BUILTIN_NUMFMT[code]
        existing = self.root.find(_q(self.ns, "numFmts"))
        ids = []
        if existing is not None:
            for nf in existing:
                if not isinstance(nf.tag, str):
                    continue
                if nf.get("formatCode") == code:
                    return int(nf.get("numFmtId"))
                try:
                    ids.append(int(nf.get("numFmtId", "0")))
                except ValueError:
                    pass
        new_id = max(ids + [163]) + 1
        nf = self._el("numFmt")
        nf.set("numFmtId", str(new_id))
        nf.set("formatCode", code)
        self.append("numFmts", nf)
        return new_id

    def bold_font_id(self) -> int:
        base = self.items("fonts")[0]
        font = copy.deepcopy(base)
        font.tail = None
        for b in font.findall(_q(self.ns, "b")):
            font.remove(b)
        font.text = None
        for child in font:
            child.tail = None
        font.insert(0, self._el("b"))
        return self.find_or_append("fonts", font)

    def fill_id(self, argb: str) -> int:
        fill = self._el("fill")
        pattern = etree.SubElement(fill, _q(self.ns, "patternFill"), {"patternType": "solid"})
        etree.SubElement(pattern, _q(self.ns, "fgColor"), {"rgb": argb})
        etree.SubElement(pattern, _q(self.ns, "bgColor"), {"indexed": "64"})
        return self.find_or_append("fills", fill)

    def xf_id(self, style: CellStyle) -> int:
        num = self.num_fmt_id(style.num_format)
        font = self.bold_font_id() if style.bold else 0
        fill = self.fill_id(style.fill) if style.fill else 0
        attrs = {"numFmtId": str(num), "fontId": str(font), "fillId": str(fill), "borderId": "0", "xfId": "0"}
        if num:
            attrs["applyNumberFormat"] = "1"
        if style.bold:
            attrs["applyFont"] = "1"
        if fill:
            attrs["applyFill"] = "1"
        return self.find_or_append("cellXfs", self._xf(attrs))

    def to_bytes(self) -> bytes:
        for tag in self.touched:
            box = self.root.find(_q(self.ns, tag))
            if box is not None:
                box.set("count", str(len([c for c in box if isinstance(c.tag, str)])))
        return serialize_xml(self.root, self.original)


def merge_styles(data: bytes | None, needed: Iterable[CellStyle]) -> tuple[bytes | None, dict[CellStyle, int]]:
    """Append what `needed` requires to styles.xml.

    Returns (new styles.xml bytes, or None when nothing had to be added; the
    cellXfs index of each style).  Existing entries are never modified and keep
    their indices; identical existing entries are reused, so merging the same
    styles twice adds nothing the second time.
    """
    sheet = _StyleSheet(data)
    if sheet.ns not in (NS_MAIN,):
        raise PackageError("styles.xml is not transitional SpreadsheetML")
    sheet.ensure_defaults()
    mapping = {style: sheet.xf_id(style) for style in sorted(set(needed), key=repr)}
    return (sheet.to_bytes() if sheet.changed else None), mapping


# ---------------------------------------------------------------- the graft
@dataclass
class StagedSheet:
    sheet: SheetXml
    replaces: str | None = None


@dataclass
class _SheetEntry:
    element: etree._Element
    name: str
    rel: Relationship | None
    part: str | None  # actual zip name


@dataclass
class _Plan:
    staged: StagedSheet
    entry: _SheetEntry | None = None  # replaced sheet, None = appended
    part: str = ""
    reuse_part: bool = False
    index: int = -1
    element: etree._Element | None = None


def _fold(name: str) -> str:
    return name.strip().casefold()


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def graft(src_fp: BinaryIO, dst_fp: BinaryIO, staged: list[StagedSheet],
          progress: Callable[[str], None] | None = None, workers: int = 2) -> None:
    """Write the source package to `dst_fp` with the staged sheets grafted in."""
    say = progress or (lambda _msg: None)
    pkg = SourcePackage(src_fp)
    out = ZipWriter(dst_fp, workers=workers)
    if not staged:
        for info in pkg.infos:
            out.copy_raw(src_fp, info)
        out.close(pkg.comment)
        return

    wb_part = pkg.workbook_part
    wb_original = pkg.read(wb_part)
    wb = parse_xml(wb_original)
    if etree.QName(wb).namespace != NS_MAIN:
        raise PackageError("strict")
    wb_rels_part = pkg.find(rels_part_for(wb_part)) or rels_part_for(wb_part)
    wb_rels = Relationships(pkg.read(wb_rels_part))
    ct = ContentTypes(pkg.read(CONTENT_TYPES))
    graph = pkg.relationship_graph()
    before = _reachable(graph)

    sheets_el = wb.find(_q(NS_MAIN, "sheets"))
    if sheets_el is None:
        sheets_el = etree.SubElement(wb, _q(NS_MAIN, "sheets"))
    entries: list[_SheetEntry] = []
    for el in sheets_el.findall(_q(NS_MAIN, "sheet")):
        rel = wb_rels.by_id(el.get(_q(NS_R, "id"), ""))
        part = pkg.find(resolve_target(wb_part, rel.target)) if rel is not None and not rel.external else None
        entries.append(_SheetEntry(el, el.get("name", ""), rel, part))
    old_index = {id(e): i for i, e in enumerate(entries)}
    wb_pr = wb.find(_q(NS_MAIN, "workbookPr"))
    date1904 = wb_pr is not None and wb_pr.get("date1904", "0").lower() in ("1", "true")
    for s in staged:
        if s.sheet.date1904 != date1904:
            s.sheet = SheetXml(s.sheet.table, date1904=date1904)

    # ---- which existing sheet does each staged table replace?
    by_name = {_fold(e.name): e for e in entries}
    plans: list[_Plan] = []
    claimed: dict[int, str] = {}
    for s in staged:
        target = None
        if s.replaces is not None:
            target = by_name.get(_fold(s.replaces))
        if target is None:
            target = by_name.get(_fold(s.sheet.name))
        if target is not None:
            if id(target) in claimed:
                raise ValueError(f"sheets {claimed[id(target)]!r} and {s.sheet.name!r} both replace {target.name!r}")
            claimed[id(target)] = s.sheet.name
        plans.append(_Plan(s, target))
    # an existing sheet that carries a staged table's name but is replaced by nothing
    # would duplicate that name: it is an old tool-owned output and goes away.
    removed: list[_SheetEntry] = []
    for plan in plans:
        other = by_name.get(_fold(plan.staged.sheet.name))
        if other is not None and other is not plan.entry and id(other) not in claimed:
            removed.append(other)
            claimed[id(other)] = plan.staged.sheet.name
    removed_ids = {id(e) for e in removed}

    # ---- workbook.xml: sheets
    for e in removed:
        sheets_el.remove(e.element)
        if e.rel is not None and not any(o.rel is not None and o.rel.id == e.rel.id
                                         for o in entries if id(o) not in removed_ids):
            wb_rels.remove(e.rel)
    ws_folder = posixpath.join(posixpath.dirname(wb_part), "worksheets")
    taken = {i.filename.lower() for i in pkg.infos}
    next_n = 1
    for name in taken:
        m = re.fullmatch(re.escape(ws_folder.lower()) + r"/sheet(\d+)\.xml", name)
        if m:
            next_n = max(next_n, int(m.group(1)) + 1)

    def new_part() -> str:
        nonlocal next_n
        while True:
            part = f"{ws_folder}/sheet{next_n}.xml"
            next_n += 1
            if part.lower() not in taken:
                taken.add(part.lower())
                return part

    sheet_ids = [int(e.element.get("sheetId", "0") or 0) for e in entries]
    next_sheet_id = max(sheet_ids, default=0) + 1
    for plan in plans:
        name = plan.staged.sheet.name
        if plan.entry is not None:
            e = plan.entry
            plan.element = e.element
            e.element.set("name", name)
            if e.rel is not None and e.rel.type == RT_WORKSHEET and e.part is not None \
                    and ct.content_type(e.part) == CT_WORKSHEET:
                plan.part, plan.reuse_part = e.part, True
            else:
                plan.part = new_part()
                if e.rel is not None and not e.rel.external:
                    e.rel.element.set("Type", RT_WORKSHEET)
                    e.rel.element.set("Target", relative_target(wb_part, plan.part))
                    e.rel.element.attrib.pop("TargetMode", None)
                    wb_rels.changed = True
                else:
                    rid = wb_rels.add(RT_WORKSHEET, relative_target(wb_part, plan.part))
                    e.element.set(_q(NS_R, "id"), rid)
                ct.set_override(plan.part, CT_WORKSHEET)
        else:
            plan.part = new_part()
            rid = wb_rels.add(RT_WORKSHEET, relative_target(wb_part, plan.part))
            el = etree.SubElement(sheets_el, _q(NS_MAIN, "sheet"))
            el.set("name", name)
            el.set("sheetId", str(next_sheet_id))
            next_sheet_id += 1
            el.set(_q(NS_R, "id"), rid)
            plan.element = el
            ct.set_override(plan.part, CT_WORKSHEET)
    final_sheets = sheets_el.findall(_q(NS_MAIN, "sheet"))
    final_index = {id(el): i for i, el in enumerate(final_sheets)}
    for plan in plans:
        plan.index = final_index[id(plan.element)]

    # ---- sheet-index-bound things: defined names, active tab
    remap: dict[int, int | None] = {}
    for e in entries:
        i = old_index[id(e)]
        remap[i] = None if id(e) in removed_ids else final_index[id(e.element)]
    _update_defined_names(wb, remap, plans)
    active = _update_book_views(wb, remap, len(final_sheets))

    # ---- calcChain goes
    for rel in wb_rels.of_type(RT_CALC_CHAIN):
        wb_rels.remove(rel)

    # ---- styles
    needed: set[CellStyle] = set()
    for plan in plans:
        needed |= plan.staged.sheet.styles_needed()
    style_rels = [r for r in wb_rels.of_type(RT_STYLES) if not r.external]
    styles_part = pkg.find(resolve_target(wb_part, style_rels[0].target)) if style_rels else None
    if styles_part is None and not style_rels:
        # an unreferenced xl/styles.xml: adopt it (some readers look for that name only)
        orphan = pkg.find(posixpath.join(posixpath.dirname(wb_part), "styles.xml"))
        if orphan is not None and orphan not in before:
            styles_part = orphan
            wb_rels.add(RT_STYLES, relative_target(wb_part, orphan))
            ct.set_override(orphan, CT_STYLES)
    new_styles_part = None
    styles_bytes, xf = merge_styles(pkg.read(styles_part) if styles_part else None, needed)
    if styles_part is None:
        new_styles_part = posixpath.join(posixpath.dirname(wb_part), "styles.xml")
        while new_styles_part.lower() in taken:
            new_styles_part = new_styles_part[:-4] + "1.xml"
        taken.add(new_styles_part.lower())
        if style_rels:
            style_rels[0].element.set("Target", relative_target(wb_part, new_styles_part))
            wb_rels.changed = True
        else:
            wb_rels.add(RT_STYLES, relative_target(wb_part, new_styles_part))
        ct.set_override(new_styles_part, CT_STYLES)

    # ---- what is no longer referenced
    reused = {plan.part for plan in plans if plan.reuse_part}
    after_graph = {k: list(v) for k, v in graph.items()}
    for part in reused:
        after_graph[part] = []
    wb_targets = []
    for rel in wb_rels:
        if not rel.external:
            found = pkg.find(resolve_target(wb_part, rel.target))
            if found:
                wb_targets.append(found)
    after_graph[wb_part] = wb_targets
    after = _reachable(after_graph)
    dropped = {p for p in before - after if pkg.has(p)}
    drop_entries = set(dropped)
    for part in dropped | reused:
        rels = pkg.find(rels_part_for(part))
        if rels:
            drop_entries.add(rels)
    for part in dropped:
        ct.remove_override(part)

    replaced_parts = {plan.part: plan for plan in plans if plan.reuse_part}
    changed: dict[str, bytes] = {
        wb_part: serialize_xml(wb, wb_original),
    }
    if wb_rels.changed:
        changed[wb_rels_part] = wb_rels.to_bytes()
    if ct.changed:
        changed[CONTENT_TYPES] = ct.to_bytes()
    if styles_part is not None and styles_bytes is not None:
        changed[styles_part] = styles_bytes

    def write_sheet(plan: _Plan) -> None:
        say(f"writing {plan.staged.sheet.name} …")
        pieces = plan.staged.sheet.render(xf, tab_selected=plan.index == active)
        out.write_stream(plan.part, pieces)

    say("copying workbook parts …")
    for info in pkg.infos:
        name = info.filename
        if name in drop_entries:
            continue
        if name in replaced_parts:
            write_sheet(replaced_parts.pop(name))
        elif name in changed:
            out.write_bytes(name, changed.pop(name))
        else:
            out.copy_raw(src_fp, info)
    if wb_rels_part in changed:  # a workbook without rels part
        out.write_bytes(wb_rels_part, changed.pop(wb_rels_part))
    if new_styles_part is not None:
        out.write_bytes(new_styles_part, styles_bytes or b"")
    for plan in plans:
        if not plan.reuse_part:
            write_sheet(plan)
    out.close(pkg.comment)


def _update_defined_names(wb: etree._Element, remap: Mapping[int, int | None], plans: list[_Plan]) -> None:
    """Follow sheet moves/removals in localSheetId; one _xlnm._FilterDatabase per written sheet."""
    defined = wb.find(_q(NS_MAIN, "definedNames"))
    if defined is not None:
        for dn in list(defined):
            if not isinstance(dn.tag, str) or dn.get("localSheetId") is None:
                continue
            try:
                local = int(dn.get("localSheetId"))
            except ValueError:
                continue
            new = remap.get(local, local)
            if new is None:
                defined.remove(dn)
            elif new != local:
                dn.set("localSheetId", str(new))
    written = {plan.index: plan for plan in plans}
    filtered: set[int] = set()
    if defined is not None:
        for dn in list(defined):
            if not isinstance(dn.tag, str) or dn.get("name") != "_xlnm._FilterDatabase":
                continue
            try:
                local = int(dn.get("localSheetId", ""))
            except ValueError:
                continue
            plan = written.get(local)
            if plan is None:
                continue
            if _wants_filter(plan) and local not in filtered:
                dn.text = _filter_ref(plan)
                dn.set("hidden", "1")
                filtered.add(local)
            else:
                defined.remove(dn)
    for plan in plans:
        if _wants_filter(plan) and plan.index not in filtered:
            if defined is None:
                defined = _insert_defined_names(wb)
            dn = etree.SubElement(defined, _q(NS_MAIN, "definedName"))
            dn.set("name", "_xlnm._FilterDatabase")
            dn.set("localSheetId", str(plan.index))
            dn.set("hidden", "1")
            dn.text = _filter_ref(plan)
    if defined is not None and not len(defined):
        wb.remove(defined)


def _update_book_views(wb: etree._Element, remap: Mapping[int, int | None], nsheets: int) -> int:
    """Keep activeTab/firstSheet on the same sheets; returns the active tab index."""
    active = 0
    views = wb.find(_q(NS_MAIN, "bookViews"))
    if views is None:
        return active
    for k, view in enumerate(views.findall(_q(NS_MAIN, "workbookView"))):
        for attr in ("activeTab", "firstSheet"):
            if view.get(attr) is None:
                continue
            try:
                old = int(view.get(attr))
            except ValueError:
                continue
            new = remap.get(old, old)
            if new is None:  # the sheet went away: nearest surviving sheet at or before it
                new = next((remap[i] for i in range(old, -1, -1) if remap.get(i) is not None), 0)
            new = max(0, min(new, nsheets - 1))
            if new != old:
                view.set(attr, str(new))
            if k == 0 and attr == "activeTab":
                active = new
    return active


def _wants_filter(plan: _Plan) -> bool:
    return bool(plan.staged.sheet.table.autofilter and plan.staged.sheet.ncols)


def _filter_ref(plan: _Plan) -> str:
    sheet = plan.staged.sheet
    last = sheet.letters[-1]
    return f"{_quote_sheet(sheet.name)}!$A$1:${last}${sheet.last_row}"


def _insert_defined_names(wb: etree._Element) -> etree._Element:
    el = etree.Element(_q(NS_MAIN, "definedNames"))
    anchor = wb.find(_q(NS_MAIN, "sheets"))
    for tag in _WB_AFTER_SHEETS:
        found = wb.find(_q(NS_MAIN, tag))
        if found is not None:
            anchor = found
    anchor.addnext(el)
    return el
