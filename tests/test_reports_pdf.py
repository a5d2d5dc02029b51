"""The PDF board paper renders for both demo plans, and every page prints as a non-blank PNG (pdftoppm)."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from carepool.demo import build_demo_plans
from carepool.model.plan import Plan
from carepool.policy import load_pack
from carepool.reports.data import build_report_data
from carepool.reports.pdf import render_pdf

# Pages per demo paper: summary; minimums and pooled totals; the flow diagram and its table (two pages for
# Brackenford, three for Wealdshire); spend; metrics (two pages); performance; risks; milestones with
# conditions (which run on). A layout change that moves these is worth a look at the PNGs.
EXPECTED_PAGES = {"demo-brackenford-2015-16": 11, "demo-wealdshire-2015-16": 12}


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split(":")[1] for line in info.splitlines() if line.startswith("Pages:")))


def ink(png: Path) -> float:
    """The share of pixels that are not (near) white."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
        return 1 - sum(histogram[245:]) / (grey.width * grey.height)


@pytest.mark.parametrize("plan", build_demo_plans(), ids=lambda p: p.id)
def test_pdf_renders_and_every_page_has_ink(plan: Plan, tmp_path: Path) -> None:
    pdf = render_pdf(build_report_data(plan, load_pack(plan.policy)), date(2015, 3, 31))
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    assert page_count(path) == EXPECTED_PAGES[plan.id]
    subprocess.run(["pdftoppm", "-r", "24", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == EXPECTED_PAGES[plan.id]
    for png in pages:
        assert png.read_bytes().startswith(b"\x89PNG")
        assert ink(png) > 0.01, png.name
    with Image.open(pages[0]) as first:
        assert first.height > first.width  # A4 portrait
