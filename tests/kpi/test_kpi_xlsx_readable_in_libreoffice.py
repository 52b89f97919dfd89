"""The KPI workbook is readable as opened in a spreadsheet (LibreOffice showed ids such as
``referral_decisions_1wd`` cut at the default column width). No LibreOffice needed."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from cfcs_qa.reporting.kpi_rows import COLUMNS
from cfcs_qa.reporting.kpi_xlsx import kpi_xlsx

KPI = {"number": 7, "id": "referral_decisions_1wd",
       "title": "Referral decisions within 1 working day",
       "group": "Safeguarding and Children in Need", "unit": "percent",
       "polarity": "higher_is_better", "status": "ok", "provisional": False,
       "value": 94.28571428571429, "numerator": 66, "denominator": 70, "target": 95,
       "target_is_default": True, "rag": "amber", "previous": 87.5, "direction": "improving",
       "blank_flags": 0, "comparators": [],
       "by_team": {"Children with Disabilities Team": {"value": 100.0, "numerator": 4,
                                                       "denominator": 4}}}
REPORT = {"month": "2026-10", "as_of": "2026-11-20", "period": "month", "synthetic": True,
          "kpis": [KPI]}


def test_every_column_is_wide_enough_to_read() -> None:
    ws = load_workbook(io.BytesIO(kpi_xlsx(REPORT)))["KPIs"]
    header = next(r[0].row for r in ws.iter_rows() if r[0].value == "section")
    widths = {name: ws.column_dimensions[ws.cell(header, i).column_letter].width
              for i, name in enumerate(COLUMNS, start=1)}
    assert all(widths[name] >= len(name) for name in COLUMNS), widths
    assert widths["id"] >= len("referral_decisions_1wd")
    assert widths["breakdown"] >= len("Children with Disabilities Team")
    assert widths["title"] == 50 and widths["comparators"] == 60
    assert widths["value"] < 12  # sized as shown (94.3), not as stored (94.28571428571429)
