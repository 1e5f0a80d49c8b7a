"""Recording a change from the person page: written through the store file in one
transaction, validated like a load, audited with before and after, seen at once by the page
and by the command line, and refused for another coordinator's person."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape as markup

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables, format_date, format_long_date
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import (
    HOSTILE,
    HOSTILE_WARD,
    choice_on,
    csrf_from,
    date_boxes,
    record_fields,
)

TODAY = np.datetime64("today", "D")


@pytest.fixture
def cora(store_file, app_db):
    app = create_app(lacgraph.open(store_file), app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, "cora").status_code == 302
    return client


def _post(client, url: str, data: dict):
    """Post a record form as a browser would: with the hidden fields of the page just
    opened, and the chosen connection (alter, kind, start) as its choice there."""
    page = client.get("/people/p1").text
    if data.get("tie"):
        data = {**data, "tie": choice_on(page, *json.loads(data["tie"]))}
    return client.post(url, data={**record_fields(page), **data})


def _cli_circle(store_file, *args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "lacgraph"), "circle", str(store_file), "p1",
                           "--format", "csv", *args], capture_output=True, text=True, check=True)
    return done.stdout


def _audit(app_db, action: str) -> dict:
    rows = app_db.audit_log(action=action)
    assert rows, f"no audit row {action}"
    return json.loads(rows[-1][6])


def test_add_a_new_person_is_stored_shown_audited_and_seen_by_the_cli(cora, store_file, app_db):
    response = _post(cora, "/people/p1/connections/add", {
        "new_name": "Mary <Wright>", "new_type": "person", "kind": "friend",
        **date_boxes("start", "17/08/2024"), "introduced": "yes", "reciprocal": "yes"})
    assert response.status_code == 302, response.text
    page = cora.get("/people/p1?since=2024-08-01&at=2024-08-31").text
    assert ("<li>New: Mary &lt;Wright&gt;, friend, introduced by "
            f"{escape(HOSTILE[0])}, 17 August 2024</li>") in page
    with MemoryStore(store_file) as store:  # the file itself holds it, after one commit
        ties = store.read().ties
        new = ties[ties["kind"].eq("friend") & ties["start"].eq(np.datetime64("2024-08-17"))]
        assert len(new) == 1 and new["brokered_by"].iat[0] == "c1" and new["reciprocal"].iat[0]
    assert "Mary <Wright>" in _cli_circle(store_file, "--at", "2024-09-01")
    after = _audit(app_db, "record.add")["after"]
    assert after["kind"] == "friend" and after["new"]["label"] == "Mary <Wright>"


def test_add_an_existing_person_by_part_of_the_name_then_end_it(cora, store_file, app_db):
    response = _post(cora, "/people/p1/connections/add", {
        "find": "onerror=\"window.__pwned=2", "kind": "member",
        **date_boxes("start", "2024-06-01")})
    assert response.status_code == 400  # a person and a group of that name: choose one
    assert response.text.count('name="existing"') == 2
    assert f"{markup(HOSTILE[1])}, group in North</label>" in response.text
    assert f"{markup(HOSTILE[1])}, person in North</label>" in response.text
    assert "<title>Error: " in response.text
    # namesakes on the caseload (p2) and in the circle (a04), told apart by neighbourhood
    response = _post(cora, "/people/p1/connections/add", {
        "find": "pwned=5", "kind": "neighbour", **date_boxes("start", "2024-06-01")})
    assert response.status_code == 400 and response.text.count('name="existing"') == 2
    assert f"{markup(HOSTILE[4])}, person in {markup(HOSTILE_WARD)}</label>" in response.text
    response = _post(cora, "/people/p1/connections/add", {
        "find": "pwned=5", "existing": "p2", "kind": "neighbour",
        **date_boxes("start", "2024-06-01")})
    assert response.status_code == 302, response.text[response.text.find("error-summary"):][:600]
    assert response.headers["Location"].endswith("#recorded")
    choice = json.dumps(["p2", "neighbour", "2024-06-01"])
    response = _post(cora, "/people/p1/connections/end",
                     {"tie": choice, **date_boxes("end", "30/09/2024")})
    assert response.status_code == 302, response.text
    page = cora.get("/people/p1?since=2024-09-01&at=2024-10-01&recorded=end").text
    assert f"<li>Ended: {markup(HOSTILE[4])}, neighbour, 30 September 2024</li>" in page
    assert "The end of the connection is recorded." in page and "<title>Error" not in page
    audit = _audit(app_db, "record.end")
    assert audit["before"]["end"] == "" and audit["after"]["end"] == "2024-09-30"
    csv = _cli_circle(store_file, "--at", "2024-10-01", "--since", "2024-09-01")
    assert "gone" in csv


def test_correct_then_withdraw_a_connection(cora, store_file, app_db):
    choice = json.dumps(["s1", "service", "2023-06-01"])
    response = _post(cora, "/people/p1/connections/correct", {
        "tie": choice, "action": "correct", **date_boxes("start", "2023-07-01"), "circle": "3"})
    assert response.status_code == 302, response.text
    audit = _audit(app_db, "record.correct")
    assert audit["before"]["start"] == "2023-06-01" and audit["after"]["start"] == "2023-07-01"
    with MemoryStore(store_file) as store:
        ties = store.read().ties
        s1 = ties[(ties["target"] == "s1") & (ties["source"] == "p1")]
        assert s1["start"].map(format_date).tolist() == ["2023-07-01"]
        assert s1["circle"].tolist() == [3]
    moved = json.dumps(["s1", "service", "2023-07-01"])
    response = _post(cora, "/people/p1/connections/correct", {"tie": moved,
                                                               "action": "withdraw"})
    assert response.status_code == 302
    with MemoryStore(store_file) as store:
        ties = store.read().ties
        assert not ((ties["target"] == "s1") & (ties["source"] == "p1")).any()
    assert _audit(app_db, "record.withdraw")["after"] is None


def test_review_held_today_becomes_the_default_since(cora, store_file):
    response = _post(cora, "/people/p1/review", {})
    assert response.status_code == 302
    page = cora.get("/people/p1").text
    assert f"last review {format_long_date(TODAY)}" in page
    with MemoryStore(store_file) as store:
        nodes = store.read().nodes.set_index("id")
        assert nodes.at["p1", "reviews"] == format_date(TODAY)
        assert nodes.at["p1", "label"] == HOSTILE[3]  # the rest of the row kept
    later = format_date(TODAY + 10)
    page = cora.get(f"/people/p1?at={later}").text
    assert f"What changed since {format_long_date(TODAY)} (the last review)" in page


def test_problems_show_an_error_summary_linking_to_the_fields(cora, store_file):
    before = store_file.read_bytes()
    response = _post(cora, "/people/p1/connections/add", {
        "existing": "g1", "kind": "friend", **date_boxes("start", "31/02/2024")})
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#add-start-day"' in response.text  # the summary links the first box
    assert "The start date must be a real date" in response.text
    for part, typed in (("day", "31"), ("month", "02"), ("year", "2024")):  # kept as typed
        assert (f'id="add-start-{part}" name="start-{part}" type="text" inputmode="numeric" '
                f'value="{typed}" aria-invalid="true">') in response.text
    response = _post(cora, "/people/p1/connections/add", {
        "existing": "g1", "kind": "friend", **date_boxes("start", "01/02/2024")})
    assert response.status_code == 400  # a friend tie to a group breaks the load rules
    assert 'href="#add-kind"' in response.text or 'href="#add-find"' in response.text
    response = _post(cora, "/people/p1/connections/add", {
        "find": "Nobody Atall", "kind": "friend", **date_boxes("start", "01/02/2024")})
    assert 'href="#add-find"' in response.text and "no group or service" in response.text
    response = _post(cora, "/people/p1/connections/end", {"tie": "", **date_boxes("end", "")})
    assert 'href="#end-tie"' in response.text and 'href="#end-end-day"' in response.text
    assert "Enter the end date" in response.text
    choice = json.dumps(["s1", "service", "2023-06-01"])
    response = _post(cora, "/people/p1/connections/correct", {
        "tie": choice, "action": "correct", "start-day": "1", "start-month": "",
        "start-year": "2023", "end-day": "30", "end-month": "9", "end-year": "24"})
    assert response.status_code == 400
    assert 'href="#fix-start-month"' in response.text and 'href="#fix-end-year"' in response.text
    assert "The start date must include a month" in response.text
    assert "Year must include 4 numbers" in response.text
    assert 'id="fix-end-year" name="end-year" type="text" inputmode="numeric" value="24"' \
        in response.text
    assert store_file.read_bytes() == before


def test_another_coordinators_person_cannot_be_changed(store_file, app_db):
    app = create_app(lacgraph.open(store_file), app_db)
    client = app.test_client()
    assert log_in(client, "cole").status_code == 302
    token = csrf_from(client.get("/caseload").text)
    before = store_file.read_bytes()
    response = client.post("/people/p1/connections/add", data={
        "csrf_token": token, "new_name": "X", "new_type": "person", "kind": "friend",
        **date_boxes("start", "2024-01-01")})
    assert response.status_code == 404
    response = client.post("/people/p1/review", data={})  # and no CSRF token: refused
    assert response.status_code in (400, 404)
    assert store_file.read_bytes() == before


def _answer(response, typed: str) -> str:
    """A page with the words typed and the form's token taken out."""
    return re.sub(r'name="(?:csrf|form)_token" value="[^"]+"', "", response.text).replace(typed, "…")


