"""The board paper as PDF, printed from the HTML by WeasyPrint (the only module that imports it).

WeasyPrint needs Pango at run time (Debian: libpango-1.0-0, libpangoft2-1.0-0) and some fonts.
"""

from __future__ import annotations

from datetime import date

from carepool.reports.data import ReportData
from carepool.reports.html import render_html


def html_to_pdf(html: str) -> bytes:
    """Print an HTML document (self-contained: inline CSS and SVG) to PDF bytes."""
    from weasyprint import HTML  # imported here so HTML reports work where Pango is missing

    pdf = HTML(string=html).write_pdf()
    if not isinstance(pdf, bytes):
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


def render_pdf(data: ReportData, today: date | None = None) -> bytes:
    """The whole board paper as PDF bytes."""
    return html_to_pdf(render_html(data, today))
