"""Simplified Chinese Noto CJK faces under their own names, for LibreOffice's PDF export.

Debian's `fonts-noto-cjk` ships each weight as one collection (.ttc) whose SC, TC, JP, KR and HK
faces share one CFF outline table, internally named after the JP face.  LibreOffice names the fonts
it embeds in a PDF from that table, so a letter drawn with the SC glyphs lists as
"NotoSerifCJKjp-Regular" in `pdffonts`.

`fontconfig_file()` copies each SC face that LibreOffice's Chinese fonts resolve to out of its
collection into a standalone OpenType font: the SC face's own tables byte for byte (its cmap picks
the SC glyph forms), with only the names inside the CFF table changed to the face's PostScript name
(name ID 6, e.g. NotoSerifCJKsc-Regular; the same length, so no offset moves).  It writes a
fontconfig file that adds those fonts and hides the SC faces inside the collections;
`convert_to_pdf` runs LibreOffice with FONTCONFIG_FILE pointing at it.  Same glyphs, honest name.

The fonts are made once per installed font version, in the user's cache folder
(~/.cache/xlsx_tools/sc-fonts/<version key>/: 4 faces, 81 MB, ~7 s on first use; or the temp
folder when the home cannot be written).  Anything missing (no
fontconfig, no Noto CJK collection, an unwritable cache) leaves LibreOffice's fonts as they are.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["SC_FAMILIES", "fontconfig_file", "standalone_face", "cff_font_name"]

# The families io/pdf.py maps the Windows Chinese fonts to, at the weights the templates use.
SC_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
SC_STYLES = ("Regular", "Bold")
FORMAT = b"sc-fonts 1"           # part of the cache key: bump when the copy changes
SYSTEM_CONFIG = Path("/etc/fonts/fonts.conf")


def _index(data: bytes, pos: int) -> tuple[int, int, list[int]]:
    """A CFF INDEX at `pos`: (start of its data, end of the INDEX, item offsets from the start)."""
    count, = struct.unpack_from(">H", data, pos)
    if count == 0:
        return pos + 2, pos + 2, [0]
    size = data[pos + 2]
    table = pos + 3
    offsets = [int.from_bytes(data[table + i * size: table + (i + 1) * size], "big") - 1 for i in range(count + 1)]
    start = table + (count + 1) * size
    return start, start + offsets[-1], offsets


def cff_font_name(cff: bytes) -> str:
    """The first name in a CFF table's Name INDEX (the name PDF writers embed)."""
    start, _, offsets = _index(cff, cff[2])
    return cff[start + offsets[0]: start + offsets[1]].decode("latin-1")


def _renamed_cff(cff: bytes, old: str, new: str) -> bytes:
    """`cff` with `old` replaced by `new` in the Name INDEX and the String INDEX (where the
    sub-font names live) only, never in the outlines; both names have the same length."""
    assert len(old) == len(new)
    names_start, names_end, _ = _index(cff, cff[2])
    _, top_end, _ = _index(cff, names_end)
    strings_start, strings_end, _ = _index(cff, top_end)
    out = bytearray(cff)
    for start, end in ((names_start, names_end), (strings_start, strings_end)):
        out[start:end] = out[start:end].replace(old.encode("latin-1"), new.encode("latin-1"))
    return bytes(out)


def standalone_face(collection: Path, index: int, target: Path) -> str | None:
    """Write face `index` of `collection` to `target` with its CFF named after the face's own
    PostScript name; returns that name, or None when the face needs no copy or cannot be renamed."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    font = TTFont(collection, fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
    if "CFF " not in font.reader:
        return None
    cff = font.reader["CFF "]
    old, new = cff_font_name(cff), font["name"].getDebugName(6)
    if not new or old == new or len(old) != len(new):
        return None
    table = DefaultTable("CFF ")
    table.data = _renamed_cff(cff, old, new)
    font["CFF "] = table
    font.save(target)
    return new


def _sc_faces_in_collections() -> list[tuple[Path, int]]:
    """(collection file, face index) of every installed SC face of SC_FAMILIES inside a .ttc/.otc."""
    faces = set()
    for family in SC_FAMILIES:
        listing = subprocess.run(["fc-list", "--format", "%{file}|%{index}|%{style[0]}\n", f":family={family}"],
                                 capture_output=True, text=True, timeout=30).stdout
        for line in listing.splitlines():
            file, index, style = line.rsplit("|", 2)
            if style in SC_STYLES and file.lower().endswith((".ttc", ".otc")):
                faces.add((Path(file), int(index)))
    return sorted(faces)


def _cache_roots() -> tuple[Path, Path]:
    """The user's cache folder, then one in the temp folder (a home that cannot be written)."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return home / "xlsx_tools" / "sc-fonts", Path(tempfile.gettempdir()) / f"xlsx_tools-sc-fonts-{os.getuid()}"


def _key(faces: list[tuple[Path, int]], base_config: Path) -> str:
    digest = hashlib.sha256(FORMAT)
    for file, index in faces:
        stat = file.stat()
        digest.update(f"{file}|{index}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    digest.update(str(base_config).encode())
    return digest.hexdigest()[:16]


def _config(base_config: Path, fonts: Path, hidden: list[tuple[Path, int]]) -> str:
    rejects = "".join(
        f'<pattern><patelt name="file"><string>{escape(str(file))}</string></patelt>'
        f'<patelt name="index"><int>{index}</int></patelt></pattern>' for file, index in hidden)
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
            f'  <include ignore_missing="yes">{escape(str(base_config))}</include>\n'
            f'  <dir>{escape(str(fonts))}</dir>\n'
            f'  <selectfont><rejectfont>{rejects}</rejectfont></selectfont>\n</fontconfig>\n')


def fontconfig_file() -> Path | None:
    """The fontconfig file that shows LibreOffice the standalone SC faces (made on first use), or
    None where LibreOffice does not use fontconfig or nothing needs a copy."""
    if sys.platform in ("win32", "darwin") or shutil.which("fc-list") is None:
        return None
    base_config = Path(os.environ.get("FONTCONFIG_FILE") or SYSTEM_CONFIG)
    try:
        faces = _sc_faces_in_collections()
        if not faces or not base_config.exists():
            return None
        key = _key(faces, base_config)
        for root in _cache_roots():
            ready = root / key
            try:
                if not (ready / "fonts.conf").exists():
                    _build(root, ready, faces, base_config)
                return ready / "fonts.conf"
            except OSError:     # unwritable or full: try the next folder
                continue
        return None
    except Exception:       # noqa: BLE001 - a font problem must never stop the PDF; it keeps the old names
        return None


def _build(root: Path, ready: Path, faces: list[tuple[Path, int]], base_config: Path) -> None:
    """Make the fonts and the config in a scratch folder, then move it into place in one rename,
    so a LibreOffice started by another process never sees half a font."""
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        copied = [(file, index) for n, (file, index) in enumerate(faces)
                  if standalone_face(file, index, scratch / f"sc-{n}.otf")]
        (scratch / "fonts.conf").write_text(_config(base_config, ready, copied), encoding="utf-8")
        try:
            scratch.rename(ready)
        except OSError:        # another process finished first: use its copy
            return
        for stale in root.iterdir():
            if stale != ready and not stale.name.startswith(".building-"):
                shutil.rmtree(stale, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
