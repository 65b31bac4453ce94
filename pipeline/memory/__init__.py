"""The project-wide translation memory: every reviewed entry of every catalog, plus TMX files.

The catalogs (and the TMX files in ``tm/``) are the truth. The SQLite database in
``.newsloc/`` is only an index over them: a build refreshes it incrementally (files
whose size or modification time changed are read again), and deleting it loses
nothing.

- ``units``     what a memory holds (Unit, Origin) and how catalogs yield units
- ``tmx``       TMX 1.4b in and out (lxml; entities and network off, size limit)
- ``index``     the SQLite index: exact lookup, word candidates ranked by rapidfuzz
- ``leverage``  the build hook, pure: matches → memory drafts, conflicts, suggestions
- ``store``     the edges: which files feed the memory; `newsloc tm` import/export/stats
"""
