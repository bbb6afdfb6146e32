"""The build pipeline: official source files in, the app's data folder out.

``catalogue`` (the declared snapshots), ``readers`` (one module per
published format), ``assemble`` (joining one snapshot's sources),
``areas`` (commissioner and ICB areas, LSOA placement), ``geography``
(positions and shared-edge simplification), ``boundaries`` and
``catchments`` (derived network areas), ``snapshot`` (one snapshot built),
``derived`` (its network boundaries), ``output`` (the data folder written
and swapped in) and ``build`` (the whole run).
"""
