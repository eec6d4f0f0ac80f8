"""Stage 2, compose page data: a validated lesson becomes typed views for the
templates — numbered questions, version shuffles, readings with line numbers and
glossary marks, the timeline and its drawing, sanitized text. Nothing here renders.

Import the modules themselves; this file imports nothing."""
