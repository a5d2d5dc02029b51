"""Editing a contribution end to end: money as people type it, errors linked to the field, and the second
of two concurrent saves refused with what changed."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from carepool.services.plans import list_versions, stored_plan

from .helpers import CONTRIBUTION, PLAN, Site, csrf_token, sign_in

EDIT = f"/plans/{PLAN}/contributions/{CONTRIBUTION}"


def _save(client: FlaskClient, site: Site, amount: str, based_on: str = "1") -> tuple[int, str]:
    response = client.post(
        EDIT, data={"csrf_token": csrf_token(client, EDIT), "based_on": based_on, "amount": amount}
    )
    return response.status_code, response.get_data(as_text=True)


def test_money_as_people_type_it_is_saved_exactly(site: Site) -> None:
    client = sign_in(site, "editor")
    code, _ = _save(client, site, "£1,234.50")
    assert code == 302
    db = site.app.extensions["carepool"].db
    version, plan = stored_plan(db, PLAN)
    assert version.number == 2 and version.based_on == 1
    amount = next(c.amount for c in plan.contributions if c.id == CONTRIBUTION)
    assert str(amount) == "1234.50"
    page = client.get(f"/plans/{PLAN}/sections/contributions").get_data(as_text=True)
    assert "Saved as version 2" in page and "£1,234.50" in page


def test_bad_money_gets_an_error_summary_linked_to_the_field_and_saves_nothing(site: Site) -> None:
    client = sign_in(site, "editor")
    for typed, message in (
        ("twelve pounds", "Enter the amount in pounds and pence"),
        ("", "Enter the amount in pounds"),
        ("-5", "£0 or more"),
        ("1.234", "no more than 2 decimal places"),
    ):
        code, page = _save(client, site, typed)
        assert code == 400, typed
        assert "There is a problem" in page and 'href="#amount"' in page and message in page
        assert 'id="amount"' in page
    assert len(list_versions(site.app.extensions["carepool"].db, PLAN)) == 1


def test_the_second_of_two_concurrent_saves_is_refused(site: Site) -> None:
    first, second = sign_in(site, "editor"), sign_in(site, "editor")
    # Both opened the form on version 1.
    for client in (first, second):
        assert 'name="based_on" value="1"' in client.get(EDIT).get_data(as_text=True)
    assert _save(first, site, "100.00")[0] == 302
    code, page = _save(second, site, "200.00")
    assert code == 409
    assert "There is a problem" in page
    assert re.search(r"you edited version 1, but version 2 was saved by", page)
    assert "contributions[0].amount" in page
    db = site.app.extensions["carepool"].db
    assert [v.number for v in list_versions(db, PLAN)] == [1, 2]
    _, plan = stored_plan(db, PLAN)
    assert str(next(c.amount for c in plan.contributions if c.id == CONTRIBUTION)) == "100.00"


def test_unknown_contribution_is_not_found(site: Site) -> None:
    client = sign_in(site, "editor")
    assert client.get(f"/plans/{PLAN}/contributions/NOPE").status_code == 404
