"""The graft: copy an xlsx/xlsm package with new worksheet parts put in.

Every part the graft does not have to change is copied *raw*: its compressed
bytes go from the source zip to the destination unchanged.  The parts that may
change are ``[Content_Types].xml``, the workbook part, its rels, ``styles.xml``
(styles are appended, never altered) and the replaced sheet parts.
``calcChain.xml`` is dropped, and so is anything that only a replaced sheet
referenced (its tables, comments, printer settings).  A replaced sheet's drawing is
kept with the user's own charts and shapes; the tool's charts in it are replaced by the
staged table's (`_place_drawings`).

The steps, in order: open the workbook part (`_Book`), decide which existing
sheet each staged table replaces (`_plan_sheets`), register the sheets in
workbook.xml (`_place_sheets`), follow the sheet moves in defined names and
book views, merge styles (`_merge_styles`), put the charts in (`_place_drawings`), find the parts nothing references
any more (`_unreferenced_parts`), and write the package (`_write_package`).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

from xlsx_tools.io.xlsx.charts import (CT_CHART, CT_DRAWING, REL_CHART, REL_DRAWING, next_part_number,
                                       placed_chart, rebuild_drawing)
from xlsx_tools.io.xlsx.dates import workbook_uses_1904
from xlsx_tools.io.xlsx.opc import (CONTENT_TYPES, CT_STYLES, CT_WORKSHEET, NS_MAIN, NS_R, RT_CALC_CHAIN,
                                    RT_STYLES, RT_WORKSHEET, ContentTypes, PackageError, Relationship,
                                    Relationships, SourcePackage, parse_xml, qname, reachable_parts,
                                    rels_part_for, relative_target, resolve_target, serialize_xml)
from xlsx_tools.io.xlsx.rawzip import ZipWriter
from xlsx_tools.io.xlsx.sheet_xml import CellStyle, SheetXml
from xlsx_tools.io.xlsx.styles import merge_styles

#: Elements of workbook.xml that come after <sheets> and before <definedNames>.
_WORKBOOK_AFTER_SHEETS = ["functionGroups", "externalReferences"]
_FILTER_NAME = "_xlnm._FilterDatabase"
_TITLES_NAME = "_xlnm.Print_Titles"


@dataclass
class StagedSheet:
    """A generated sheet waiting to be grafted; `replaces` names the sheet it takes the place of."""

    sheet: SheetXml
    replaces: str | None = None


@dataclass
class _ExistingSheet:
    element: etree._Element          # its <sheet> in workbook.xml
    name: str
    rel: Relationship | None
    part: str | None                 # actual zip name


@dataclass
class _SheetPlan:
    staged: StagedSheet
    replaced: _ExistingSheet | None = None   # None: appended at the end
    part: str = ""
    reuse_part: bool = False                 # the replaced sheet's part name is reused
    index: int = -1                          # tab position in the result
    element: etree._Element | None = None
    drawing_rel: str | None = None           # id of the <drawing> relationship in the sheet's new rels


@dataclass
class _Drawings:
    """What putting the charts in changes: new or rewritten parts, and the relationship graph."""

    parts: dict[str, bytes] = field(default_factory=dict)
    graph: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Book:
    """The workbook part being edited, with its rels, the content types and the zip names in use."""

    source: SourcePackage
    part: str
    original: bytes
    root: etree._Element
    rels_part: str
    rels: Relationships
    content_types: ContentTypes
    taken: set[str] = field(default_factory=set)   # lower-cased zip names in use

    @classmethod
    def open(cls, source: SourcePackage) -> _Book:
        part = source.workbook_part
        original = source.read(part)
        root = parse_xml(original)
        if etree.QName(root).namespace != NS_MAIN:
            raise PackageError("strict")
        rels_part = source.find(rels_part_for(part)) or rels_part_for(part)
        return cls(source, part, original, root, rels_part, Relationships(source.read(rels_part)),
                   ContentTypes(source.read(CONTENT_TYPES)), {i.filename.lower() for i in source.infos})

    def sheets_element(self) -> etree._Element:
        sheets = self.root.find(qname(NS_MAIN, "sheets"))
        if sheets is None:
            sheets = etree.SubElement(self.root, qname(NS_MAIN, "sheets"))
        return sheets

    def existing_sheets(self) -> list[_ExistingSheet]:
        found = []
        for element in self.sheets_element().findall(qname(NS_MAIN, "sheet")):
            rel = self.rels.by_id(element.get(qname(NS_R, "id"), ""))
            part = None
            if rel is not None and not rel.external:
                part = self.source.find(resolve_target(self.part, rel.target))
            found.append(_ExistingSheet(element, element.get("name", ""), rel, part))
        return found

    def target(self, part: str) -> str:
        """A relationship target from the workbook part to `part`."""
        return relative_target(self.part, part)

    def claim(self, part: str) -> None:
        self.taken.add(part.lower())

    def is_taken(self, part: str) -> bool:
        return part.lower() in self.taken


def graft(src_fp: BinaryIO, dst_fp: BinaryIO, staged: list[StagedSheet],
          progress: Callable[[str], None] | None = None, workers: int = 2) -> None:
    """Write the source package to `dst_fp` with the staged sheets grafted in."""
    say = progress or (lambda _msg: None)
    source = SourcePackage(src_fp)
    out = ZipWriter(dst_fp, workers=workers)
    if not staged:
        for info in source.infos:
            out.copy_raw(src_fp, info)
        out.close(source.comment)
        return

    book = _Book.open(source)
    graph = source.relationship_graph()
    reachable_before = reachable_parts(graph)
    existing = book.existing_sheets()
    _match_date_system(staged, workbook_uses_1904(book.root))

    plans, removed = _plan_sheets(staged, existing)
    _remove_sheets(book, existing, removed)
    final_sheets = _place_sheets(book, plans, existing)
    final_index = {id(element): i for i, element in enumerate(final_sheets)}
    for plan in plans:
        plan.index = final_index[id(plan.element)]

    removed_ids = {id(sheet) for sheet in removed}
    new_index: dict[int, int | None] = {
        old: None if id(sheet) in removed_ids else final_index[id(sheet.element)]
        for old, sheet in enumerate(existing)}
    _update_defined_names(book.root, new_index, plans)
    active = _update_book_views(book.root, new_index, len(final_sheets))
    for rel in book.rels.of_type(RT_CALC_CHAIN):
        book.rels.remove(rel)
    _recalculate_on_load(book.root)

    styles = _merge_styles(book, plans, reachable_before)
    drawings = _place_drawings(book, plans)
    dropped = _unreferenced_parts(book, graph, reachable_before, plans, drawings.graph)
    _write_package(book, src_fp, out, plans, styles, dropped, active, say, drawings.parts)


def _fold(name: str) -> str:
    """Sheet names compare like Excel compares them: trimmed, case-insensitive."""
    return name.strip().casefold()


def _match_date_system(staged: list[StagedSheet], date1904: bool) -> None:
    """Regenerate staged sheets whose date serials were counted in the other date system."""
    for item in staged:
        if item.sheet.date1904 != date1904:
            item.sheet = SheetXml(item.sheet.table, date1904=date1904)


def _plan_sheets(staged: list[StagedSheet], existing: list[_ExistingSheet]
                 ) -> tuple[list[_SheetPlan], list[_ExistingSheet]]:
    """Which existing sheet each staged table replaces, and which existing sheets go away.

    A staged table replaces the sheet it names in `replaces`, else the sheet with its own
    name.  An existing sheet that carries a staged table's name but is replaced by nothing
    would duplicate that name: it is an old tool-owned output and is removed.
    """
    by_name = {_fold(sheet.name): sheet for sheet in existing}
    plans: list[_SheetPlan] = []
    claimed: dict[int, str] = {}
    for item in staged:
        target = by_name.get(_fold(item.replaces)) if item.replaces is not None else None
        if target is None:
            target = by_name.get(_fold(item.sheet.name))
        if target is not None:
            if id(target) in claimed:
                raise ValueError(f"sheets {claimed[id(target)]!r} and {item.sheet.name!r} "
                                 f"both replace {target.name!r}")
            claimed[id(target)] = item.sheet.name
        plans.append(_SheetPlan(item, target))
    removed: list[_ExistingSheet] = []
    for plan in plans:
        namesake = by_name.get(_fold(plan.staged.sheet.name))
        if namesake is not None and namesake is not plan.replaced and id(namesake) not in claimed:
            removed.append(namesake)
            claimed[id(namesake)] = plan.staged.sheet.name
    return plans, removed


def _remove_sheets(book: _Book, existing: list[_ExistingSheet], removed: list[_ExistingSheet]) -> None:
    """Take removed sheets out of workbook.xml, and their relationship unless a kept sheet shares it."""
    removed_ids = {id(sheet) for sheet in removed}
    kept = [sheet for sheet in existing if id(sheet) not in removed_ids]
    sheets = book.sheets_element()
    for sheet in removed:
        sheets.remove(sheet.element)
        if sheet.rel is not None and not any(other.rel is not None and other.rel.id == sheet.rel.id
                                             for other in kept):
            book.rels.remove(sheet.rel)


def _new_sheet_parts(book: _Book) -> Callable[[], str]:
    """A source of unused worksheet part names, numbered after the highest sheetN.xml."""
    folder = posixpath.join(posixpath.dirname(book.part), "worksheets")
    pattern = re.compile(re.escape(folder.lower()) + r"/sheet(\d+)\.xml")
    numbers = [int(m.group(1)) for name in book.taken if (m := pattern.fullmatch(name))]
    next_number = max(numbers, default=0) + 1

    def new_part() -> str:
        nonlocal next_number
        while True:
            part = f"{folder}/sheet{next_number}.xml"
            next_number += 1
            if not book.is_taken(part):
                book.claim(part)
                return part

    return new_part


def _place_sheets(book: _Book, plans: list[_SheetPlan], existing: list[_ExistingSheet]) -> list[etree._Element]:
    """Give each plan a part and a <sheet> entry; returns the final <sheet> elements in tab order.

    New sheet ids count on from the highest id the workbook had, removed sheets included.
    """
    new_part = _new_sheet_parts(book)
    sheets = book.sheets_element()
    sheet_ids = [int(sheet.element.get("sheetId", "0") or 0) for sheet in existing]
    next_sheet_id = max(sheet_ids, default=0) + 1
    for plan in plans:
        name = plan.staged.sheet.name
        replaced = plan.replaced
        if replaced is None:
            plan.part = new_part()
            rid = book.rels.add(RT_WORKSHEET, book.target(plan.part))
            element = _sheet_element(sheets, {"name": name, "sheetId": str(next_sheet_id), qname(NS_R, "id"): rid})
            sheets.append(element)
            next_sheet_id += 1
            plan.element = element
            book.content_types.set_override(plan.part, CT_WORKSHEET)
            continue
        plan.element = replaced.element
        replaced.element.set("name", name)
        if _is_plain_worksheet(book, replaced):
            plan.part, plan.reuse_part = replaced.part, True
            continue
        # a chart sheet or dialog sheet, or a sheet without a part: it becomes a new worksheet
        plan.part = new_part()
        if replaced.rel is not None and not replaced.rel.external:
            replaced.rel.element.set("Type", RT_WORKSHEET)
            replaced.rel.element.set("Target", book.target(plan.part))
            replaced.rel.element.attrib.pop("TargetMode", None)
            book.rels.changed = True
        else:
            rid = book.rels.add(RT_WORKSHEET, book.target(plan.part))
            element = _sheet_element(sheets, {**replaced.element.attrib, qname(NS_R, "id"): rid})
            replaced.element.getparent().replace(replaced.element, element)
            replaced.element = plan.element = element
        book.content_types.set_override(plan.part, CT_WORKSHEET)
    return sheets.findall(qname(NS_MAIN, "sheet"))


def _sheet_element(sheets: etree._Element, attributes: Mapping[str, str]) -> etree._Element:
    """A new <sheet> whose relationship id is written `r:id`.

    Without a declaration of the relationships namespace in scope (openpyxl declares it on
    each <sheet>, not on the root), lxml would invent `ns0:id`, which some readers reject."""
    in_scope = sheets.nsmap.get("r") == NS_R
    element = etree.Element(qname(NS_MAIN, "sheet"), nsmap=None if in_scope else {"r": NS_R})
    for key, value in attributes.items():
        element.set(key, value)
    return element


def _is_plain_worksheet(book: _Book, sheet: _ExistingSheet) -> bool:
    return (sheet.rel is not None and sheet.rel.type == RT_WORKSHEET and sheet.part is not None
            and book.content_types.content_type(sheet.part) == CT_WORKSHEET)


@dataclass
class _MergedStyles:
    part: str | None                 # the existing styles part, if any
    new_part: str | None             # a styles part created by the graft
    data: bytes | None               # new bytes of the styles part (None: unchanged)
    xf_index: dict[CellStyle, int]   # cellXfs index of each style the sheets use


def _merge_styles(book: _Book, plans: list[_SheetPlan], reachable_before: set[str]) -> _MergedStyles:
    """Append the styles the new sheets use; find, adopt or create the styles part."""
    needed: set[CellStyle] = set()
    for plan in plans:
        needed |= plan.staged.sheet.styles_needed()
    source = book.source
    style_rels = [r for r in book.rels.of_type(RT_STYLES) if not r.external]
    part = source.find(resolve_target(book.part, style_rels[0].target)) if style_rels else None
    default_name = posixpath.join(posixpath.dirname(book.part), "styles.xml")
    if part is None and not style_rels:
        # an unreferenced xl/styles.xml: adopt it (some readers look for that name only)
        orphan = source.find(default_name)
        if orphan is not None and orphan not in reachable_before:
            part = orphan
            book.rels.add(RT_STYLES, book.target(orphan))
            book.content_types.set_override(orphan, CT_STYLES)
    data, xf_index = merge_styles(source.read(part) if part else None, needed)
    new_part = None
    if part is None:
        new_part = default_name
        while book.is_taken(new_part):
            new_part = new_part[:-4] + "1.xml"
        book.claim(new_part)
        if style_rels:
            style_rels[0].element.set("Target", book.target(new_part))
            book.rels.changed = True
        else:
            book.rels.add(RT_STYLES, book.target(new_part))
        book.content_types.set_override(new_part, CT_STYLES)
    return _MergedStyles(part, new_part, data, xf_index)


def _sheet_drawing(book: _Book, plan: _SheetPlan) -> str | None:
    """The drawing part of the sheet a plan reuses, if it has one."""
    if not plan.reuse_part:
        return None
    rels_part = book.source.find(rels_part_for(plan.part))
    if rels_part is None:
        return None
    for rel in Relationships(book.source.read(rels_part)).of_type(REL_DRAWING):
        if not rel.external:
            return book.source.find(resolve_target(plan.part, rel.target))
    return None


def _new_part(book: _Book, folder: str, stem: str) -> str:
    part = f"{folder}/{stem}{next_part_number(book.taken, folder, stem)}.xml"
    book.claim(part)
    return part


def _place_drawings(book: _Book, plans: list[_SheetPlan]) -> _Drawings:
    """Each staged sheet's charts in its drawing, beside the user's own drawing objects.

    A sheet the tool rewrites keeps its drawing part when it has one: its anchors other than
    the tool's charts stay, the tool's old charts go (they become unreachable and are dropped),
    the new charts get new chart parts.  The new sheet XML points at the drawing through the
    only relationship of its new rels part.
    """
    found = _Drawings()
    folder = posixpath.dirname(book.part)
    for plan in plans:
        charts = [placed_chart(chart) for chart in plan.staged.sheet.table.charts]
        drawing = _sheet_drawing(book, plan)
        if not charts and drawing is None:
            continue
        if drawing is None:
            drawing = _new_part(book, f"{folder}/drawings", "drawing")
            book.content_types.set_override(drawing, CT_DRAWING)
        drawing_rels_part = rels_part_for(drawing)
        existing_rels = book.source.read(drawing_rels_part) if book.source.has(drawing_rels_part) else None
        rels = Relationships(existing_rels)
        chart_ids = []
        for chart in charts:
            part = _new_part(book, f"{folder}/charts", "chart")
            book.content_types.set_override(part, CT_CHART)
            found.parts[part] = chart.chart_xml
            chart_ids.append(rels.add(REL_CHART, relative_target(drawing, part)))
        xml, removed = rebuild_drawing(book.source.read(drawing) if book.source.has(drawing) else None,
                                       charts, chart_ids)
        for rel_id in removed:
            if (rel := rels.by_id(rel_id)) is not None:
                rels.remove(rel)
        found.parts[drawing] = xml
        found.parts[drawing_rels_part] = rels.to_bytes()
        found.graph[drawing] = [target for rel in rels if not rel.external
                                if (target := book.source.find(resolve_target(drawing, rel.target)))]
        sheet_rels = Relationships(None)
        plan.drawing_rel = sheet_rels.add(REL_DRAWING, relative_target(plan.part, drawing))
        found.parts[rels_part_for(plan.part)] = sheet_rels.to_bytes()
        found.graph[plan.part] = [drawing]
    return found


def _unreferenced_parts(book: _Book, graph: Mapping[str, list[str]], reachable_before: set[str],
                        plans: list[_SheetPlan], graph_changes: Mapping[str, list[str]]) -> set[str]:
    """Zip entries to leave out: parts only replaced sheets or dropped relationships reached.

    The rels parts of reused sheet parts go too: the new sheet XML references nothing but
    its drawing (`graph_changes`: the sheets' and drawings' references after the charts went in).
    """
    source = book.source
    reused = {plan.part for plan in plans if plan.reuse_part}
    graph_after = {part: list(targets) for part, targets in graph.items()}
    for part in reused:
        graph_after[part] = []
    graph_after.update(graph_changes)
    graph_after[book.part] = [found for rel in book.rels if not rel.external
                              if (found := source.find(resolve_target(book.part, rel.target)))]
    unreachable = {part for part in reachable_before - reachable_parts(graph_after) if source.has(part)}
    entries = set(unreachable)
    for part in unreachable | reused:
        rels = source.find(rels_part_for(part))
        if rels:
            entries.add(rels)
    for part in unreachable:
        book.content_types.remove_override(part)
    return entries


def _write_package(book: _Book, src_fp: BinaryIO, out: ZipWriter, plans: list[_SheetPlan],
                   styles: _MergedStyles, dropped: set[str], active: int, say: Callable[[str], None],
                   drawing_parts: Mapping[str, bytes]) -> None:
    """Write the entries in source order: generated sheets in place of reused parts, new parts last."""
    changed: dict[str, bytes] = {book.part: serialize_xml(book.root, book.original)}
    changed.update({name: data for name, data in drawing_parts.items() if book.source.has(name) and name not in dropped})
    added = {name: data for name, data in drawing_parts.items() if name not in changed}
    if book.rels.changed:
        changed[book.rels_part] = book.rels.to_bytes()
    if book.content_types.changed:
        changed[CONTENT_TYPES] = book.content_types.to_bytes()
    if styles.part is not None and styles.data is not None:
        changed[styles.part] = styles.data
    in_place = {plan.part: plan for plan in plans if plan.reuse_part}

    def write_sheet(plan: _SheetPlan) -> None:
        say(f"writing {plan.staged.sheet.name} …")
        pieces = plan.staged.sheet.render(styles.xf_index, tab_selected=plan.index == active,
                                          drawing_rel=plan.drawing_rel)
        out.write_stream(plan.part, pieces)

    say("copying workbook parts …")
    for info in book.source.infos:
        name = info.filename
        if name in dropped:
            continue
        if name in in_place:
            write_sheet(in_place.pop(name))
        elif name in changed:
            out.write_bytes(name, changed.pop(name))
        else:
            out.copy_raw(src_fp, info)
    if book.rels_part in changed:  # a workbook without rels part
        out.write_bytes(book.rels_part, changed.pop(book.rels_part))
    if styles.new_part is not None:
        out.write_bytes(styles.new_part, styles.data or b"")
    for plan in plans:
        if not plan.reuse_part:
            write_sheet(plan)
    for name, data in added.items():
        out.write_bytes(name, data)
    out.close(book.source.comment)


def _update_defined_names(workbook: etree._Element, new_index: Mapping[int, int | None], plans: list[_SheetPlan]) -> None:
    """Follow sheet moves/removals in localSheetId; one _xlnm._FilterDatabase and one
    _xlnm.Print_Titles per written sheet."""
    defined = workbook.find(qname(NS_MAIN, "definedNames"))
    if defined is not None:
        for name in list(defined):
            if not isinstance(name.tag, str) or name.get("localSheetId") is None:
                continue
            try:
                local = int(name.get("localSheetId"))
            except ValueError:
                continue
            new = new_index.get(local, local)
            if new is None:
                defined.remove(name)
            elif new != local:
                name.set("localSheetId", str(new))
    for builtin, wanted, text, hidden in ((_FILTER_NAME, _wants_filter, _filter_ref, True),
                                          (_TITLES_NAME, _wants_titles, _titles_ref, False)):
        defined = _set_sheet_names(workbook, defined, plans, builtin, wanted, text, hidden)
    if defined is not None and not len(defined):
        workbook.remove(defined)


def _set_sheet_names(workbook: etree._Element, defined: etree._Element | None, plans: list[_SheetPlan],
                     builtin: str, wanted: Callable[[_SheetPlan], bool], text: Callable[[_SheetPlan], str],
                     hidden: bool) -> etree._Element | None:
    """Exactly one sheet-level defined name `builtin` on each written sheet that wants it, none on
    the others; existing entries are rewritten in place.  Returns the <definedNames> element."""
    written = {plan.index: plan for plan in plans}
    done: set[int] = set()
    if defined is not None:
        for name in list(defined):
            if not isinstance(name.tag, str) or name.get("name") != builtin:
                continue
            try:
                local = int(name.get("localSheetId", ""))
            except ValueError:
                continue
            plan = written.get(local)
            if plan is None:
                continue
            if wanted(plan) and local not in done:
                name.text = text(plan)
                if hidden:
                    name.set("hidden", "1")
                done.add(local)
            else:
                defined.remove(name)
    for plan in plans:
        if wanted(plan) and plan.index not in done:
            if defined is None:
                defined = _insert_defined_names(workbook)
            name = etree.SubElement(defined, qname(NS_MAIN, "definedName"))
            name.set("name", builtin)
            name.set("localSheetId", str(plan.index))
            if hidden:
                name.set("hidden", "1")
            name.text = text(plan)
    return defined


def _update_book_views(workbook: etree._Element, new_index: Mapping[int, int | None], nsheets: int) -> int:
    """Keep activeTab/firstSheet on the same sheets; returns the active tab index."""
    active = 0
    views = workbook.find(qname(NS_MAIN, "bookViews"))
    if views is None:
        return active
    for view_number, view in enumerate(views.findall(qname(NS_MAIN, "workbookView"))):
        for attr in ("activeTab", "firstSheet"):
            if view.get(attr) is None:
                continue
            try:
                old = int(view.get(attr))
            except ValueError:
                continue
            new = new_index.get(old, old)
            if new is None:  # the sheet went away: nearest surviving sheet at or before it
                new = next((new_index[i] for i in range(old, -1, -1) if new_index.get(i) is not None), 0)
            new = max(0, min(new, nsheets - 1))
            if new != old:
                view.set(attr, str(new))
            if view_number == 0 and attr == "activeTab":
                active = new
    return active


def _wants_filter(plan: _SheetPlan) -> bool:
    """Autofiltered sheets need a hidden _xlnm._FilterDatabase name over their table."""
    return bool(plan.staged.sheet.table.autofilter and plan.staged.sheet.ncols)


def _quoted(plan: _SheetPlan) -> str:
    return "'" + plan.staged.sheet.name.replace("'", "''") + "'"


def _filter_ref(plan: _SheetPlan) -> str:
    sheet = plan.staged.sheet
    return f"{_quoted(plan)}!$A$1:${sheet.letters[-1]}${sheet.last_row}"


def _wants_titles(plan: _SheetPlan) -> bool:
    """Printed pages repeat the header row of every written sheet that has one."""
    return bool(plan.staged.sheet.ncols)


def _titles_ref(plan: _SheetPlan) -> str:
    """The header row; and the title columns too when the sheet prints over several pages wide."""
    columns = plan.staged.sheet.title_columns_ref()
    rows = f"{_quoted(plan)}!$1:$1"
    return f"{_quoted(plan)}!{columns},{rows}" if columns else rows


#: Elements of workbook.xml that may come between <sheets> and <calcPr>, in schema order.
_WORKBOOK_BEFORE_CALC = ["sheets", "functionGroups", "externalReferences", "definedNames"]


def _recalculate_on_load(workbook: etree._Element) -> None:
    """Ask the reader for a full recalculation on open: calcChain is gone and formulas that read
    the replaced sheets hold stale cached values."""
    calc = workbook.find(qname(NS_MAIN, "calcPr"))
    if calc is None:
        calc = etree.Element(qname(NS_MAIN, "calcPr"))
        anchor = None
        for tag in _WORKBOOK_BEFORE_CALC:
            found = workbook.find(qname(NS_MAIN, tag))
            if found is not None:
                anchor = found
        anchor.addnext(calc)
    calc.set("fullCalcOnLoad", "1")


def _insert_defined_names(workbook: etree._Element) -> etree._Element:
    """A new <definedNames>, placed where the schema wants it."""
    element = etree.Element(qname(NS_MAIN, "definedNames"))
    anchor = workbook.find(qname(NS_MAIN, "sheets"))
    for tag in _WORKBOOK_AFTER_SHEETS:
        found = workbook.find(qname(NS_MAIN, tag))
        if found is not None:
            anchor = found
    anchor.addnext(element)
    return element
