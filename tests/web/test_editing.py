"""Editing a contribution end to end: money as people type it, errors linked to the field, and the second
of two concurrent saves refused with what changed."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from carepool.services.plans import list_versions, stored_plan

from .forms import form_values
from .helpers import CONTRIBUTION, PLAN, Site, sign_in

EDIT = f"/plans/{PLAN}/sections/contributions/0/change"  # BRK-14-01, the first contribution


def _save(client: FlaskClient, amount: str, form: dict[str, str] | None = None) -> tuple[int, str]:
    values = dict(form or form_values(client.get(EDIT).get_data(as_text=True)))
    values["amount"] = amount
    response = client.post(EDIT, data=values)
    return response.status_code, response.get_data(as_text=True)


def test_the_first_editing_address_opens_the_generic_form(site: Site) -> None:
    client = sign_in(site, "editor")
    response = client.get(f"/plans/{PLAN}/contributions/{CONTRIBUTION}")
    assert response.status_code == 302 and response.headers["Location"].endswith(EDIT)
    page = client.get(EDIT).get_data(as_text=True)
    assert f'value="{CONTRIBUTION}"' in page and 'value="5,904,107.00"' in page


def test_a_form_from_the_first_editing_page_still_saves_just_the_amount(site: Site) -> None:
    client = sign_in(site, "editor")
    old = f"/plans/{PLAN}/contributions/{CONTRIBUTION}"
    token = form_values(client.get(EDIT).get_data(as_text=True))["csrf_token"]
    response = client.post(old, data={"csrf_token": token, "based_on": "1", "amount": "£2,000"})
    assert response.status_code == 302
    db = site.app.extensions["carepool"].db
    _, before = stored_plan(db, PLAN, 1)
    _, after = stored_plan(db, PLAN)
    changed = before.model_copy(deep=True)
    changed.contributions[0].amount = after.contributions[0].amount
    assert str(after.contributions[0].amount) == "2000.00" and after == changed
    bad = client.post(old, data={"csrf_token": token, "based_on": "2", "amount": "x"})
    assert bad.status_code == 400 and 'href="#amount"' in bad.get_data(as_text=True)


def test_money_as_people_type_it_is_saved_exactly(site: Site) -> None:
    client = sign_in(site, "editor")
    code, _ = _save(client, "£1,234.50")
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
        ("twelve pounds", "Enter the amount in pounds and pence, like £1,234.50"),
        ("", "Enter the amount in pounds"),
        ("-5", "£0 or more"),
        ("1.234", "no more than 2 decimal places"),
    ):
        code, page = _save(client, typed)
        assert code == 400, typed
        assert "There is a problem" in page and 'href="#amount"' in page and message in page
        assert 'id="amount"' in page and 'id="amount-error"' in page
        assert f'value="{typed}"' in page.replace("&#163;", "£")  # what was typed is kept
    assert len(list_versions(site.app.extensions["carepool"].db, PLAN)) == 1


def test_the_second_of_two_concurrent_saves_is_refused(site: Site) -> None:
    first, second = sign_in(site, "editor"), sign_in(site, "editor")
    # Both opened the form on version 1.
    forms = [form_values(client.get(EDIT).get_data(as_text=True)) for client in (first, second)]
    assert all(f["based_on"] == "1" for f in forms)
    assert _save(first, "100.00", forms[0])[0] == 302
    code, page = _save(second, "200.00", forms[1])
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
    assert client.get(f"/plans/{PLAN}/sections/contributions/999/change").status_code == 404
