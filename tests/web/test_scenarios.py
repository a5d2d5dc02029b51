"""What-if scenarios on the web: an area's editor saves a named set, everyone who may see the plan
compares it side by side with the plan as it stands; the figures are the scenarios engine's own; bad
input names its field and saves nothing; saved sets are in the audit trail and never overwritten."""

from __future__ import annotations

from decimal import Decimal

from carepool.modelling.scenarios import Scenario, ScenarioSet, comparison_table, run_scenarios
from carepool.policy import load_pack
from carepool.services.audit import timeline
from carepool.services.plans import stored_plan

from .helpers import OTHER, PLAN, Site, csrf_token, sign_in

PAGE = f"/plans/{PLAN}/scenarios"


def _form(token: str, **rows: str) -> dict[str, str]:
    return {"csrf_token": token, "title": "Board options, November", **rows}


def _saved(site: Site) -> list[str]:
    db = site.app.extensions["carepool"].db
    return [e.kind for e in timeline(db, PLAN) if e.kind == "scenarios_saved"]


def test_an_editor_saves_a_set_and_a_viewer_compares_it(site: Site) -> None:
    editor = sign_in(site, "editor")
    data = _form(
        csrf_token(editor, PAGE),
        **{
            "scenario-1-name": "Lower ambition",
            "scenario-1-ambition_pct": "2",
            "scenario-2-name": "Half achieved",
            "scenario-2-achievement_pct": "50%",
            "scenario-2-unit_cost": "£1,500.00",
        },
    )
    response = editor.post(PAGE, data=data)
    assert response.status_code == 302
    viewer = sign_in(site, "viewer")
    page = viewer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Board options, November" in page and 'id="comparison"' in page
    assert 'id="figure-scenario-exposure"' in page and 'id="scenario-exposure-table"' in page
    assert 'name="scenario-1-name"' not in page  # viewers may compare, not save
    plan = stored_plan(site.app.extensions["carepool"].db, PLAN)[1]
    pack = load_pack(plan.policy)
    wanted = ScenarioSet(
        scenarios=[
            Scenario(name="Lower ambition", ambition_pct=Decimal(2)),
            Scenario(name="Half achieved", achievement_pct=Decimal(50), unit_cost=Decimal("1500.00")),
        ]
    )
    _, rows = comparison_table(run_scenarios(plan, pack, wanted))
    for row in rows:  # every figure on the page is the engine's
        for cell in row[1:]:
            assert f">{cell}<" in page, (row[0], cell)
    assert _saved(site) == ["scenarios_saved"]


def test_bad_input_names_the_field_and_saves_nothing(site: Site) -> None:
    editor = sign_in(site, "editor")
    token = csrf_token(editor, PAGE)
    cases = [
        ({"scenario-1-name": "X", "scenario-1-ambition_pct": "lots"}, "#scenario-1-ambition_pct"),
        ({"scenario-1-name": "X", "scenario-1-unit_cost": "£1.234"}, "#scenario-1-unit_cost"),
        ({"scenario-1-name": "X", "scenario-1-achievement_pct": "150"}, "#scenario-1-achievement_pct"),
        ({"scenario-1-ambition_pct": "3"}, "#scenario-1-name"),
        ({}, "#scenario-1-name"),
    ]
    for rows, href in cases:
        response = editor.post(PAGE, data=_form(token, **rows))
        page = response.get_data(as_text=True)
        assert response.status_code == 400, rows
        assert f'href="{href}"' in page, (rows, page[page.find("govuk-error-summary") :][:600])
    untitled = editor.post(PAGE, data={**_form(token, **{"scenario-1-name": "X"}), "title": ""})
    assert untitled.status_code == 400 and 'href="#title"' in untitled.get_data(as_text=True)
    assert _saved(site) == []


def test_only_the_areas_editors_may_save(site: Site) -> None:
    for role in ("viewer", "signatory", "assurer", "admin"):
        client = sign_in(site, role)
        token = csrf_token(client, PAGE)
        assert client.post(PAGE, data=_form(token, **{"scenario-1-name": "X"})).status_code == 403, role
    other = sign_in(site, "wealdshire-editor")
    assert other.get(PAGE).status_code == 404  # another area's plan does not exist for them
    assert other.get(f"/plans/{OTHER}/scenarios").status_code == 200
    editor = sign_in(site, "editor")
    assert editor.post(PAGE, data=_form("", **{"scenario-1-name": "X"})).status_code == 400  # no CSRF token
    assert _saved(site) == []
