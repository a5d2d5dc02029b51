"""End to end in real headless Chromium (Debian's package) against the app on a threaded server: sign in, open a
plan, read the checklist, edit a contribution, meet a concurrency refusal; axe on every page type."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from carepool.services import workflow

from .browser import serious_violations, served, shot, sign_in_page
from .helpers import CONTRIBUTION, OTHER, PLAN, Site


def sign_in(page: Page, base: str, site: Site, username: str) -> None:
    sign_in_page(page, base, site.passwords, username)


def test_edit_a_plan_and_meet_a_concurrent_save(site: Site, browser: Browser) -> None:
    with served(site.app) as base:
        context = browser.new_context()
        context.set_default_timeout(30_000)  # 2 cores shared with other test workers
        page = context.new_page()
        sign_in(page, base, site, "brackenford-editor")
        shot(page, "01-plans")
        page.get_by_role("link", name=re.compile("Brackenford")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Brackenford")
        shot(page, "02-overview")

        page.get_by_role("link", name="Checklist").first.click()
        expect(page.get_by_role("heading", name="Checklist")).to_be_visible()
        expect(page.get_by_text("Ready", exact=True)).to_be_visible()
        shot(page, "03-checklist")

        edit = f"{base}/plans/{PLAN}/contributions/{CONTRIBUTION}"
        other = context.new_page()  # a colleague (same role) opens the same form
        page.goto(edit)
        other.goto(edit)

        page.get_by_label("Amount").fill("twelve")
        page.get_by_role("button", name="Save as a new draft").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter the amount in pounds and pence")
        shot(page, "04-edit-error")
        summary.get_by_role("link").click()
        expect(page.get_by_label("Amount")).to_be_focused()

        page.get_by_label("Amount").fill("£5,900,000.00")
        page.get_by_role("button", name="Save as a new draft").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved as version 2")
        expect(page.get_by_text("£5,900,000.00").first).to_be_visible()
        shot(page, "05-saved")

        other.get_by_label("Amount").fill("£1.00")
        other.get_by_role("button", name="Save as a new draft").click()
        expect(other.locator(".govuk-error-summary")).to_contain_text("but version 2 was saved by")
        shot(other, "06-concurrent-refused")

        page.goto(f"{base}/plans/{PLAN}/checklist")
        expect(page.locator(".govuk-tag--red").first).to_be_visible()  # £5.9m misses the minimum
        shot(page, "07-checklist-errors")
        context.close()


def test_edit_a_section_in_the_browser(site: Site, browser: Browser) -> None:
    """Add a pool with real form controls (text, radios, select, Yes/No), meet an error on the way, see it
    on the section page, then remove it after the confirmation page."""
    with served(site.app) as base:
        context = browser.new_context()
        context.set_default_timeout(30_000)
        page = context.new_page()
        sign_in(page, base, site, "brackenford-editor")
        page.goto(f"{base}/plans/{PLAN}/sections/pools")
        page.get_by_role("link", name="Add a pool").click()
        page.get_by_label("Name").fill("Carers pool")
        page.get_by_role("button", name="Save as a new draft").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Enter the ID")
        expect(summary).to_contain_text("Select the host partner")
        summary.get_by_role("link", name="Enter the ID").click()
        expect(page.get_by_label("ID", exact=True)).to_be_focused()
        expect(page.get_by_label("Name")).to_have_value("Carers pool")  # kept
        page.get_by_label("ID", exact=True).fill("BRK-CA")
        page.get_by_label("NHS Brackenford CCG (Z2A)").check()
        page.get_by_role("group", name="Arrangement").get_by_label("Aligned").check()
        page.get_by_role("button", name="Save as a new draft").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Saved as version 2: pool BRK-CA added"
        )
        card = page.locator(".govuk-summary-card", has_text="Carers pool")
        expect(card).to_contain_text("aligned")
        shot(page, "11-pool-added")
        card.get_by_role("link", name="Remove").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Are you sure you want to remove pool BRK-CA?"
        )
        page.get_by_role("button", name="Yes, remove pool BRK-CA").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("pool BRK-CA removed")
        expect(page.locator(".govuk-summary-card", has_text="Carers pool")).to_have_count(0)
        context.close()


def test_no_serious_accessibility_violations_on_any_page_type(site: Site, browser: Browser) -> None:
    pages = {
        "plan-list": "/plans",
        "overview": f"/plans/{PLAN}",
        "section": f"/plans/{PLAN}/sections/contributions",
        "checklist": f"/plans/{OTHER}/checklist",
        "versions": f"/plans/{PLAN}/versions",
        "edit": f"/plans/{PLAN}/contributions/{CONTRIBUTION}",
        "submit": f"/plans/{PLAN}/submit",
        "not-found": "/plans/no-such-plan",
        "dashboard": "/dashboard",
        "assurance-list": "/assurance",
        "diff": f"/plans/{PLAN}/versions/1/diff/1",
        "audit": f"/plans/{PLAN}/audit",
        "check-answers": f"/plans/{PLAN}/check-answers",
        "remove": f"/plans/{PLAN}/sections/risks/0/remove",
        "add": f"/plans/{PLAN}/sections/milestones/add",
        "edit-s75": f"/plans/{PLAN}/sections/s75/change",
    }
    found: dict[str, list[str]] = {}
    assert workflow.submit(site.app.extensions["carepool"].db, PLAN, actor="test").submitted
    with served(site.app) as base:
        context = browser.new_context()
        context.set_default_timeout(30_000)  # 2 cores shared with other test workers
        page = context.new_page()
        page.goto(f"{base}/sign-in")
        found["sign-in"] = serious_violations(page)
        page.get_by_role("button", name="Sign in").click()
        found["sign-in-error"] = serious_violations(page)
        sign_in(page, base, site, "admin")
        for name in ("plan-list", "overview", "section", "checklist", "versions", "not-found", "dashboard"):
            page.goto(base + pages[name])
            found[name] = serious_violations(page)
        for name in ("assurance-list", "diff", "audit"):
            page.goto(base + pages[name])
            found[name] = serious_violations(page)
        page.goto(f"{base}/plans/{PLAN}/assurance")
        found["assurance-form"] = serious_violations(page)
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Select an assurance category")
        found["assurance-error"] = serious_violations(page)
        page.get_by_label("Approved", exact=True).check()
        page.get_by_label("Finance", exact=True).fill("Pooled totals reconcile.")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("Assurance recorded: approved")
        found["assurance-outcome"] = serious_violations(page)
        shot(page, "08-assurance-outcome")
        page.get_by_role("link", name="People").click()
        found["admin-users"] = serious_violations(page)
        page.get_by_role("button", name="Add a person").click()
        page.get_by_role("button", name="Add this person").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        found["admin-new-user-error"] = serious_violations(page)
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, base, site, "brackenford-editor")
        for name in ("edit", "submit", "check-answers", "remove", "add", "edit-s75"):
            page.goto(base + pages[name])
            found[name] = serious_violations(page)
        page.goto(base + pages["edit"])
        page.get_by_label("Amount").fill("x")
        page.get_by_role("button", name="Save as a new draft").click()
        found["edit-error"] = serious_violations(page)
        page.goto(f"{base}/plans/{PLAN}/scenarios")
        found["scenarios"] = serious_violations(page)
        page.get_by_label("Name of the set").fill("Options")
        page.locator("#scenario-1-name").fill("Lower ambition")
        page.locator("#scenario-1-ambition_pct").fill("lots")
        page.get_by_role("button", name="Save and compare").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("as a percentage")
        found["scenarios-error"] = serious_violations(page)
        page.locator("#scenario-1-ambition_pct").fill("2")
        page.get_by_role("button", name="Save and compare").click()
        expect(page.locator("#comparison")).to_be_visible()
        found["scenarios-compared"] = serious_violations(page)
        shot(page, "12-scenarios")
        # the generic form with errors in a date input and in a table of inputs
        page.goto(f"{base}/plans/{PLAN}/sections/milestones/0/change")
        page.get_by_role("group", name="Deadline", exact=True).get_by_label("Day").fill("")
        page.get_by_label("Title, row 1").fill("")
        page.get_by_role("button", name="Save as a new draft").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("The deadline must include a day")
        found["edit-section-error"] = serious_violations(page)
        shot(page, "09-section-error")
        page.goto(f"{base}/plans/{PLAN}/sections/schemes/0/change")
        page.get_by_label("Amount, row 1").fill("lots")
        page.get_by_role("button", name="Save as a new draft").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Funding row 1: enter the amount")
        found["edit-table-error"] = serious_violations(page)
        shot(page, "10-table-error")
        page.goto(f"{base}/plans/{PLAN}/monitoring")
        expect(page.get_by_role("heading", name="Quarterly monitoring")).to_be_visible()
        found["monitoring"] = serious_violations(page)
        shot(page, "11-monitoring")
        page.get_by_label("Return file").set_input_files(
            files=[{"name": "q3.json", "mimeType": "application/json", "buffer": b'{"format": "nope"}'}]
        )
        page.get_by_role("button", name="Record the return").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("not a carepool quarterly return")
        found["monitoring-error"] = serious_violations(page)
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, base, site, "brackenford-chair")
        page.goto(f"{base}/plans/{PLAN}/sign")
        found["sign"] = serious_violations(page)
        context.close()
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 32


def test_the_accessibility_check_does_find_problems(browser: Browser) -> None:
    """Guards the guard: a page with an unlabelled input and an image without alt text must fail."""
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png"><input type="text"></main></html>'
    )
    found = serious_violations(page)
    page.close()
    assert any(v.startswith("image-alt") for v in found)
