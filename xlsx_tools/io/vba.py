"""Build an Excel VBA project binary (``xl/vbaProject.bin``) from module source text.

Pure Python, no Excel needed, so ``.xlsm`` files can be produced on Linux.
Written from the public specifications:

* [MS-OVBA] (VBA File Format): the ``PROJECT``, ``PROJECTwm``, ``VBA/dir``,
  ``VBA/_VBA_PROJECT`` and module streams, the compression algorithm (2.4.1)
  and the data encryption used by the ``CMG``/``DPB``/``GC`` lines (2.4.3).
* [MS-CFB] (Compound File Binary format), version 3, 512-byte sectors.

The project carries source code only: no p-code / performance cache
(``_VBA_PROJECT`` version 0xFFFF, every ``MODULEOFFSET`` 0), so the host
compiles the modules from source when the workbook is opened.
The output is deterministic: the same inputs give byte-identical bytes.
"""

from __future__ import annotations

import codecs
import re
import struct
import uuid
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Literal, Sequence

__all__ = ["VbaModule", "build_vba_project", "read_bas", "compress", "decompress"]


@dataclass(frozen=True)
class VbaModule:
    """One VBA module.

    ``source`` is the code without the ``Attribute VB_Name`` header: the
    builder writes the module attributes itself.  ``kind="document"`` is the
    code module behind ``ThisWorkbook`` or a worksheet (its name must match
    the workbook's / worksheet's ``codeName``).
    """

    name: str
    source: str
    kind: Literal["standard", "document"] = "standard"


# --------------------------------------------------------------------------
# [MS-OVBA] 2.4.1 compression
# --------------------------------------------------------------------------

_CHUNK = 4096
_MAX_CANDIDATES = 64  # match candidates tried per position; bounds time on repetitive data


def _bit_count(difference: int) -> int:
    """Bits of a CopyToken used for the offset, given the bytes already decompressed in the chunk (2.4.1.3.19.1)."""
    return max(4, (difference - 1).bit_length())


