"""Issue 23 (9) and issue 25 (3) without JavaScript, over real HTTP against
``lacgraph serve``: the add form posted with part of a name comes back with the matches to
choose from (namesakes told apart by neighbourhood), the choice is recorded and the page
lands on the confirmation; a name outside the coordinator's scope gets the same answer as
a name that does not exist."""

from __future__ import annotations

import re
import shutil

from markupsafe import escape

from lacgraph.stores import MemoryStore
from tests.web.fixtures import HOSTILE, HOSTILE_WARD, PASSWORD, date_boxes, hostile_tables
from tests.web.live import Client, lacgraph_serve

CHOICE = re.compile(r'<input type="radio" id="[^"]+" name="existing" value="([^"]+)">')


def test_the_add_form_finds_by_part_of_a_name_without_javascript(tmp_path, accounts_file):
    store = tmp_path / "programme.sqlite"
    with MemoryStore(store) as s:
        s.write(hostile_tables())
    app_db = tmp_path / "app.sqlite"
    shutil.copy(accounts_file, app_db)
    form = {"kind": "neighbour", **date_boxes("start", "01/06/2024")}
    with lacgraph_serve(store, app_db) as base:
        cora = Client(base)
        cora.log_in("cora", PASSWORD)
        status, page = cora.post("/people/p1/connections/add", {"find": "PWNED=5", **form},
                                 form="/people/p1")
        assert status == 400 and "<title>Error: " in page
        assert sorted(CHOICE.findall(page)) == ["a04", "p2"]
        assert f"{escape(HOSTILE[4])}, person in {escape(HOSTILE_WARD)}</label>" in page
        status, _ = cora.post("/people/p1/connections/add", {"existing": "p2", **form},
                              form="/people/p1")
        assert status == 302
        status, page = cora.request("/people/p1?recorded=add")
        assert 'id="recorded"' in page and "The new connection is recorded." in page
        answers = []
        for typed in ("Olive Other", "Nobody Atall"):  # Cole's person, and no one
            status, page = cora.post("/people/p1/connections/add", {"find": typed, **form},
                                     form="/people/p1")
            assert status == 400
            answers.append(re.sub(r'value="[^"]{20,}"', "", page).replace(typed, "…"))
        assert answers[0] == answers[1]
    with MemoryStore(store) as s:
        ties = s.read().ties
    assert ((ties["source"] == "p1") & (ties["target"] == "p2")).sum() == 1
