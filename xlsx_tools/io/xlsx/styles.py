"""Append-only merging of the cell styles that generated sheets need into styles.xml.

Existing entries are never altered and keep their indices, so every cell of the
sheets copied unchanged keeps its look.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree

from xlsx_tools.io.xlsx.opc import NS_MAIN, PackageError, parse_xml, qname, serialize_xml
from xlsx_tools.io.xlsx.sheet_xml import CellStyle

_BUILTIN_NUMFMT = {"General": 0, "#,##0": 3, "#,##0.00": 4, "0.00%": 10}
_STYLE_ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                "cellStyles", "dxfs", "tableStyles", "colors", "extLst"]


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



def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


class StyleSheet:
    """Append-only editor of styles.xml."""

    def __init__(self, data: bytes | None) -> None:
        self.original = data
        if data:
            self.root = parse_xml(data)
            self.ns = etree.QName(self.root).namespace or NS_MAIN
        else:
            self.ns = NS_MAIN
            self.root = etree.Element(qname(NS_MAIN, "styleSheet"), nsmap={None: NS_MAIN})
        self.changed = data is None
        self.touched: set[str] = set()

    def _el(self, tag: str) -> etree._Element:
        return etree.Element(qname(self.ns, tag))

    def container(self, tag: str) -> etree._Element:
        found = self.root.find(qname(self.ns, tag))
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
                etree.SubElement(font, qname(self.ns, tag), attrs)
            self.append("fonts", font)
        fills = self.items("fills")
        for i, pattern in enumerate(("none", "gray125")):
            if len(fills) <= i:
                fill = self._el("fill")
                etree.SubElement(fill, qname(self.ns, "patternFill"), {"patternType": pattern})
                self.append("fills", fill)
                fills = self.items("fills")
        if not self.items("borders"):
            border = self._el("border")
            for side in ("left", "right", "top", "bottom", "diagonal"):
                etree.SubElement(border, qname(self.ns, side))
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
        existing = self.root.find(qname(self.ns, "numFmts"))
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
        for b in font.findall(qname(self.ns, "b")):
            font.remove(b)
        font.text = None
        for child in font:
            child.tail = None
        font.insert(0, self._el("b"))
        return self.find_or_append("fonts", font)

    def fill_id(self, argb: str) -> int:
        fill = self._el("fill")
        pattern = etree.SubElement(fill, qname(self.ns, "patternFill"), {"patternType": "solid"})
        etree.SubElement(pattern, qname(self.ns, "fgColor"), {"rgb": argb})
        etree.SubElement(pattern, qname(self.ns, "bgColor"), {"indexed": "64"})
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
        if style.wrap or style.right:
            attrs["applyAlignment"] = "1"
        xf = self._xf(attrs)
        if style.wrap or style.right:
            alignment = self._el("alignment")
            xf.append(alignment)
            if style.right:
                alignment.set("horizontal", "right")
            if style.wrap:
                alignment.set("wrapText", "1")
        return self.find_or_append("cellXfs", xf)

    def to_bytes(self) -> bytes:
        for tag in self.touched:
            box = self.root.find(qname(self.ns, tag))
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
    sheet = StyleSheet(data)
    if sheet.ns not in (NS_MAIN,):
        raise PackageError("styles.xml is not transitional SpreadsheetML")
    sheet.ensure_defaults()
    mapping = {style: sheet.xf_id(style) for style in sorted(set(needed), key=repr)}
    return (sheet.to_bytes() if sheet.changed else None), mapping

