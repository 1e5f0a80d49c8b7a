"""Issue 23 (10): dates that make sense. Record forms refuse dates after today or before
1900; loads refuse years outside 1900-2100; every default reporting date is the earlier of
today and the data's last date, so one tie recorded far ahead cannot move every report."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

import lacgraph
from lacgraph.cli import cli
from lacgraph.errors import InputError
from lacgraph.loaders import read_source, write_folder
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables, format_date
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import choice_on, date_boxes, hostile_tables, record_fields

TODAY = np.datetime64("today", "D")


def _client(source, app_db, account: str):
    app = create_app(lacgraph.open(source), app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, account).status_code == 302
    return client


@pytest.mark.parametrize(("typed", "box", "said"), [
    ("31/12/9999", "year", "between the years 1900 and 2100"),
    ("9999-12-31", "year", "between the years 1900 and 2100"),
    (format_date(TODAY + 1), "day", "today or in the past"),
    ("31/12/1899", "year", "between the years 1900 and 2100"),
    ("01/01/0001", "year", "between the years 1900 and 2100")])
def test_record_forms_refuse_dates_after_today_or_before_1900(store_file, app_db, typed, box,
                                                              said):
    cora = _client(store_file, app_db, "cora")
    before = store_file.read_bytes()
    page = cora.get("/people/p1").text
    fields = record_fields(page)  # the CSRF token, the one-time form token, the version
    added = cora.post("/people/p1/connections/add", data={
        **fields, "new_name": "Far Future", "new_type": "person",
        "kind": "friend", **date_boxes("start", typed)})
    ended = cora.post("/people/p1/connections/end", data={
        **fields, "tie": choice_on(page, "s1", "service", "2023-06-01"),
        **date_boxes("end", typed)})
    for response, field in ((added, "add-start"), (ended, "end-end")):
        assert response.status_code == 400
        assert f'href="#{field}-{box}"' in response.text  # the summary links the wrong box
        assert f'id="{field}-error"' in response.text and said in response.text
        typed_year = date_boxes("x", typed)["x-year"]
        assert f'id="{field}-year" name="{field[4:]}-year" type="text" inputmode="numeric" ' \
               f'value="{typed_year}" aria-invalid="true"' in response.text  # kept as typed
    assert store_file.read_bytes() == before


@pytest.mark.parametrize("typed", ["31/12/1899", format_date(TODAY + 1)])
def test_a_date_sent_as_one_field_is_held_to_the_same_rules(store_file, app_db, typed):
    """A form sent with the date as one field (as before the three boxes) is read, and
    refused by the same rules: after today, or before 1900."""
    cora = _client(store_file, app_db, "cora")
    before = store_file.read_bytes()
    fields = record_fields(cora.get("/people/p1").text)
    added = cora.post("/people/p1/connections/add", data={
        **fields, "new_name": "Far Future", "new_type": "person", "kind": "friend",
        "start": typed})
    assert added.status_code == 400 and 'href="#add-start-' in added.text
    assert "in 1900 or later" in added.text or "today or in the past" in added.text
    assert store_file.read_bytes() == before


def test_record_forms_take_today(store_file, app_db):
    cora = _client(store_file, app_db, "cora")
    fields = record_fields(cora.get("/people/p1").text)
    response = cora.post("/people/p1/connections/add", data={
        **fields, "new_name": "Met Today", "new_type": "person",
        "kind": "friend", **date_boxes("start", format_date(TODAY))})
    assert response.status_code == 302


@pytest.mark.parametrize("day", ["9999-12-31", "1899-12-31", "2101-01-01"])
def test_a_load_refuses_years_outside_1900_to_2100(tmp_path, day):
    tables = hostile_tables()
    ties = tables.to_text()[1]
    ties.loc[2, "end"] = day  # the p1 - s1 service tie, line 4 of ties.csv
    folder = tmp_path / "data"
    write_folder(tables, folder)
    (folder / "ties.csv").write_text(ties.to_csv(index=False))
    with pytest.raises(InputError) as caught:
        read_source(folder)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (4, "end", day)
    assert "outside 1900-2100" in problem.reason
    result = CliRunner().invoke(cli, ["load", str(folder), "--store", str(tmp_path / "s.db")])
    assert result.exit_code != 0 and "outside 1900-2100" in result.output
    assert "Traceback" not in result.output


def _far_ahead() -> Tables:
    """The hostile programme with one tie ending on 31 December 2099 (a typing slip)."""
    nodes, ties = hostile_tables().to_text()
    ties.loc[2, "end"] = "2099-12-31"
    return Tables.from_records(nodes.to_dict("records"), ties.to_dict("records"))


def test_every_default_reporting_date_is_at_most_today(tmp_path, app_db):
    folder = tmp_path / "data"
    write_folder(_far_ahead(), folder)
    G = lacgraph.open(folder)
    assert G.last_date == TODAY
    assert G.resolve_date(None) == TODAY
    # the evaluator's growth as_of, the manager's neighbourhoods, the coordinator's page
    eve = _client(folder, app_db, "eve")
    assert "2099-" not in eve.get("/growth/summary.json?months=1").text
    assert "December 2099" not in eve.get("/growth").text
    max_ = _client(folder, app_db, "max")
    page = max_.get("/neighbourhoods").text
    assert "2099-" not in page and "December 2099" not in page
    cora = _client(folder, app_db, "cora")
    token = re.compile(r'(name="(?:csrf_token|form_token)" value=|content=)"[^"]+"')
    language = re.compile(r'href="[^"]*lang=\w+"')  # links to the page in each language
    default, today = (language.sub("", token.sub("", cora.get(url).text)) for url in
                      ("/people/p1", f"/people/p1?at={format_date(TODAY)}"))
    assert default == today
    # the command line's defaults
    runner = CliRunner()
    result = runner.invoke(cli, ["growth", str(folder), "--months", "1", "--summary",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    [as_of] = re.findall(r'"as_of": "([0-9-]{10})"', result.output)
    assert as_of <= format_date(TODAY)  # today, or the month end before it (beyond the team)
    assert "2099-" not in result.output and "December 2099" not in result.output
    result = runner.invoke(cli, ["metrics", str(folder), "--format", "csv"])
    assert result.exit_code == 0, result.output
    with_at = runner.invoke(cli, ["metrics", str(folder), "--format", "csv",
                                  "--at", format_date(TODAY)])
    assert result.output == with_at.output
