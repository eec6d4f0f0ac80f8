"""The web preview behind `lessonpack serve`: a small local app that shows each lesson's
printed pages as the PDF has them and rebuilds them when a file is saved.

serve.py      `lessonpack serve` itself: the app under uvicorn, stopped by Ctrl-C
catalog.py    which lessons and bundles there are (project/catalog.py), re-read as files change
builds.py     each one's latest build per paper size, and the browsers waiting for the next
snapshots.py  one build through the public pipeline, as the preview shows it (each file's
              variant read from the build's result, never from its name)
pages.py      PDF pages -> PNG images (pypdfium2), so the browser shows the real print
present.py    a preview as plain data for the page: documents, problems, quoted lines
watch.py      file changes -> the previews they make stale (watchfiles)
worker.py     the one thread each for WeasyPrint and pdfium
app.py        the Starlette routes; templates/ and static/ hold the page and its script
"""
