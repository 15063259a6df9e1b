"""Bulk catalog work for shop staff: products in and out of spreadsheets, and many stock
levels changed at once.

- ``columns``: the spreadsheet's columns, one definition shared by the import and the export
  so that an exported file imports back unchanged.
- ``sheets``: reading an uploaded CSV or XLSX file into rows of text, and writing rows back
  out; every refusal is a message for staff (a row, a column, what is wrong), never a crash.
- ``images``: fetching a product picture from an http(s) address without letting a file make
  the server fetch from itself or the shop's private network.
- ``importer``: rows → a plan (what would be created, updated, left alone, and the row
  errors), shown to staff as a dry run; the confirmed plan → published page revisions and
  stock changes through ``catalog.inventory``.
- ``exporter``: the catalog → rows, in the import's format.
- ``stock``: the bulk stock editor's service: several levels, each refused on its own when
  someone changed it since the page was opened.

Why openpyxl and the standard ``csv`` module rather than django-import-export (or tablib, the
library it is built on). django-import-export maps one spreadsheet row to one model instance
and saves it with ``instance.save()``; a product here is a Wagtail page that must be created
with ``parent.add_child()``, saved as a revision and published, and one product with variants
spans several rows. Its dry run runs the whole import in a transaction and rolls it back,
which would create (then throw away) pages and fetch pictures from the internet inside a
database transaction; and its views are Django admin views, not Wagtail admin ones. tablib
would add little over openpyxl: its XLSX reader loads cached values (``data_only=True``), so
a formula cannot be told from a typed value, and its CSV reader drops blank lines, so the
row numbers in error messages would not match the ones the spreadsheet shows. openpyxl
(already pinned: Wagtail's own exports use it) reads formulas as formulas and keeps row
numbers; ``csv`` is the standard library's parser. Neither needs a new dependency.
"""