def compress(data: bytes) -> bytes:
    """Compress ``data`` into an [MS-OVBA] 2.4.1 CompressedContainer."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start : start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """Compress one decompressed chunk (at most 4096 bytes) into a CompressedChunk with its header."""
    body = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in this chunk
    pos, end = 0, len(chunk)

    def remember(start: int, stop: int) -> None:
        for p in range(start, min(stop, end - 2)):
            seen.setdefault(chunk[p : p + 3], []).append(p)

    while pos < end:
        flag_at = len(body)
        body.append(0)
        for bit in range(8):
            if pos >= end:
                break
            bit_count = _bit_count(pos)
            max_len = min((0xFFFF >> bit_count) + 3, end - pos)
            best_len = best_off = 0
            for cand in reversed(seen.get(chunk[pos : pos + 3], ())[-_MAX_CANDIDATES:]):
                length = 3
                while length < max_len and chunk[cand + length] == chunk[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - cand
                    if length == max_len:
                        break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                body += token.to_bytes(2, "little")
                body[flag_at] |= 1 << bit
                remember(pos, pos + best_len)
                pos += best_len
            else:
                body.append(chunk[pos])
                remember(pos, pos + 1)
                pos += 1
    if len(body) > _CHUNK:
        # Incompressible: a raw chunk always holds 4096 bytes (zero-padded per 2.4.1.3.10).
        return (0x3FFF).to_bytes(2, "little") + chunk.ljust(_CHUNK, b"\x00")
    header = (len(body) + 2 - 3) | 0x3000 | 0x8000
    return header.to_bytes(2, "little") + bytes(body)


def decompress(data: bytes) -> bytes:
    """Decompress an [MS-OVBA] 2.4.1 CompressedContainer; raise ValueError if it is malformed."""
    if not data or data[0] != 0x01:
        raise ValueError("not a VBA compressed container (signature byte must be 0x01)")
    out = bytearray()
    pos = 1
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError(f"truncated chunk header at offset {pos}")
        header = int.from_bytes(data[pos : pos + 2], "little")
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError(f"bad chunk signature at offset {pos}")
        chunk_end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        if not header & 0x8000:
            out += data[pos : pos + _CHUNK]
            pos += _CHUNK
            continue
        chunk_start = len(out)
        while pos < chunk_end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= chunk_end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > chunk_end:
                    raise ValueError(f"truncated copy token at offset {pos}")
                token = int.from_bytes(data[pos : pos + 2], "little")
                pos += 2
                difference = len(out) - chunk_start
                bit_count = _bit_count(difference)
                length = (token & (0xFFFF >> bit_count)) + 3
                offset = (token >> (16 - bit_count)) + 1
                if offset > difference:
                    raise ValueError(f"copy token points before the chunk start at offset {pos - 2}")
                source = out[len(out) - offset :]
                out += (source * (length // offset + 1))[:length]
    return bytes(out)


# --------------------------------------------------------------------------
# Module text
# --------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_MODULE_ATTRIBUTE = re.compile(r"^[ \t]*Attribute[ \t]+(VB_\w+)[ \t]*=", re.IGNORECASE | re.MULTILINE)
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"  # Excel Workbook coclass
_WORKSHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"  # Excel Worksheet coclass


def _attributes(module: VbaModule) -> list[tuple[str, str]]:
    """The module-level attributes the VBA editor writes for this kind of module."""
    attrs = [("VB_Name", f'"{module.name}"')]
    if module.kind == "document":
        base = _WORKBOOK_BASE if module.name == "ThisWorkbook" else _WORKSHEET_BASE
        attrs += [
            ("VB_Base", f'"{base}"'),
            ("VB_GlobalNameSpace", "False"),
            ("VB_Creatable", "False"),
            ("VB_PredeclaredId", "True"),
            ("VB_Exposed", "True"),
            ("VB_TemplateDerived", "False"),
            ("VB_Customizable", "True"),
        ]
    return attrs


def _module_text(module: VbaModule) -> str:
    """Full module text as stored in the module stream: attribute header + source, CRLF line endings."""
    attrs = _attributes(module)
    ours = {name.lower() for name, _ in attrs}
    clash = sorted({m.group(1) for m in _MODULE_ATTRIBUTE.finditer(module.source) if m.group(1).lower() in ours})
    if clash:
        raise ValueError(f"module {module.name!r}: source must not contain Attribute {', '.join(clash)} (the builder writes it)")
    lines = [f"Attribute {name} = {value}" for name, value in attrs]
    source = module.source.replace("\r\n", "\n").replace("\r", "\n")
    if source:
        lines += source.removesuffix("\n").split("\n")
    return "\r\n".join(lines) + "\r\n"


def _encode(text: str, codec: str, module_name: str) -> bytes:
    """Encode ``text`` in the project code page, naming the module if a character does not fit."""
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        bad = text[exc.start : exc.end]
        raise ValueError(f"module {module_name!r}: character {bad!r} cannot be encoded in code page {codec}") from None


def read_bas(path: str | PathLike[str], encoding: str | None = None) -> VbaModule:
    """Read a ``.bas`` file exported by the VBA editor into a standard module.

    The module name comes from ``Attribute VB_Name = "X"``, which is removed;
    all other lines are kept.  Without ``encoding`` the file is read as UTF-8
    (BOM allowed), falling back to cp1252, the editor's usual export encoding.
    """
    raw = Path(path).read_bytes()
    if encoding is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
    else:
        text = raw.decode(encoding)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    pattern = re.compile(r'^[ \t]*Attribute[ \t]+VB_Name[ \t]*=[ \t]*"([^"]*)"[ \t]*$', re.IGNORECASE)
    for index, line in enumerate(lines):
        match = pattern.match(line)
        if match:
            del lines[index]
            return VbaModule(name=match.group(1), source="\n".join(lines))
    raise ValueError(f"{path}: no 'Attribute VB_Name = \"...\"' line")


# --------------------------------------------------------------------------
# [MS-OVBA] streams
# --------------------------------------------------------------------------

_STDOLE_LIBID = (
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"
)
_GUID_NAMESPACE = uuid.UUID("6f3c0d7e-2b8a-5a8e-9c1d-7a4e5b0f2c31")  # fixed: project GUIDs are stable per name


def _project_guid(project_name: str) -> str:
    """Deterministic project ID (``{XXXXXXXX-...}``) derived from the project name."""
    return "{" + str(uuid.uuid5(_GUID_NAMESPACE, project_name)).upper() + "}"


def _u32(value: int) -> bytes:
    """Little-endian 4-byte unsigned integer."""
    return struct.pack("<I", value)


def _u16(value: int) -> bytes:
    """Little-endian 2-byte unsigned integer."""
    return struct.pack("<H", value)


def _record(record_id: int, payload: bytes = b"") -> bytes:
    """A dir-stream record: 2-byte id, 4-byte size, payload."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _text_record(record_id: int, unicode_id: int, text: str, codec: str) -> bytes:
    """A dir-stream record pair holding ``text`` in the code page and in UTF-16LE."""
    return _record(record_id, text.encode(codec)) + _record(unicode_id, text.encode("utf-16-le"))


