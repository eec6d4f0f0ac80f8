"""Stage 1, find and read a project: its layout facts (files.py), finding lessons and
bundles (discover.py) and describing them for `list` and the preview (catalog.py),
YAML with line numbers, the models, dates, paper names, the text syntax, the rules a
lesson must keep, bundle files and the starter lesson. Nothing here renders.

Import the modules themselves; this file imports nothing, so `lessonpack --help` and
`check` load only what they use."""
