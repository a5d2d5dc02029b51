"""A plan's files on its pages: the Excel template and the JSON exchange file to download (anyone who may
see the plan), a filled template to upload (the area's editors): round trips, one changed cell, hostile
files, a plan that moved on, and the problems listed by sheet and cell with nothing saved."""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

from flask.testing import FlaskClient
from openpyxl import load_workbook
from werkzeug.test import TestResponse

from carepool.io.excel import read_plan_workbook
from carepool.io.plan_json import parse_plan_bytes
from carepool.model import content_hash
from carepool.services.audit import timeline
from carepool.services.plans import diff_versions, export_plan, list_versions, stored_plan
from carepool.services.spreadsheets import export_template
from carepool.services.uploads import get_upload, list_uploads
from carepool.services.workflow import save_draft
from hostile.workbooks import CSV_RENAMED, XLS_RENAMED, truncated

from .apihelpers import written
from .helpers import CONTRIBUTION, OTHER, PLAN, Site, csrf_token, sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = f"/plans/{PLAN}/template.xlsx"
UPLOAD = f"/plans/{PLAN}/upload"


def _db(site: Site) -> Any:
    return site.app.extensions["carepool"].db


def _upload(
    client: FlaskClient,
    raw: bytes,
    filename: str = "filled.xlsx",
    based_on: str = "1",
    token: str | None = "",
) -> TestResponse:
    data: dict[str, Any] = {"based_on": based_on, "file": (io.BytesIO(raw), filename)}
    if token is not None:
        data["csrf_token"] = token or csrf_token(client, UPLOAD)
    return client.post(UPLOAD, data=data, content_type="multipart/form-data")


