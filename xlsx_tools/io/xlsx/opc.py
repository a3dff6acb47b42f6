"""OPC, the package layer of an xlsx file: part names, relationships and content types.

The namespaces and relationship/content types used by every writer of xlsx parts
(the graft, the xlsm builder) are defined here, once.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
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
_STD_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_DECL_RE = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>)")


class PackageError(Exception):
    """The package can't be grafted (not an SpreadsheetML workbook we can edit)."""



def qname(ns: str, tag: str) -> str:
    """Clark notation '{namespace}tag' as lxml spells qualified names."""
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
            self.root = etree.Element(qname(NS_PR, "Relationships"), nsmap={None: NS_PR})
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
        el = etree.SubElement(self.root, qname(NS_PR, "Relationship"))
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
        el = etree.SubElement(self.root, qname(NS_CT, "Override"))
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



def reachable_parts(graph: Mapping[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get("", []))
    while todo:
        part = todo.pop()
        if part in seen:
            continue
        seen.add(part)
        todo.extend(graph.get(part, []))
    return seen


