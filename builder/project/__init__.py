"""Stage 1, find and read a project: its layout facts (files.py), the catalog of its
lessons and bundles (discover.py), YAML with line numbers, the models, dates, the
rules a lesson must keep, bundle files and the starter lesson. Nothing here renders.

Import the modules themselves; this file imports nothing, so `lessonpack --help` and
`check` load only what they use."""
