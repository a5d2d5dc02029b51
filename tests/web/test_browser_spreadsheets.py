"""The plan's files in real headless Chromium: download the Excel template from the overview, change one
cell, upload it (a wrong file first, with its error summary), and see what changed; axe on each page."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect

from carepool.services.plans import list_versions

from .browser import serious_violations, served, sign_in_page
from .helpers import CONTRIBUTION, PLAN, Site


def _sign_in(page: Page, base: str, site: Site, username: str) -> None:
    sign_in_page(page, base, site.passwords, username)


def test_download_change_one_cell_and_upload(site: Site, browser: Browser, tmp_path: Path) -> None:
    found: dict[str, list[str]] = {}
    with served(site.app) as base:
        context = browser.new_context(accept_downloads=True)
        context.set_default_timeout(30_000)  # 2 cores shared with other test workers
        page = context.new_page()
        _sign_in(page, base, site, "brackenford-editor")
        page.goto(f"{base}/plans/{PLAN}")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the plan as an Excel template").click()
        assert download.value.suggested_filename == f"{PLAN}-v1.xlsx"
        wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        ws = wb["Contributions"]
        row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == CONTRIBUTION)
        ws.cell(row, 6).value = 1234.5
        filled = tmp_path / "filled.xlsx"
        wb.save(filled)
        wrong = tmp_path / "figures.xlsx"
        wrong.write_text("id,amount\nBRK-14-01,1234.50\n", encoding="utf-8")

        page.get_by_role("link", name="Upload a filled template").click()
        found["upload"] = serious_violations(page)
        page.get_by_label("Filled planning template").set_input_files(str(wrong))
        page.get_by_role("button", name="Upload and save as a new draft").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("text (CSV) file")
        expect(page.locator("#problems")).to_contain_text("figures.xlsx")
        found["upload-error"] = serious_violations(page)

        page.get_by_label("Filled planning template").set_input_files(str(filled))
        page.get_by_role("button", name="Upload and save as a new draft").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "filled.xlsx was saved as version 2"
        )
        expect(page.get_by_role("heading", name="Changes from version 1 to version 2")).to_be_visible()
        expect(page.locator("table")).to_contain_text("contributions[0].amount")
        found["uploaded"] = serious_violations(page)
        context.close()
    assert found == {"upload": [], "upload-error": [], "uploaded": []}
    assert [v.number for v in list_versions(site.app.extensions["carepool"].db, PLAN)] == [1, 2]
