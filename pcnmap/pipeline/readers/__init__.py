"""Readers for the publishers' own file formats, one module per format.

Each reader returns a plain table with the project's column names and a
``source_row`` column (the row as a person opening the file would count it),
so that every later finding can point back at its record. Structural problems
raise :class:`~pcnmap.problems.SourceError`; record-level problems are written
to the :class:`~pcnmap.problems.QualityLog` and the record is kept.

- :mod:`~pcnmap.pipeline.readers.csvfiles`: CSV and zip primitives they share
  (text fields, source rows, renamed columns, codes, counts, repeats).
- :mod:`~pcnmap.pipeline.readers.epraccur`: ODS GP practices, both layouts.
- :mod:`~pcnmap.pipeline.readers.epcn`: NHS Digital's ePCN workbook.
- :mod:`~pcnmap.pipeline.readers.list_sizes`: list sizes (registered monthly,
  quinary age, NHS Payments, QOF).
- :mod:`~pcnmap.pipeline.readers.practice_map`: NHS Digital's practice map.
- :mod:`~pcnmap.pipeline.readers.codepoint`: OS Code-Point Open.
- :mod:`~pcnmap.pipeline.readers.ons`: ONS boundaries, lookups, rural-urban.
"""
