"""The account a run gives of itself: rows and columns in and out, and warnings.

Every source row is either written or skipped with a reason; every source column is either
written or dropped with a reason. ``TableReport.balanced`` checks that the sums add up.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from curation.errors import Where


@dataclass(frozen=True)
class Warning_:
    code: str
    message: str
    where: Where

    def __str__(self) -> str:
        located = self.where.describe()
        return f"[{self.code}] {self.message}" + (f" ({located})" if located else "")


@dataclass
class TableReport:
    table_name: str
    batches: int = 0
    rows_read: int = 0
    rows_written: int = 0
    rows_skipped: Counter = field(default_factory=Counter)
    source_columns: int = 0  # summed over batches
    source_columns_kept: int = 0  # summed over batches
    columns_written: int = 0  # in the table (a union over batches, plus the two added ones)
    columns_dropped: Counter = field(default_factory=Counter)
    warnings: list[Warning_] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        rows_ok = self.rows_read == self.rows_written + sum(self.rows_skipped.values())
        columns_ok = self.source_columns == self.source_columns_kept + sum(self.columns_dropped.values())
        return rows_ok and columns_ok


@dataclass
class RunReport:
    tables: list[TableReport] = field(default_factory=list)

    @property
    def warnings(self) -> list[Warning_]:
        return [w for t in self.tables for w in t.warnings]