def test_finding_someone_cannot_probe_for_people_outside_the_coordinators_scope(
        cora, store_file, app_db):
    before = store_file.read_bytes()
    form = {"kind": "friend", **date_boxes("start", "01/02/2024")}
    answers = {}
    for typed in ("Quentin Quiet", "Olive Other", "Nobody Atall"):  # q3, p3 are Cole's
        response = _post(cora, "/people/p1/connections/add", {"find": typed, **form})
        assert response.status_code == 400
        answers[typed] = _answer(response, typed)
    assert answers["Quentin Quiet"] == answers["Olive Other"] == answers["Nobody Atall"]
    for node in ("q3", "p3", "no-such-id"):  # ids (never typed by staff) answer alike
        response = _post(cora, "/people/p1/connections/add", {"existing": node, **form})
        assert response.status_code == 400
        answers[node] = _answer(response, node)
        assert "Choose a person, group or service from the list" in response.text
    assert answers["q3"] == answers["p3"] == answers["no-such-id"]
    assert store_file.read_bytes() == before
    found = cora.get("/people/p1/find.json?q=o").get_json()["results"]
    ids = {r["id"] for r in found}
    assert {"p3", "q3", "c2"}.isdisjoint(ids) and "g1" in ids and "s1" in ids
    assert cora.get("/people/p1/find.json?q=Olive").get_json() == {"results": []}
    assert cora.get("/people/p3/find.json?q=Olive").status_code == 404  # not her person
    rows = app_db.audit_log(action="record.find")
    assert rows and all("Olive" not in str(row) for row in rows)  # a count, never the words


