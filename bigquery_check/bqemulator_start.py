"""Start bqemulator with its fixes: ``python -m bigquery_check.bqemulator_start start ...``,
with the emulator venv's python, from the repository root (bigquery_check.emulator_build does).

The fixes: bigquery_check.patch_bqemulator (offset scope and names of ``UNNEST .. WITH
OFFSET``; ARRAY_AGG(DISTINCT x IGNORE NULLS ORDER BY x LIMIT n)) and
bigquery_check.patch_sqlglot (UNNEST generated from a copy). Everything else is bqemulator
(and sqlglot) as released.
"""

from __future__ import annotations

import sys


def main() -> None:
    from bqemulator.cli import main as bqemulator_main

    from bigquery_check import patch_bqemulator, patch_sqlglot

    patch_bqemulator.apply()
    patch_sqlglot.generate_unnest_from_a_copy()
    sys.argv[0] = "bqemulator"
    bqemulator_main()


if __name__ == "__main__":
    main()
