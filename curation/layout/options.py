"""The recipe keys of a batch's layout (validated on load): header, cuts, skips, pivot, filter.

``LayoutOptions`` is the part of a recipe batch that describes the shape of the sheet
(``curation.recipe.Batch`` extends it); ``curation.layout`` applies it, in the order its
docstring lists.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from curation import recipe_regex


class RowFilter(BaseModel):
    """Keep only the rows whose ``column`` equals ``equals`` (or one of a list of values)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    column: str | int = Field(description="header as in the file, curated name, or 1-based position")
    equals: str | list[str] = Field(description="value(s) to keep, compared with the cell's trimmed text")

    @property
    def values(self) -> set[str]:
        return {self.equals} if isinstance(self.equals, str) else set(self.equals)


class LayoutOptions(BaseModel):
    """Recipe fields that say where the header and the data are in a sheet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    header_rows: list[int] = Field(
        default_factory=lambda: [1],
        min_length=1,
        description="1-based row numbers of the header; several are joined with '_'",
    )
    pivot: bool = Field(False, description="attributes in rows, patients in columns: transpose first")
    skip_rows_after_header: int = Field(0, ge=0, description="rows between the header and the data")
    skip_rows: list[int] = Field(default_factory=list, description="1-based data rows to drop")
    skip_columns: list[str | int] = Field(
        default_factory=list, description="columns to drop: header as in the file, curated name, or 1-based position"
    )
    last_data_row: int | None = Field(None, ge=1, description="1-based number of the last data row")
    stop_at_blank_row: bool = Field(False, description="the data end before the first fully blank row")
    stop_at: str | None = Field(
        None, description="regex: the data end before the first row whose first non-blank cell matches"
    )
    row_filter: RowFilter | None = None

    @field_validator("header_rows")
    @classmethod
    def _rows_positive_increasing(cls, rows: list[int]) -> list[int]:
        if any(r < 1 for r in rows):
            raise ValueError("header rows are 1-based spreadsheet row numbers")
        if rows != sorted(set(rows)):
            raise ValueError("header rows must be increasing and distinct")
        return rows

    @field_validator("skip_rows")
    @classmethod
    def _skip_rows_positive(cls, rows: list[int]) -> list[int]:
        if any(r < 1 for r in rows):
            raise ValueError("skip_rows are 1-based spreadsheet row numbers")
        return rows

    @field_validator("skip_columns")
    @classmethod
    def _skip_columns_positive(cls, columns: list[str | int]) -> list[str | int]:
        if any(isinstance(c, int) and c < 1 for c in columns):
            raise ValueError("a column position is 1-based")
        return columns

    @field_validator("stop_at")
    @classmethod
    def _regex_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                recipe_regex.compile_pattern(pattern)
            except ValueError as exc:
                raise ValueError(f"stop_at: {exc}") from None
        return pattern

    @property
    def first_data_row(self) -> int:
        """1-based row number of the first data row."""
        return self.header_rows[-1] + self.skip_rows_after_header + 1
