"""Data dictionaries: what a recipe declares and reads, then matching it to curated columns.

The recipe side (what a ``dictionary:`` block declares, and reading the file it names):

================  ====================================================================
recipe_block      the block's pydantic model and validation, and ``forms:`` (a table per form)
idc_forms         IDC's recipe entries (``clinical_notes.json``) as blocks, for ``import-idc``
load              the block's file chain opened and read by the reader of its ``kind``, once
parsed            what every reader returns: ``Dictionary`` of ``Variable`` with ``Option`` s
formats.<kind>    one reader per layout (below); ``formats.cells`` rows, header, cell texts;
                  ``formats.inline`` options written in one cell
================  ====================================================================

=========  ===========================================================================
acrin      ACRIN case-report-form workbooks: one sheet per form, options on following rows
sheet      a sheet (or CSV) naming columns: name -> label, optional codes (per row or in a cell)
lettered   a sheet describing the data columns by spreadsheet letter (``column D``)
nlst       NLST-style workbooks: Variable / Label / Description / Format Text (``1="Yes"``)
docx       Word documents: tables, or lists of ``name – label`` with nested option items
redcap     REDCap data dictionary exports (CSV): ``1, Yes | 2, No`` choices, checkboxes
=========  ===========================================================================

The matching side: ``match`` finds each variable's column (``match_by``, ``columns``);
``apply`` gives each matched ``CuratedColumn`` its label, options, partial and closed flags
(fields of the column, read downstream), its type where ``curation.column_types`` says the
values fit, and warns of values or columns the dictionary does not know.

This module imports nothing on purpose: ``curation.recipe`` imports ``recipe_block`` from here.
"""
