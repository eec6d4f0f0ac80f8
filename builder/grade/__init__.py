"""Answer sheets and grading (SPEC §7): print scannable sheets beside the handouts, and
read a stack of scans back into a grade sheet and an item analysis.

plan.py says what a lesson's or bundle's sheets hold, layout.py where each bubble sits,
sheets.py prints them; scans.py and read.py read scanned pages, run.py grades them.
"""
