"""Fast unit tests of the rules (dates, letters, shuffles, validation, the sandbox, cache
inputs): no PDF is rendered, so the mutation-testing run can afford to run them for every
mutant (pyproject.toml [tool.mutmut])."""

from __future__ import annotations
