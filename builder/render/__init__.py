"""Stage 3, render: paper sizes (the one table), the theme's search path, HTML through
Jinja, PDF through WeasyPrint, line measuring, layout checks, and joining and
stamping PDFs. The only stage that loads WeasyPrint or Jinja.

Import the modules themselves; this file imports nothing."""
