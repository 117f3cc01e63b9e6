"""Curate TCIA clinical spreadsheets into IDC-style dbt seeds (see README.md)."""

import os

__version__ = "0.1.0"

# Arrow's allocator (mimalloc) backs its large buffers with transparent huge pages. On a virtual
# machine whose host hands the guest memory lazily (the project's Firecracker machines), the
# first touch of each 2 MiB page costs the kernel far more than the 4 KiB pages it would touch
# instead: curating a 100 MB CSV spent a third of its CPU zeroing huge pages (scripts/bench.py,
# curate csv). mimalloc reads this setting once, when pyarrow is loaded, which this package
# does only after this line; a value already in the environment is kept.
os.environ.setdefault("MIMALLOC_ALLOW_THP", "0")