def _dir_stream(project_name: str, codepage: int, codec: str, modules: Sequence[VbaModule]) -> bytes:
    """The decompressed ``VBA/dir`` stream (2.3.4.2): project information, references, modules."""
    out = bytearray()
    out += _record(0x0001, _u32(1))  # PROJECTSYSKIND: Win32
    out += _record(0x0002, _u32(0x409))  # PROJECTLCID
    out += _record(0x0014, _u32(0x409))  # PROJECTLCIDINVOKE
    out += _record(0x0003, _u16(codepage))  # PROJECTCODEPAGE
    out += _record(0x0004, project_name.encode(codec))  # PROJECTNAME
    out += _text_record(0x0005, 0x0040, "", codec)  # PROJECTDOCSTRING
    out += _text_record(0x0006, 0x003D, "", codec)  # PROJECTHELPFILEPATH (HelpFile1, HelpFile2)
    out += _record(0x0007, _u32(0))  # PROJECTHELPCONTEXT
    out += _record(0x0008, _u32(0))  # PROJECTLIBFLAGS
    # PROJECTVERSION: its size field is fixed at 4 although 6 bytes (major u32, minor u16) follow.
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _text_record(0x000C, 0x003C, "", codec)  # PROJECTCONSTANTS
    # REFERENCE to stdole: REFERENCENAME + REFERENCEREGISTERED.
    out += _text_record(0x0016, 0x003E, "stdole", codec)
    libid = _STDOLE_LIBID.encode(codec)
    out += _record(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))
    out += _record(0x000F, _u16(len(modules)))  # PROJECTMODULES count
    out += _record(0x0013, _u16(0xFFFF))  # PROJECTCOOKIE
    for module in modules:
        out += _record(0x0019, module.name.encode(codec))  # MODULENAME
        out += _record(0x0047, module.name.encode("utf-16-le"))  # MODULENAMEUNICODE
        out += _text_record(0x001A, 0x0032, module.name, codec)  # MODULESTREAMNAME
        out += _text_record(0x001C, 0x0048, "", codec)  # MODULEDOCSTRING
        out += _record(0x0031, _u32(0))  # MODULEOFFSET: source starts the stream (no p-code)
        out += _record(0x001E, _u32(0))  # MODULEHELPCONTEXT
        out += _record(0x002C, _u16(0xFFFF))  # MODULECOOKIE
        out += _record(0x0021 if module.kind == "standard" else 0x0022)  # MODULETYPE (+ 4 reserved zero bytes)
        out += _record(0x002B)  # module terminator
    out += _record(0x0010)  # dir terminator
    return bytes(out)


def _encrypt(seed: int, project_id: str, data: bytes) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption, as hex, for the PROJECT stream's CMG/DPB/GC values.

    ``seed`` replaces the spec's random byte and the ignored bytes are zero, keeping the output deterministic.
    """
    version = 2
    project_key = sum(project_id.encode("ascii")) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ project_key])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, out[2], out[1]
    plain = bytes((seed & 6) // 2) + struct.pack("<I", len(data)) + data
    for byte in plain:
        encrypted = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(encrypted)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, encrypted, byte
    return out.hex().upper()


def _project_stream(project_name: str, guid: str, codec: str, modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECT`` stream (2.3.1): text properties of an unprotected, visible project."""
    lines = [f'ID="{guid}"']
    lines += [f"Document={m.name}/&H00000000" for m in modules if m.kind == "document"]
    lines += [f"Module={m.name}" for m in modules if m.kind == "standard"]
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        'VersionCompatible32="393222000"',
        f'CMG="{_encrypt(0x11, guid, bytes(4))}"',  # ProjectProtectionState: no protection
        f'DPB="{_encrypt(0x22, guid, bytes(1))}"',  # ProjectPassword: none
        f'GC="{_encrypt(0x33, guid, bytes([0xFF]))}"',  # ProjectVisibilityState: visible
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
    ]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(codec)


