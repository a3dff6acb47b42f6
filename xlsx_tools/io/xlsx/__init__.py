"""The xlsx file adapter by file part.

* `workbook_file`: the `WorkbookFile` port (fastexcel reading, atomic commit);
* `graft`: copies a package with generated sheet parts put in;
* `sheet_xml`: generates a worksheet part for an `OutputTable`;
* `styles`: appends the cell styles those sheets need to styles.xml;
* `opc`: part names, relationships, content types and the shared namespaces;
* `rawzip`: the zip writer (raw copies, parallel deflate);
* `dates`: Excel serial dates and the 1904 date system, in one place.
"""
