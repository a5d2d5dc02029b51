"""The whole journey in real headless Chromium, as the people who make it: an editor breaks and mends
the plan (the checklist goes red, then green) and submits it; each partner signatory and the Health and
Wellbeing Board chair sign that version; the regional assurer records "approved subject to conditions";
the editor sees the outcome, changes the plan (a new draft: the signatures lapse) and resubmits; the
dashboard shows where it stands. Screenshots of every step are kept in tests/web/screenshots."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from carepool.services.accounts import FAST, create_user
from carepool.services.permissions import Assignment, Role

from .browser import served, shot, sign_in_page
from .helpers import CONTRIBUTION, PLAN, Site

AREA = "E06900001"  # Brackenford
COUNCIL_SIGNATORY = "brackenford-council-signatory"
PASSWORD = "council signatory password"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def set_contribution(page: Page, base: str, amount: str) -> None:
    page.goto(f"{base}/plans/{PLAN}/contributions/{CONTRIBUTION}")
    page.get_by_label("Amount").fill(amount)
    page.get_by_role("button", name="Save as a new draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved as version")


def status(page: Page, base: str) -> str:
    page.goto(f"{base}/plans/{PLAN}")
    row = page.locator(".govuk-summary-list__row", has_text="Status").first
    return row.inner_text()


def test_build_check_submit_sign_assure_resubmit_and_the_dashboard(site: Site, browser: Browser) -> None:
    accounts = site.app.extensions["carepool"].accounts
    # The demo has one partner signatory per area; the council signs too, so give it an account.
    create_user(
        accounts,
        COUNCIL_SIGNATORY,
        "Council Signatory",
        PASSWORD,
        [Assignment(Role.PARTNER_SIGNATORY, area_code=AREA, organisation=AREA)],
        FAST,
    )
    passwords = {**site.passwords, COUNCIL_SIGNATORY: PASSWORD}
    with served(site.app) as base:
        context = browser.new_context()
        context.set_default_timeout(30_000)  # 2 cores shared with other test workers
        page = context.new_page()

        # 1. Build: the editor breaks the plan (a partner falls short of its minimum) and mends it.
        sign_in_page(page, base, passwords, "brackenford-editor")
        page.goto(f"{base}/plans/{PLAN}/contributions/{CONTRIBUTION}")
        original = page.get_by_label("Amount").input_value()
        set_contribution(page, base, "£1.00")
        page.goto(f"{base}/plans/{PLAN}/checklist")
        expect(page.locator(".govuk-tag--red").first).to_be_visible()
        shot(page, "journey-01-checklist-red")
        set_contribution(page, base, original)
        page.goto(f"{base}/plans/{PLAN}/checklist")
        expect(page.get_by_text("Ready", exact=True)).to_be_visible()
        expect(page.locator(".govuk-tag--red")).to_have_count(0)
        shot(page, "journey-02-checklist-green")

        # 2. Submit the version the checklist passed.
        page.goto(f"{base}/plans/{PLAN}/submit")
        page.get_by_role("button", name=re.compile(r"Submit version \d+")).click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("submitted")
        submitted = int(
            re.findall(r"Version (\d+) submitted", page.locator(".govuk-notification-banner").inner_text())[0]
        )
        shot(page, "journey-03-submitted")
        sign_out(page)

        # 3. Every signatory signs that version.
        for username, full_name in (
            ("brackenford-signatory", "Martin Sayle"),
            (COUNCIL_SIGNATORY, "Dr Helen Okafor"),
            ("brackenford-chair", "Cllr Chair"),
        ):
            sign_in_page(page, base, passwords, username)
            page.goto(f"{base}/plans/{PLAN}/sign")
            page.get_by_label("Full name").fill(full_name)
            page.get_by_label("Role").fill("Signatory for the test")
            page.get_by_role("button", name=f"Sign version {submitted}").click()
            expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Signed version {submitted}")
            shot(page, f"journey-04-signed-{username}")
            sign_out(page)

        # 4. The regional assurer records the outcome, with a condition and a due date.
        sign_in_page(page, base, passwords, "assurer")
        assert "fully signed" in status(page, base)
        page.goto(f"{base}/assurance")
        expect(page.get_by_role("link", name=re.compile("Brackenford")).first).to_be_visible()
        page.goto(f"{base}/plans/{PLAN}/assurance")
        page.get_by_label("Approved subject to conditions", exact=True).check()
        page.get_by_label("Finance", exact=True).fill("Pooled totals reconcile; minimums met.")
        page.get_by_label("Condition 1").fill("Publish the s75 agreement signed by both partners.")
        page.locator("#condition-1-day").fill("31")
        page.locator("#condition-1-month").fill("3")
        page.locator("#condition-1-year").fill("2027")
        page.get_by_role("button", name="Record the decision").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Assurance recorded: approved subject to conditions"
        )
        shot(page, "journey-05-assured")
        sign_out(page)

        # 5. The area sees the outcome, changes the plan (signatures lapse) and resubmits.
        sign_in_page(page, base, passwords, "brackenford-editor")
        assert "approved subject to conditions" in status(page, base)
        expect(page.get_by_text("Publish the s75 agreement signed by both partners.")).to_be_visible()
        shot(page, "journey-06-outcome-seen-by-the-area")
        set_contribution(page, base, "£1.00")  # a change after submission opens a new draft
        assert "draft" in status(page, base)
        set_contribution(page, base, original)  # and the area puts it right: still a new version
        page.goto(f"{base}/plans/{PLAN}/submit")
        page.get_by_role("button", name=re.compile(r"Submit version \d+")).click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"Version {submitted + 2} submitted"
        )
        current = status(page, base)
        assert "submitted" in current and "approved" not in current  # a new round: signatures lapsed
        shot(page, "journey-07-resubmitted")

        # 6. The dashboard shows it, with its money and the charts.
        page.goto(f"{base}/dashboard")
        row = page.locator("#plans tr", has_text="Brackenford")
        expect(row).to_contain_text("submitted")
        expect(page.locator("#figure-status svg")).to_be_visible()
        shot(page, "journey-08-dashboard")
        context.close()