def _projectwm_stream(codec: str, modules: Sequence[VbaModule]) -> bytes:
    """The ``PROJECTwm`` stream (2.3.3): each module name in the code page and UTF-16LE, NUL-terminated."""
    out = bytearray()
    for module in modules:
        out += module.name.encode(codec) + b"\x00" + module.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def build_vba_project(modules: Sequence[VbaModule], project_name: str = "VBAProject", codepage: int = 1252) -> bytes:
    """Build ``vbaProject.bin`` bytes holding ``modules`` as source code.

    A ``ThisWorkbook`` document module is added (empty) if not given.  Module
    order is: ThisWorkbook, other document modules, standard modules, each in
    the given order.  Raise ValueError for invalid or duplicate names, a
    module named ThisWorkbook that is not a document module, module-level
    attributes the builder writes itself, or text that the code page cannot
    encode (the message names the module).
    """
    codec = f"cp{codepage}"
    try:
        codecs.lookup(codec)
    except LookupError:
        raise ValueError(f"unsupported code page {codepage}") from None
    if not _IDENTIFIER.fullmatch(project_name):
        raise ValueError(f"invalid project name {project_name!r}")
    seen: set[str] = set()
    for module in modules:
        if not _IDENTIFIER.fullmatch(module.name):
            raise ValueError(f"invalid module name {module.name!r} (letter, then letters/digits/_; at most 31)")
        if module.kind not in ("standard", "document"):
            raise ValueError(f"module {module.name!r}: unknown kind {module.kind!r}")
        if module.name.lower() in seen:
            raise ValueError(f"duplicate module name {module.name!r}")
        seen.add(module.name.lower())
        if module.name.lower() == "thisworkbook" and (module.name != "ThisWorkbook" or module.kind != "document"):
            raise ValueError("the workbook module must be named 'ThisWorkbook' with kind='document'")
    workbook = [m for m in modules if m.name == "ThisWorkbook"] or [VbaModule("ThisWorkbook", "", "document")]
    ordered = (
        workbook
        + [m for m in modules if m.kind == "document" and m.name != "ThisWorkbook"]
        + [m for m in modules if m.kind == "standard"]
    )
    vba_storage = {
        "_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",  # version 0xFFFF: no cache, compile from source
        "dir": compress(_dir_stream(project_name, codepage, codec, ordered)),
    }
    for module in ordered:
        vba_storage[module.name] = compress(_encode(_module_text(module), codec, module.name))
    guid = _project_guid(project_name)
    return _compound_file(
        {
            "PROJECT": _project_stream(project_name, guid, codec, ordered),
            "PROJECTwm": _projectwm_stream(codec, ordered),
            "VBA": vba_storage,
        }
    )


# --------------------------------------------------------------------------
# [MS-CFB] compound file writer (version 3)
# --------------------------------------------------------------------------

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1


@dataclass
class _Entry:
    """A directory entry being laid out."""

    name: str
    kind: int
    data: bytes = b""
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = 0
    size: int = 0


def _sibling_tree(entries: list[_Entry], ids: list[int]) -> int:
    """Link ``ids`` into a balanced red-black tree ordered per [MS-CFB] 2.6.4; return the root id.

    Built by splitting the sorted names at the median, so every leaf is at
    depth d or d-1; colouring the deepest level red (others black) makes all
    root-to-leaf paths carry the same number of black nodes.
    """
    ordered = sorted(ids, key=lambda i: (len(entries[i].name), entries[i].name.upper()))
    deepest = (len(ordered)).bit_length() - 1  # depth of the deepest node for a median-split tree

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return _NOSTREAM
        mid = (lo + hi) // 2
        entry = entries[ordered[mid]]
        entry.color = _RED if depth == deepest and depth > 0 else _BLACK
        entry.left = link(lo, mid, depth + 1)
        entry.right = link(mid + 1, hi, depth + 1)
        return ordered[mid]

    return link(0, len(ordered), 0)


