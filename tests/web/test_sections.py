"""Every section of a plan edited through the generic forms: what people see is what is saved, each error
names its field and saves nothing, removals are confirmed, and nobody outside the area's editors changes
anything."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient

from carepool.model.plan import (
    CommissionerShare,
    ConditionStatus,
    Level,
    MetricValue,
    Partner,
    Plan,
    Risk,
    RiskShareMethod,
    RiskShareRule,
    RiskShareStep,
    SchemeFunding,
    Task,
)
from carepool.services import workflow
from carepool.services.plans import list_versions, stored_plan
from carepool.web.sections import EDITABLE, SECTIONS

from .forms import form_values
from .helpers import OTHER, PLAN, Site, csrf_token, sign_in

BASE = f"/plans/{PLAN}/sections"


def _db(site: Site) -> Any:
    return site.app.extensions["carepool"].db


def _versions(site: Site, plan_id: str = PLAN) -> int:
    return len(list_versions(_db(site), plan_id))


def _url(section: str, index: int | None = None, action: str = "change", plan_id: str = PLAN) -> str:
    base = f"/plans/{plan_id}/sections/{section}"
    return f"{base}/{action}" if index is None else f"{base}/{index}/{action}"


def _form(client: FlaskClient, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return form_values(response.get_data(as_text=True))


def _post(client: FlaskClient, url: str, changes: dict[str, str]) -> tuple[int, str]:
    values = {**_form(client, url), **changes}
    response = client.post(url, data=values)
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "plan_id"), [("editor", PLAN), ("wealdshire-editor", OTHER)])
def test_every_item_of_every_section_comes_back_unchanged(site: Site, role: str, plan_id: str) -> None:
    """Open each item's form and save it as it is: the form shows exactly what is stored, so nothing
    changes and no version is made (every field type's way to the page and back)."""
    client = sign_in(site, role)
    _, plan = stored_plan(_db(site), plan_id)
    urls = []
    for section in SECTIONS:
        if EDITABLE[section].is_list:
            urls += [_url(section, i, plan_id=plan_id) for i in range(len(getattr(plan, section)))]
        else:
            urls.append(_url(section, plan_id=plan_id))
    assert len(urls) > 40
    for url in urls:
        code, page = _post(client, url, {})
        assert code == 302, (url, page[page.find("govuk-error-summary") :][:800])
        follow = client.get(url.rsplit("/", 2)[0] if "/change" in url else url).get_data(as_text=True)
        assert "Saved as version" not in follow, url
    assert _versions(site, plan_id) == 1


def test_edit_every_kind_of_section_once_and_the_stored_plan_is_what_was_entered(site: Site) -> None:
    client = sign_in(site, "editor")
    _, before = stored_plan(_db(site), PLAN)
    expected = before.model_copy(deep=True)
    steps: list[tuple[str, dict[str, str]]] = []

    # partners: add one (an organisation of the plan, chosen from the list)
    steps.append((_url("partners", action="add"), {"org": "ZR1", "share_pct": "40%"}))
    expected.partners.append(Partner(org="ZR1", share_pct=Decimal("40")))
    # pools: change text, radios and Yes/No
    steps.append(
        (
            _url("pools", 0),
            {"name": "Renamed pool", "topic": "", "arrangement": "aligned", "ring_fenced": "no"},
        )
    )
    expected.pools[0] = expected.pools[0].model_copy(
        update={"name": "Renamed pool", "topic": "", "arrangement": "aligned", "ring_fenced": False}
    )
    # contributions: add one, money as people type it
    new = {
        "id": "BRK-NEW-1",
        "partner": "Z2A",
        "stream": "ccg_additional",
        "pool": "BRK-CH",
        "year": "2015-16",
        "amount": "£12,345.6",
        "capital": "no",
        "reference": "  Extra CCG money  ",
    }
    steps.append((_url("contributions", action="add"), new))
    expected.contributions.append(
        expected.contributions[0].model_copy(
            update={
                "id": "BRK-NEW-1",
                "partner": "Z2A",
                "stream": "ccg_additional",
                "pool": "BRK-CH",
                "year": "2015-16",
                "amount": Decimal("12345.60"),
                "capital": False,
                "reference": "Extra CCG money",
            }
        )
    )
    # schemes: a table row added, one cleared (removed), lines, a money mapping, commissioners
    scheme = expected.schemes[0]
    steps.append(
        (
            _url("schemes", 0),
            {
                "funding-1-pool": "BRK-SC",
                "funding-1-partner": "E06900001",
                "funding-1-stream": "council_additional",
                "funding-1-year": "2015-16",
                "funding-1-amount": "1000",
                "kpis-1-name": "",
                "kpis-1-target": "",
                "outcomes": "\r\n".join([*scheme.outcomes, "A third outcome"]),
                "planned_savings-0": "2,500.00",
                "planned_savings-1": "",
                "commissioners-0-pct": "60",
                "commissioners-1-partner": "E06900001",
                "commissioners-1-pct": "40",
            },
        )
    )
    expected.schemes[0] = scheme.model_copy(
        update={
            "funding": [
                *scheme.funding,
                SchemeFunding(
                    pool="BRK-SC",
                    partner="E06900001",
                    stream="council_additional",
                    year="2015-16",
                    amount=Decimal("1000.00"),
                ),
            ],
            "kpis": [scheme.kpis[0], scheme.kpis[2]],
            "outcomes": [*scheme.outcomes, "A third outcome"],
            "planned_savings": {"2014-15": Decimal("2500.00")},
            "commissioners": [
                CommissionerShare(partner="Z2A", pct=Decimal("60")),
                CommissionerShare(partner="E06900001", pct=Decimal("40")),
            ],
        }
    )
    # metrics and trajectories: the baseline group, a quarter added, an actual removed
    metric = expected.metrics[0]
    steps.append(
        (
            _url("metrics", 0),
            {
                "baseline-value": "30,000",
                "plan-4-period": "2015-16 Q4",
                "plan-4-value": "7000.5",
                "actuals-1-period": "",
                "actuals-1-value": "",
            },
        )
    )
    expected.metrics[0] = metric.model_copy(
        update={
            "baseline": MetricValue(period="2014-15", value=Decimal("30000")),
            "plan": [*metric.plan, MetricValue(period="2015-16 Q4", value=Decimal("7000.5"))],
            "actuals": [a for i, a in enumerate(metric.actuals) if i != 1],  # row 2 cleared
        }
    )
    # condition statements: radios and long text (the browser's line endings)
    steps.append((_url("conditions", 0), {"status": "in_progress", "statement": "Line one.\r\nLine two."}))
    expected.conditions[0] = expected.conditions[0].model_copy(
        update={"status": ConditionStatus.IN_PROGRESS, "statement": "Line one.\nLine two."}
    )
    # risks: add one
    steps.append(
        (
            _url("risks", action="add"),
            {
                "id": "R99",
                "description": "A new risk",
                "impact": "High",
                "probability": "Low",
                "mitigation": "Watch it",
                "owner": "Someone",
                "status": "open",
            },
        )
    )
    expected.risks.append(
        Risk(
            id="R99",
            description="A new risk",
            impact=Level.HIGH,
            probability=Level.LOW,
            mitigation="Watch it",
            owner="Someone",
        )
    )
    # milestones: a GOV.UK date input, a task row with a date added
    milestone = expected.milestones[0]
    steps.append(
        (
            _url("milestones", 0),
            {
                "deadline-day": "31",
                "deadline-month": "3",
                "deadline-year": "2016",
                "tasks-2-title": "Write it up",
                "tasks-2-deadline-day": "1",
                "tasks-2-deadline-month": "2",
                "tasks-2-deadline-year": "2016",
                "tasks-2-status": "in_progress",
            },
        )
    )
    expected.milestones[0] = milestone.model_copy(
        update={
            "deadline": date(2016, 3, 31),
            "tasks": [
                *milestone.tasks,
                Task(title="Write it up", deadline=date(2016, 2, 1), status="in_progress"),
            ],
        }
    )
    # s75: a single object; an optional reference, a nested group with a mapping and ordered steps
    steps.append(
        (
            _url("s75"),
            {
                "host": "Z2A",
                "risk_share-method": "ordered",
                "risk_share-splits-0": "",
                "risk_share-splits-1": "",
                "risk_share-order-0": "risk_pool",
                "risk_share-order-1": "offset_underspends",
                "risk_share-risk_pool": "£50,000",
                "approval_stage": "in_principle",
            },
        )
    )
    assert expected.s75.risk_share is not None
    expected.s75 = expected.s75.model_copy(
        update={
            "host": "Z2A",
            "approval_stage": "in_principle",
            "risk_share": RiskShareRule(
                method=RiskShareMethod.ORDERED,
                splits={},
                order=[RiskShareStep.RISK_POOL, RiskShareStep.OFFSET_UNDERSPENDS],
                risk_pool=Decimal("50000.00"),
                description=expected.s75.risk_share.description,
            ),
        }
    )
    # signatories: change one
    steps.append((_url("signatories", 2), {"name": "Cllr Sam Hale"}))
    expected.signatories[2] = expected.signatories[2].model_copy(update={"name": "Cllr Sam Hale"})

    for n, (url, changes) in enumerate(steps, start=2):
        code, page = _post(client, url, changes)
        assert code == 302, (url, page[page.find("govuk-error-summary") :][:1000])
        assert _versions(site) == n, url
    _, after = stored_plan(_db(site), PLAN)
    assert after == Plan.model_validate(expected.model_dump(mode="json"))


# --- staged validation: each error on its field, nothing saved ---------------------------------------------

BAD_INPUT = [
    # (url, changes, field href, message) — stage 1: what was typed cannot be read
    (_url("pools", 0), {"name": ""}, "#name", "Enter the name"),
    (
        _url("partners", 0),
        {"share_pct": "120"},
        "#share_pct",
        "The share of the organisation in this area must be between 0 and 100",
    ),
    (_url("partners", 0), {"share_pct": "half"}, "#share_pct", "as a percentage, like 50 or 12.5"),
    (_url("contributions", 0), {"pool": "NOT-A-POOL"}, "#pool", "Select the pool from the list"),
    (_url("contributions", action="add"), {}, "#id", "Enter the ID"),
    (
        _url("milestones", 0),
        {"deadline-day": "31", "deadline-month": "2"},
        "#deadline-day",
        "The deadline must be a real date",
    ),
    (_url("milestones", 0), {"deadline-month": ""}, "#deadline-month", "The deadline must include a month"),
    (
        _url("milestones", 0),
        {"tasks-0-deadline-year": "16"},
        "#tasks-0-deadline-day",
        "Tasks row 1: the year of the deadline must include 4 numbers",
    ),
    (
        _url("schemes", 0),
        {"funding-0-amount": "lots"},
        "#funding-0-amount",
        "Funding row 1: enter the amount in pounds and pence",
    ),
    (_url("schemes", 0), {"funding-1-amount": "10"}, "#funding-1-pool", "Funding row 2: select the pool"),
    (
        _url("schemes", 0),
        {"planned_savings-0": "-1"},
        "#planned_savings-0",
        "The planned savings for 2014-15 must be £0 or more",
    ),
    (
        _url("metrics", 0),
        {"plan-0-value": "-3"},
        "#plan-0-value",
        "Planned values row 1: the value must be 0 or more",
    ),
    (_url("pools", 0), {"ring_fenced": "maybe"}, "#ring_fenced", "Select yes or no for ring-fenced"),
    (
        _url("s75"),
        {"risk_share-order-0": "pray"},
        "#risk_share-order-0",
        "Risk share: select step 1 from the list",
    ),
    # stage 2: the model (pydantic), mapped back to the field it names
    (_url("pools", 0), {"id": "bad id!"}, "#id", "The ID must start with a letter or number"),
    (
        _url("metrics", 0),
        {"baseline-period": "2015"},
        "#baseline-period",
        "Baseline: the period must be a year, quarter or month",
    ),
    (_url("metrics", 0), {"baseline-value": ""}, "#baseline-value", "Baseline: enter the value"),
    (_url("s75"), {"risk_share-method": ""}, "#risk_share-method", "Risk share: select the method"),
    # stage 2: unique ids and references (the importer's rules)
    (_url("pools", 0), {"id": "BRK-SC"}, "#id", "Pool BRK-SC is already in this plan: enter another ID"),
    (
        _url("partners", action="add"),
        {"org": "Z2A", "share_pct": "1"},
        "#org",
        "Partner Z2A is already in this plan",
    ),
    (_url("pools", 0), {"id": "BRK-CH2"}, "#id", "refers to BRK-CH, which this change takes out of the plan"),
]


@pytest.mark.parametrize(("url", "changes", "href", "message"), BAD_INPUT)
def test_bad_input_is_named_on_its_field_and_saves_nothing(
    site: Site, url: str, changes: dict[str, str], href: str, message: str
) -> None:
    client = sign_in(site, "editor")
    code, page = _post(client, url, changes)
    assert code == 400
    summary = page[page.find('class="govuk-error-summary"') :]
    assert "There is a problem" in summary
    assert f'href="{href}"' in summary, summary[:1500]
    assert message in page.replace("&#39;", "'").replace("&#163;", "£"), summary[:1500]
    field = href.removeprefix("#")
    assert f'id="{field}"' in page  # the link's target is on the page
    assert page.count("govuk-error-message") >= 1  # and the field shows its message
    for name, value in changes.items():
        typed = re.search(f'name="{name}" type="text"|<textarea[^>]* name="{name}"', page)
        if value and typed:
            assert f'value="{value}"' in page or f">{value}<" in page, name  # what was typed is kept
    assert _versions(site) == 1
    assert "<title>Error:" in page


def test_an_error_in_each_of_several_fields_is_listed_in_page_order(site: Site) -> None:
    client = sign_in(site, "editor")
    code, page = _post(client, _url("risks", 0), {"id": "", "impact": "", "description": ""})
    assert code == 400
    hrefs = [h for h in ("#id", "#description", "#impact") if f'href="{h}"' in page]
    assert hrefs == ["#id", "#description", "#impact"]
    assert page.index('href="#id"') < page.index('href="#description"') < page.index('href="#impact"')


def test_a_form_without_a_csrf_token_is_refused_and_saves_nothing(site: Site) -> None:
    client = sign_in(site, "editor")
    for url in (_url("pools", 0), _url("pools", action="add"), _url("s75"), _url("risks", 0, "remove")):
        values = _form(client, url) if "remove" not in url else {"based_on": "1"}
        values.pop("csrf_token", None)
        response = client.post(url, data={**values, "name": "Changed"})
        assert response.status_code == 400, url
        assert "not sent by this service" in response.get_data(as_text=True)
    assert _versions(site) == 1


def test_a_stale_or_missing_base_version_is_a_bad_request(site: Site) -> None:
    client = sign_in(site, "editor")
    for based_on in ("", "x", "99"):
        values = {**_form(client, _url("pools", 0)), "based_on": based_on}
        assert client.post(_url("pools", 0), data=values).status_code == 400
    assert _versions(site) == 1


def test_the_second_of_two_concurrent_saves_of_a_section_is_refused(site: Site) -> None:
    first, second = sign_in(site, "editor"), sign_in(site, "editor")
    url = _url("pools", 1)
    forms = [_form(client, url) for client in (first, second)]
    assert first.post(url, data={**forms[0], "name": "First name"}).status_code == 302
    response = second.post(url, data={**forms[1], "name": "Second name"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone saved this plan while you were editing it" in page
    assert "pools[1].name" in page and "Nothing you entered was saved" in page
    assert 'value="Second name"' in page  # what they typed is still in front of them
    _, plan = stored_plan(_db(site), PLAN)
    assert plan.pools[1].name == "First name" and _versions(site) == 2


# --- remove, with a confirmation page ----------------------------------------------------------------------


def test_remove_asks_first_then_saves_a_version_without_the_item(site: Site) -> None:
    client = sign_in(site, "editor")
    _, before = stored_plan(_db(site), PLAN)
    page = client.get(_url("risks", 0, "remove")).get_data(as_text=True)
    assert "Are you sure you want to remove risk R01?" in page and "govuk-button--warning" in page
    assert _versions(site) == 1  # looking at the question changes nothing
    values = form_values(page)
    response = client.post(_url("risks", 0, "remove"), data=values)
    assert response.status_code == 302
    _, after = stored_plan(_db(site), PLAN)
    assert [r.id for r in after.risks] == [r.id for r in before.risks[1:]]
    assert "Saved as version 2: risk R01 removed." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    # the same form again: it was read from version 1, so it is refused rather than removing another risk
    again = client.post(_url("risks", 0, "remove"), data=values)
    assert again.status_code == 409 and "you edited version 1" in again.get_data(as_text=True)
    assert _versions(site) == 2


def test_an_item_others_refer_to_cannot_be_removed(site: Site) -> None:
    client = sign_in(site, "editor")
    page = client.get(_url("pools", 0, "remove")).get_data(as_text=True)
    assert "You cannot remove pool BRK-CH yet" in page and "Contribution BRK-14-03 (pool)" in page
    assert page.count("Scheme BR02 (funding)") == 1  # two funding rows, one line
    assert "govuk-button--warning" not in page
    response = client.post(
        _url("pools", 0, "remove"), data={"csrf_token": csrf_token(client), "based_on": "1"}
    )
    assert response.status_code == 400 and "You cannot remove pool BRK-CH" in response.get_data(as_text=True)
    assert _versions(site) == 1


# --- submitted versions stay as they are ------------------------------------------------------------------


def test_a_change_after_submission_is_a_new_draft_and_the_submitted_version_stays(site: Site) -> None:
    db = _db(site)
    assert workflow.submit(db, PLAN, actor="test").submitted
    submitted, plan = stored_plan(db, PLAN)
    client = sign_in(site, "editor")
    assert _post(client, _url("risks", 0), {"owner": "New owner"})[0] == 302
    versions = list_versions(db, PLAN)
    assert [(v.number, v.status) for v in versions] == [(1, "submitted"), (2, "draft")]
    assert versions[0].sha256 == submitted.sha256
    assert stored_plan(db, PLAN, 1)[1] == plan
    audit = client.get(f"/plans/{PLAN}/audit").get_data(as_text=True)
    assert "reopened" in audit.lower() and "draft" in audit.lower()


# --- who may change what ----------------------------------------------------------------------------------

CHANGES = [
    ("GET", _url("pools", 0)),
    ("POST", _url("pools", 0)),
    ("GET", _url("pools", action="add")),
    ("POST", _url("pools", action="add")),
    ("GET", _url("s75")),
    ("POST", _url("s75")),
    ("GET", _url("pools", 0, "remove")),
    ("POST", _url("pools", 0, "remove")),
]


@pytest.mark.parametrize("role", ["viewer", "signatory", "chair", "assurer", "admin", "national-viewer"])
def test_only_the_areas_editors_change_a_plan(site: Site, role: str) -> None:
    client = sign_in(site, role)
    token = csrf_token(client)
    for method, url in CHANGES:
        response = (
            client.get(url)
            if method == "GET"
            else client.post(url, data={"csrf_token": token, "based_on": "1", "name": "x"})
        )
        assert response.status_code == 403, (role, method, url)
    section = client.get(f"{BASE}/pools").get_data(as_text=True)
    assert "Change<span" not in section and "Add a pool" not in section and "/remove" not in section
    answers = client.get(f"/plans/{PLAN}/check-answers").get_data(as_text=True)
    assert "Change<span" not in answers and "Submit version" not in answers
    assert _versions(site) == 1


def test_another_areas_editor_finds_nothing_and_ids_in_urls_are_checked(site: Site) -> None:
    other = sign_in(site, "wealdshire-editor")
    token = csrf_token(other)
    for method, url in CHANGES:
        response = (
            other.get(url)
            if method == "GET"
            else other.post(url, data={"csrf_token": token, "based_on": "1"})
        )
        assert response.status_code == 404, (method, url)
    editor = sign_in(site, "editor")
    for url in (
        _url("pools", 99),
        _url("pools", 99, "remove"),
        f"{BASE}/s75/add",
        f"{BASE}/s75/0/change",
        f"{BASE}/partners/change",
        f"{BASE}/organisations/0/change",
        f"{BASE}/pools/-1/change",
        "/plans/no-such-plan/sections/pools/0/change",
    ):
        assert editor.get(url).status_code == 404, url
        assert (
            editor.post(url, data={"csrf_token": csrf_token(editor), "based_on": "1"}).status_code == 404
        ), url
    # our editor's form pointed at the other area's plan: not found, nothing written there
    values = _form(editor, _url("pools", 0))
    assert editor.post(_url("pools", 0, plan_id=OTHER), data=values).status_code == 404
    assert _versions(site, OTHER) == 1 and _versions(site) == 1


def test_editors_see_change_add_and_remove_links(site: Site) -> None:
    client = sign_in(site, "editor")
    page = client.get(f"{BASE}/pools").get_data(as_text=True)
    assert f'href="{_url("pools", 0)}"' in page and f'href="{_url("pools", 1, "remove")}"' in page
    assert f'href="{_url("pools", action="add")}"' in page and "Add a pool" in page
    s75 = client.get(f"{BASE}/s75").get_data(as_text=True)
    assert f'href="{_url("s75")}"' in s75 and "/remove" not in s75


# --- check your answers -----------------------------------------------------------------------------------


def test_check_your_answers_summarises_every_section_and_offers_submit_only_without_errors(
    site: Site,
) -> None:
    client = sign_in(site, "editor")
    page = client.get(f"/plans/{PLAN}/check-answers").get_data(as_text=True)
    for name in SECTIONS.values():
        assert f">{name}" in page, name
    assert f'href="{_url("contributions", 0)}"' in page and f'href="{_url("s75")}#host"' in page
    assert "0 errors" in page and "Submit version 1" in page
    assert f'action="/plans/{PLAN}/submit"' in page
    overview = client.get(f"/plans/{PLAN}").get_data(as_text=True)
    assert f'href="/plans/{PLAN}/check-answers"' in overview

    # A contribution far below the minimum: an error in the checks, so no submit button
    assert _post(client, _url("contributions", 0), {"amount": "1.00"})[0] == 302
    page = client.get(f"/plans/{PLAN}/check-answers").get_data(as_text=True)
    assert "Submit version" not in page and "You cannot submit this plan until" in page
    assert "Has errors" in page
    # and the submit route still refuses
    refused = client.post(f"/plans/{PLAN}/submit", data={"csrf_token": csrf_token(client)})
    assert refused.status_code == 409
    assert [v.status for v in list_versions(_db(site), PLAN)] == ["draft", "draft"]


def test_check_your_answers_submits_the_version_it_showed(site: Site) -> None:
    client = sign_in(site, "editor")
    values = form_values(client.get(f"/plans/{PLAN}/check-answers").get_data(as_text=True), "sha256")
    response = client.post(f"/plans/{PLAN}/submit", data=values)
    assert response.status_code == 302
    assert [v.status for v in list_versions(_db(site), PLAN)] == ["submitted"]
    page = client.get(f"/plans/{PLAN}/check-answers").get_data(as_text=True)
    assert "already submitted" in page and "Submit version" not in page
