"""`lessonpack export`: a lesson's documents and questions as a Canvas quiz package (QTI
1.2) and as Moodle XML, for the school's learning platform (SPEC §7).

quiz.py turns the render context into platform-neutral items; canvas.py and moodle.py
write them; run.py loads, checks, measures line numbers and writes all or nothing. A
layer beside output/: it reads lessons the way a build does but writes other files.
"""