def _chain(fat: list[int], first: int, count: int) -> None:
    """Write a sector chain of ``count`` consecutive sectors starting at ``first`` into ``fat``."""
    for sector in range(first, first + count - 1):
        fat[sector] = sector + 1
    fat[first + count - 1] = _ENDOFCHAIN


def _compound_file(tree: dict) -> bytes:
    """Serialise a tree of storages (dicts) and streams (bytes) as a version-3 compound file.

    Layout: FAT sectors, directory, mini FAT, mini stream, then large streams.
    Timestamps and CLSIDs are zero, so the output is deterministic.
    """
    entries = [_Entry("Root Entry", _ROOT)]

    def add_children(parent: int, items: dict) -> None:
        ids = []
        for name, value in items.items():
            entries.append(_Entry(name, _STORAGE if isinstance(value, dict) else _STREAM))
            ids.append(len(entries) - 1)
            if isinstance(value, dict):
                add_children(ids[-1], value)
            else:
                entries[-1].data = value
        entries[parent].child = _sibling_tree(entries, ids)

    add_children(0, tree)

    def sectors(size: int, unit: int = _SECTOR) -> int:
        return -(-size // unit)

    mini_stream = bytearray()
    mini_fat: list[int] = []
    large = []
    for entry in entries:
        if entry.kind != _STREAM:
            continue
        entry.size = len(entry.data)
        if entry.size == 0:
            entry.start = _ENDOFCHAIN
        elif entry.size < _MINI_CUTOFF:
            entry.start = len(mini_fat)
            count = sectors(entry.size, _MINI_SECTOR)
            mini_fat += [0] * count
            _chain(mini_fat, entry.start, count)
            mini_stream += entry.data.ljust(count * _MINI_SECTOR, b"\x00")
        else:
            large.append(entry)

    n_dir = sectors(len(entries) * 128)
    n_minifat = sectors(len(mini_fat) * 4)
    n_mini_stream = sectors(len(mini_stream))
    n_large = sum(sectors(e.size) for e in large)
    others = n_dir + n_minifat + n_mini_stream + n_large
    n_fat = 1
    while n_fat * (_SECTOR // 4) < n_fat + others:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("VBA project too large for a compound file without DIFAT sectors (~6.8 MB)")

    fat = [_FREESECT] * (n_fat * _SECTOR // 4)
    fat[:n_fat] = [_FATSECT] * n_fat
    dir_start = n_fat
    _chain(fat, dir_start, n_dir)
    minifat_start = dir_start + n_dir
    if n_minifat:
        _chain(fat, minifat_start, n_minifat)
    mini_stream_start = minifat_start + n_minifat
    root = entries[0]
    if n_mini_stream:
        _chain(fat, mini_stream_start, n_mini_stream)
        root.start, root.size = mini_stream_start, len(mini_stream)
    else:
        root.start = _ENDOFCHAIN
    next_sector = mini_stream_start + n_mini_stream
    for entry in large:
        entry.start = next_sector
        _chain(fat, entry.start, sectors(entry.size))
        next_sector += sectors(entry.size)

    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        bytes(16),  # CLSID
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # byte order: little-endian
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        bytes(6),
        0,  # number of directory sectors: must be 0 in version 3
        n_fat,
        dir_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        minifat_start if n_minifat else _ENDOFCHAIN,
        n_minifat,
        _ENDOFCHAIN,  # first DIFAT sector: none
        0,  # number of DIFAT sectors
    )
    header += struct.pack("<109I", *(list(range(n_fat)) + [_FREESECT] * (109 - n_fat)))

    directory = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name, len(name), entry.kind, entry.color, entry.left, entry.right, entry.child,
            bytes(16), 0, 0, 0, entry.start, entry.size,
        )  # fmt: skip
    unused = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM, bytes(16), 0, 0, 0, 0, 0)
    directory += unused * (n_dir * 4 - len(entries))

    mini_fat += [_FREESECT] * (n_minifat * _SECTOR // 4 - len(mini_fat))
    body = [
        struct.pack(f"<{len(fat)}I", *fat),
        bytes(directory),
        struct.pack(f"<{len(mini_fat)}I", *mini_fat),
        bytes(mini_stream).ljust(n_mini_stream * _SECTOR, b"\x00"),
    ]
    body += [e.data.ljust(sectors(e.size) * _SECTOR, b"\x00") for e in large]
    return header + b"".join(body)
