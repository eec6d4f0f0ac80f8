"""`python -m builder` runs the lessonpack command."""

from .cli import main

main()
