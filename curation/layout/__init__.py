"""Layout: where a sheet's header and data are, and which rows and columns are kept.

A batch's layout keys (``LayoutOptions``, part of every recipe batch) are applied to the grid
of cell texts a reader returns (``curation.readers.Grid``, column by column), each step a
whole-column operation, in this order (the order a reader of the recipe should think in):

1. ``pivot``: rows and columns trade places first; every option below then counts rows and
   columns of the turned sheet (row n is the sheet's column n).                  (header.py)
2. ``header_rows``: the header; every row above it is ignored (not data). Merged and blank
   header cells are filled as IDC's reading names them (carry-right).           (header.py)
3. ``skip_rows_after_header``: rows between the header and the data.            (rows.py)
4. the cut: the data end at ``last_data_row``, before the first fully blank row
   (``stop_at_blank_row``), or before the first row whose first non-blank cell matches
   ``stop_at`` (trailing notes), whichever comes first.                          (rows.py)
5. ``skip_rows`` drops given rows; fully blank rows are dropped; ``row_filter`` keeps the rows
   whose column equals a value; rows with data but a blank patient cell stop the run, or are
   dropped with a warning (``blank_patient_ids``).                               (rows.py)
6. ``skip_columns`` drops given columns; a column with neither header nor kept values is
   dropped; the kept columns get unique names.                                   (columns.py)

Every row after the header is accounted for as written or skipped with one of the reasons
in ``SkipReason``, every source column as kept or dropped with a reason. ``apply_layout``
(apply.py) runs the steps; options.py holds the recipe keys.
"""

from curation.layout.apply import Layout, apply_layout
from curation.layout.options import LayoutOptions
from curation.layout.rows import SkipReason, pandas_rows

__all__ = ["Layout", "LayoutOptions", "SkipReason", "apply_layout", "pandas_rows"]
