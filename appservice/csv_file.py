"""CSV files for people who open them in a spreadsheet program."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def spreadsheet_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark: without it, spreadsheet programs read
    Japanese text as mojibake."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")