def _with_cell(raw: bytes, sheet: str, find: str, column: int, value: Any) -> bytes:
    """The workbook with one cell changed (what a person does in Excel): the row whose first cell is
    ``find``, in the given column."""
    wb = load_workbook(io.BytesIO(raw))
    ws = wb[sheet]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == find)
    ws.cell(row, column).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _parts(raw: bytes) -> dict[str, bytes]:
    """A workbook's parts, but for the one that holds the time it was written."""
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def _problem_rows(page: str) -> list[list[str]]:
    table = page.split('id="problems"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    return [
        [
            html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# --- downloads ----------------------------------------------------------------------------------------


def test_download_the_template_of_the_latest_or_a_given_version(site: Site) -> None:
    db = _db(site)
    viewer = sign_in(site, "viewer")
    response = viewer.get(TEMPLATE)
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == f'attachment; filename="{PLAN}-v1.xlsx"'
    assert "no-store" in response.headers["Cache-Control"]
    assert _parts(response.data) == _parts(export_template(db, PLAN).content)  # as `carepool template export`
    v1 = stored_plan(db, PLAN)[1]
    assert content_hash(read_plan_workbook(response.data)) == content_hash(v1)

    edited = v1.model_copy(update={"title": "Changed title"})
    save_draft(db, edited, based_on=1, actor="test")
    latest = viewer.get(TEMPLATE)
    assert latest.headers["Content-Disposition"].endswith('-v2.xlsx"')
    assert read_plan_workbook(latest.data).title == "Changed title"
    first = viewer.get(f"{TEMPLATE}?version=1")
    assert content_hash(read_plan_workbook(first.data)) == content_hash(v1)
    assert viewer.get(f"{TEMPLATE}?version=9").status_code == 404
    assert viewer.get(f"{TEMPLATE}?version=one").status_code == 404


def test_download_the_json_exchange_file(site: Site) -> None:
    viewer = sign_in(site, "viewer")
    response = viewer.get(f"/plans/{PLAN}/plan.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{PLAN}-v1.json"'
    assert response.get_data(as_text=True) == export_plan(_db(site), PLAN).text
    assert content_hash(parse_plan_bytes(response.data)) == stored_plan(_db(site), PLAN)[0].sha256
    assert viewer.get(f"/plans/{PLAN}/plan.json?version=2").status_code == 404


def test_the_overview_links_to_the_files_and_offers_upload_to_editors_only(site: Site) -> None:
    viewer = sign_in(site, "viewer").get(f"/plans/{PLAN}").get_data(as_text=True)
    assert f'href="{TEMPLATE}"' in viewer and f'href="/plans/{PLAN}/plan.json"' in viewer
    assert f'href="{UPLOAD}"' not in viewer
    editor = sign_in(site, "editor").get(f"/plans/{PLAN}").get_data(as_text=True)
    assert f'href="{UPLOAD}"' in editor


# --- uploads ------------------------------------------------------------------------------------------


def test_round_trip_unchanged_saves_nothing_new(site: Site) -> None:
    editor = sign_in(site, "editor")
    page = editor.get(UPLOAD).get_data(as_text=True)
    assert 'name="based_on" value="1"' in page and 'enctype="multipart/form-data"' in page
    raw = editor.get(TEMPLATE).data
    response = _upload(editor, raw, "brackenford.xlsx")
    assert response.status_code == 302 and response.headers["Location"] == f"/plans/{PLAN}"
    assert "Nothing changed: brackenford.xlsx holds the same plan as version 1" in editor.get(
        f"/plans/{PLAN}"
    ).get_data(as_text=True)
    assert [v.number for v in list_versions(_db(site), PLAN)] == [1]
    kept = list_uploads(_db(site), PLAN)[-1]
    assert kept.outcome == "accepted" and kept.filename == "brackenford.xlsx" and kept.version == 1
    assert get_upload(_db(site), kept.id)[1] == raw  # the file as it came
    assert timeline(_db(site), PLAN)[-1].kind == "imported"


def test_one_changed_money_cell_makes_a_version_with_exactly_that_change(site: Site) -> None:
    db = _db(site)
    editor = sign_in(site, "editor")
    raw = _with_cell(editor.get(TEMPLATE).data, "Contributions", CONTRIBUTION, 6, 1234.5)
    before = [e.kind for e in timeline(db, PLAN)]
    response = _upload(editor, raw)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plans/{PLAN}/versions/1/diff/2"
    page = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "filled.xlsx was saved as version 2, a draft" in page
    assert "1 field changed" in page and "contributions[0].amount" in page
    [change] = diff_versions(db, PLAN, 1, 2).changes
    assert (change.path, change.old, change.new) == ("contributions[0].amount", "5904107.00", "1234.50")
    version, plan = stored_plan(db, PLAN)
    assert version.number == 2 and version.based_on == 1
    assert str(plan.contributions[0].amount) == "1234.50"
    assert [e.kind for e in timeline(db, PLAN)] == [*before, "draft_saved", "imported"]
    kept = list_uploads(db, PLAN)[-1]
    assert kept.outcome == "accepted" and kept.version == 2 and kept.filename == "filled.xlsx"


def _refused_page(response: TestResponse, status: int = 400) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:500]
    assert "govuk-error-summary" in page and "There is a problem" in page
    assert 'href="#file"' in page and 'id="file-error"' in page
    return page


def test_hostile_files_are_refused_clearly_and_nothing_is_saved(site: Site) -> None:
    db = _db(site)
    editor = sign_in(site, "editor")
    good = editor.get(TEMPLATE).data
    cases = [
        (CSV_RENAMED, "plan.xlsx", "text (CSV) file, not an Excel workbook"),
        (truncated(good), "plan.xlsx", "damaged or incomplete"),
        (XLS_RENAMED, "plan.xlsx", "old-style Excel .xls file"),
        (good, "plan.csv", "upload the planning template as an Excel workbook (.xlsx)"),
        (b"", "empty.xlsx", "the file is empty"),
    ]
    before = len(list_uploads(db, PLAN))
    for raw, filename, message in cases:
        page = _refused_page(_upload(editor, raw, filename))
        assert message.lower() in page.lower(), filename
        [row] = _problem_rows(page)
        assert row[1] == filename  # the place: the file itself
    assert [v.number for v in list_versions(db, PLAN)] == [1]
    kept = list_uploads(db, PLAN)[before:]
    assert len(kept) == len(cases) and {u.outcome for u in kept} == {"rejected"}
    assert get_upload(db, kept[0].id)[1] == CSV_RENAMED  # kept as it came, for support
    assert [e.kind for e in timeline(db, PLAN)].count("import_rejected") == len(cases)


def test_cell_problems_name_the_sheet_the_cell_what_was_found_and_expected(site: Site) -> None:
    editor = sign_in(site, "editor")
    raw = _with_cell(editor.get(TEMPLATE).data, "Contributions", CONTRIBUTION, 6, "lots")
    before = written(site, PLAN)
    page = _refused_page(_upload(editor, raw))
    assert "Contributions sheet, cell F5:" in page
    [row] = _problem_rows(page)
    assert row[0] == "Contributions" and row[1] == "F5" and row[3] == "'lots'" and row[4]
    versions, events, uploads = written(site, PLAN)
    assert (versions, uploads) == (before[0], before[2] + 1)  # only the refused file was kept
    assert events == before[1] + 1


def test_another_plans_template_is_refused_at_its_plan_id_cell(site: Site) -> None:
    editor = sign_in(site, "editor")
    theirs = export_template(_db(site), OTHER).content
    page = _refused_page(_upload(editor, theirs))
    rows = _problem_rows(page)
    by_cell = {(r[0], r[1]): r for r in rows}
    assert by_cell[("Cover", "B7")][3] == OTHER and by_cell[("Cover", "B7")][4] == PLAN
    assert "this template is for another plan" in page.lower()
    assert any("another area" in r[2] for r in rows)
    assert [v.number for v in list_versions(_db(site), PLAN)] == [1]
    assert [v.number for v in list_versions(_db(site), OTHER)] == [1]


def test_an_upload_on_a_plan_that_moved_on_is_refused_naming_what_changed(site: Site) -> None:
    db = _db(site)
    editor = sign_in(site, "editor")
    raw = _with_cell(editor.get(TEMPLATE).data, "Contributions", CONTRIBUTION, 6, 1234.5)
    token = csrf_token(editor, UPLOAD)  # the page showed version 1
    _, plan = stored_plan(db, PLAN)
    save_draft(db, plan.model_copy(update={"title": "Saved meanwhile"}), based_on=1, actor="someone")
    page = _refused_page(_upload(editor, raw, token=token), 409)
    assert "Someone saved this plan since you downloaded your template" in page
    assert "title" in page and "download the latest template" in page
    assert [v.number for v in list_versions(db, PLAN)] == [1, 2]
    assert stored_plan(db, PLAN)[1].title == "Saved meanwhile"
    assert list_uploads(db, PLAN)[-1].outcome == "rejected"


def test_no_file_no_token_or_too_large(site: Site) -> None:
    editor = sign_in(site, "editor")
    token = csrf_token(editor, UPLOAD)
    before = written(site, PLAN)
    response = editor.post(
        UPLOAD, data={"csrf_token": token, "based_on": "1"}, content_type="multipart/form-data"
    )
    assert "Select a filled planning template (.xlsx)" in _refused_page(response)
    assert _upload(editor, b"PK", token=None).status_code == 400
    # Refused from its Content-Length, before anything is read (a raw body: the test client's own
    # multipart encoder would leave its spooled file open when the server does not read it).
    too_large = b"x" * (2 * 1024 * 1024 + 1)
    assert (
        editor.post(UPLOAD, data=too_large, content_type="multipart/form-data; boundary=b").status_code == 413
    )
    assert editor.post(UPLOAD, data={"csrf_token": token, "based_on": "x"}).status_code == 400
    assert written(site, PLAN) == before  # nothing arrived, so nothing was kept


def test_only_the_areas_editors_may_upload(site: Site) -> None:
    good = export_template(_db(site), PLAN).content
    demo = [u.filename for u in list_uploads(_db(site), PLAN)]  # the demo's plan and its quarterly returns
    for role in ("viewer", "signatory", "chair", "assurer", "admin"):
        client = sign_in(site, role)
        assert client.get(UPLOAD).status_code == 403, role
        assert _upload(client, good, token=csrf_token(client)).status_code == 403, role
    wealdshire = sign_in(site, "wealdshire-editor")
    assert _upload(wealdshire, good, token=csrf_token(wealdshire)).status_code == 404
    assert demo[0] == f"demo/{PLAN}.json"
    assert [u.filename for u in list_uploads(_db(site), PLAN)] == demo  # nothing more was kept
