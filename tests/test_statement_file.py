"""Monthly statement files (pure rendering): the seed's October example in PDF, XLSX and CSV,
whose lines and totals agree; Japanese with and without a CJK font on the machine."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from appservice import statement_file, voucher_sheet
from appservice.statement_file import Line, Statement, render

OCTOBER = (
    Line(date(2026, 10, 1), "ビデオセッション 50分", "相談者 #2417", 8000),
    Line(date(2026, 10, 10), "ビデオセッション 50分", "ハル", 8000),
    Line(date(2026, 10, 20), "手紙相談パッケージ（4回）", "ハル", 12000),
)
HAS_CJK_FONT = voucher_sheet.find_cjk_font() is not None


def _statement(lang: str = "ja", lines: tuple[Line, ...] = OCTOBER) -> Statement:
    return Statement("ひだまり相談室", "佐藤", "2026-10", lines, lang)


def _squeeze(text: str) -> str:
    # Text in a CID-keyed CJK font comes out of pypdf with NULs between glyphs.
    return re.sub(r"[\s\x00]+", "", text)


def test_the_october_example_adds_up_in_every_format() -> None:
    statement = _statement()
    assert statement.total == 28000
    rows = list(csv.reader(io.StringIO(render(statement, "csv").decode("utf-8-sig"))))
    assert rows[0] == ["日付", "内容", "相談者", "金額"]
    assert [r[0] for r in rows[1:4]] == ["2026-10-01", "2026-10-10", "2026-10-20"]
    assert sum(int(r[3]) for r in rows[1:4]) == int(rows[4][3]) == 28000
    assert rows[4][0] == "合計"
    sheet = load_workbook(io.BytesIO(render(statement, "xlsx"))).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "ひだまり相談室 明細 2026-10" and values[1][0] == "担当: 佐藤"
    body = values[4:7]
    assert [(v[0].date(), v[2], v[3]) for v in body] == [  # type: ignore[union-attr]
        (x.day, x.client, x.price) for x in OCTOBER
    ]
    assert values[7][0] == "合計" and values[7][3] == sum(v[3] for v in body) == 28000
    assert all(isinstance(v[0], datetime) for v in body)


@pytest.mark.parametrize("cjk", [True, False] if HAS_CJK_FONT else [False])
def test_pdf_shows_every_line_and_the_total(monkeypatch: pytest.MonkeyPatch, cjk: bool) -> None:
    if not cjk:
        monkeypatch.setattr(statement_file, "find_cjk_font", lambda: None)
    pdf = PdfReader(io.BytesIO(render(_statement(), "pdf")))
    text = _squeeze("".join(page.extract_text() for page in pdf.pages))
    for amount in ("8,000JPY", "12,000JPY", "28,000JPY"):
        assert amount in text
    assert text.count("2026-10-") == 3
    if cjk:
        assert "合計" in text and "相談者#2417" in text and "ひだまり相談室" in text
    else:  # English labels; what core fonts cannot draw is "?"
        assert "Total" in text and "Amount" in text


def test_english_and_an_empty_month() -> None:
    english = Statement("Hidamari", "Sato", "2026-10", (), "en")
    rows = list(csv.reader(io.StringIO(render(english, "csv").decode("utf-8-sig"))))
    assert rows == [["Date", "Item", "Client", "Amount"], ["Total", "", "", "0"]]
    text = PdfReader(io.BytesIO(render(english, "pdf"))).pages[0].extract_text()
    assert "Nothing was delivered this month." in text and "0 JPY" in text
    with pytest.raises(ValueError):
        render(english, "docx")
