"""Data dictionaries: readers for the layouts collections ship, one common model.

A recipe table names its dictionary in a ``dictionary:`` block (``curation.dictionaries.spec``):
its ``kind`` chooses the reader, one small module per layout, each returning a ``Dictionary``
(``curation.dictionaries.model``):

=========  ===========================================================================
acrin      ACRIN case-report-form workbooks: one sheet per form, options on following rows
sheet      a sheet (or CSV) naming columns: name -> label, optional codes (per row or in a cell)
lettered   a sheet describing the data columns by spreadsheet letter (``column D``)
nlst       NLST-style workbooks: Variable / Label / Description / Format Text (``1="Yes"``)
docx       Word documents: tables, or lists of ``name – label`` with nested option items
redcap     REDCap data dictionary exports (CSV): ``1, Yes | 2, No`` choices, checkboxes
=========  ===========================================================================

``curation.dictionaries.match`` finds each variable's column (``match_by``, ``columns``);
``curation.dictionaries.idc_forms`` turns IDC's recipe entries into dictionary blocks;
``curation.dictionaries.apply`` matches a dictionary to a curated table: labels, types, coded
values for column_metadata, and warnings for values or columns the dictionary does not know.

This module imports nothing on purpose: ``curation.recipe`` imports ``spec`` from here.
"""
