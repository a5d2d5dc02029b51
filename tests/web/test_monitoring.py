"""The plan's quarterly monitoring page: returns received, the position and its charts for everyone who
may see the plan; uploads for the plan's area editors only, refused files explained cell by cell with
nothing recorded; the pre-filled template for a quarter."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

from flask.testing import FlaskClient

from carepool.demo import build_demo_plans
from carepool.services.returns import list_returns
from carepool.services.uploads import list_uploads
from test_services_returns import filled_workbook

from .helpers import OTHER, PLAN, Site, csrf_token, sign_in

PAGE = f"/plans/{PLAN}/monitoring"
UPLOAD = f"/plans/{PLAN}/monitoring/returns"


def stored(site: Site) -> list[tuple[str, int]]:
    return [(r.quarter, r.revision) for r in list_returns(site.app.extensions["carepool"].db, PLAN)]


def q3_return(plan: str = PLAN) -> bytes:
    data = {
        "format": "carepool-return/1",
        "plan": plan,
        "quarter": "2015-16 Q3",
        "metrics": [{"metric": "nel_admissions", "period": "2015-16 Q3", "value": "7480"}],
    }
    return json.dumps(data).encode()


def send(client: FlaskClient, content: bytes, name: str, url: str = UPLOAD) -> tuple[int, str]:
    data = {"csrf_token": csrf_token(client, PAGE), "return_file": (io.BytesIO(content), name)}
    response = client.post(url, data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def test_a_viewer_sees_the_returns_the_position_and_charts_with_tables(site: Site) -> None:
    client = sign_in(site, "viewer")
    overview = client.get(f"/plans/{PLAN}").get_data(as_text=True)
    assert f'href="{PAGE}"' in overview
    page = client.get(PAGE).get_data(as_text=True)
    assert "Position for 2015-16" in page and "From the returns for 2015-16 Q1, 2015-16 Q2" in page
    returns_table = page[page.index('id="returns-table"') :]
    assert returns_table.count("Counts</strong>") == 2
    assert "£1,048,960.00" in page  # released so far: the cycle's figure
    assert 'id="spend-table"' in page and 'id="performance-table"' in page
    for chart in ("admissions", "released", "spend", "distribution", "exposure"):
        figure = re.search(
            rf'<figure class="carepool-figure[^"]*" id="figure-{chart}">(.*?)</figure>', page, re.S
        )
        assert figure, chart
        svg = re.search(r"<svg .*?</svg>", figure.group(1), re.S)
        assert svg is not None
        assert ET.fromstring(svg.group(0)).get("role") == "img"
        assert f'id="{chart}-table"' in figure.group(1)
    assert "simulated years" in page  # the demo has the history the model needs
    assert 'name="return_file"' not in page  # viewers are not offered the upload
    assert "Download the template" in page


def test_an_editor_records_a_return_and_sees_it_count(site: Site) -> None:
    client = sign_in(site, "editor")
    assert 'enctype="multipart/form-data"' in client.get(PAGE).get_data(as_text=True)
    code, _ = send(client, q3_return(), "q3.json")
    assert code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "Recorded the 2015-16 Q3 return as revision 1" in page
    assert "From the returns for 2015-16 Q1, 2015-16 Q2, 2015-16 Q3" in page
    assert stored(site)[-1] == ("2015-16 Q3", 1)
    assert send(client, q3_return(), "q3-again.json")[0] == 302
    assert "nothing new was recorded" in client.get(PAGE).get_data(as_text=True)


def test_the_filled_template_round_trips_through_the_page(site: Site) -> None:
    client = sign_in(site, "editor")
    response = client.get(f"{PAGE}/template?quarter=2015-16 Q3")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert f'filename="{PLAN}-2015-16-Q3-return.xlsx"' in response.headers["Content-Disposition"]
    city = build_demo_plans()[0]
    code, _ = send(client, filled_workbook(city, "2015-16 Q3"), "q3.xlsx")
    assert code == 302
    assert stored(site)[-1] == ("2015-16 Q3", 1)


def test_a_refused_workbook_is_explained_by_cell_and_nothing_is_recorded(site: Site) -> None:
    client = sign_in(site, "editor")
    blank = client.get(f"{PAGE}/template?quarter=2015-16 Q3").data
    before, uploads_before = stored(site), len(list_uploads(site.app.extensions["carepool"].db))
    code, page = send(client, blank, "blank.xlsx")
    assert code == 400
    summary = page[
        page.index('class="govuk-error-summary"') : page.index(
            "</div>", page.index("govuk-error-summary__body")
        )
    ]
    assert "Cover!B11" in summary and 'href="#return-file"' in summary
    assert "Income and expenditure!D5 to D19" in page
    assert "Nothing was recorded. The file was kept as upload" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    assert stored(site) == before
    kept = list_uploads(site.app.extensions["carepool"].db)
    assert len(kept) == uploads_before + 1 and kept[-1].outcome == "rejected"


def test_an_upload_without_a_file_asks_for_one(site: Site) -> None:
    client = sign_in(site, "editor")
    response = client.post(UPLOAD, data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 400
    assert "Select the filled return template" in response.get_data(as_text=True)


def test_only_the_areas_editors_may_upload(site: Site) -> None:
    before = stored(site)
    for role in ("viewer", "signatory", "chair", "assurer", "admin", "national-viewer"):
        assert send(sign_in(site, role), q3_return(), "q3.json")[0] == 403, role
    assert send(sign_in(site, "wealdshire-editor"), q3_return(), "q3.json")[0] == 404  # not their area
    editor = sign_in(site, "editor")
    assert send(editor, q3_return(), "q3.json", f"/plans/{OTHER}/monitoring/returns")[0] == 404
    code, page = send(editor, q3_return(OTHER), "other.json")  # another plan's return through ours
    assert code == 400 and "this return is for another plan" in page
    no_token = editor.post(UPLOAD, data={"return_file": (io.BytesIO(q3_return()), "q3.json")})
    assert no_token.status_code == 400
    assert stored(site) == before


def test_the_template_download(site: Site) -> None:
    client = sign_in(site, "viewer")
    default = client.get(f"{PAGE}/template")
    assert default.status_code == 200 and "2015-16-Q3" in default.headers["Content-Disposition"]
    assert client.get(f"{PAGE}/template?quarter=2019-20 Q1").status_code == 400
    assert client.get(f"/plans/{OTHER}/monitoring/template").status_code == 404


def test_a_plan_without_returns(site: Site) -> None:
    page = sign_in(site, "admin").get(f"/plans/{OTHER}/monitoring").get_data(as_text=True)
    assert "No quarterly returns have been received for this plan yet." in page
    assert "<svg" not in page
