"""Stage 4, what a build writes: the plan of documents, every output's name from what
it is (outputs.py), cache inputs and store, workers, bundle packets, staging and
writing, and the build itself (pipeline.py).

Import the modules themselves; this file imports nothing."""