def test_a_group_is_found_by_part_of_its_name_anywhere(cora, store_file):
    with MemoryStore(store_file) as store:  # three groups of one name, none in p1's circle
        store.write(Tables.from_records([
            {"id": f"art{n}", "type": "group", "label": "Coeddale Art Group",
             "neighbourhood": hood} for n, hood in enumerate(["Coeddale", "Millham", ""])], []))
    found = cora.get("/people/p1/find.json?q=art%20GROUP").get_json()["results"]
    assert [r["text"] for r in found] == ["Coeddale Art Group, group",
                                          "Coeddale Art Group, group in Coeddale",
                                          "Coeddale Art Group, group in Millham"]
    response = _post(cora, "/people/p1/connections/add", {
        "find": "Art Group", "kind": "member", **date_boxes("start", "01/02/2024")})
    assert response.status_code == 400 and "3 match “Art Group”: choose one" in response.text
    response = _post(cora, "/people/p1/connections/add", {
        "existing": "art1", "kind": "member", **date_boxes("start", "01/02/2024")})
    assert response.status_code == 302


def test_the_csrf_token_is_signed_once_per_session_and_still_accepted(cora):
    first = csrf_from(cora.get("/people/p1").text)
    time.sleep(1.1)  # a token signed again would carry a later time stamp
    page = cora.get("/people/p1").text
    assert csrf_from(page) == first  # kept for the session, not signed again per page
    assert f'name="csrf_token" value="{first}"' in page  # the log-out form's token too
    response = cora.post("/people/p1/review", data=record_fields(page))
    assert response.status_code == 302  # the kept token is accepted
    other = cora.application.test_client()  # another session of the same account: its own token
    assert log_in(other, "cora").status_code == 302
    assert csrf_from(other.get("/people/p1").text) != first
