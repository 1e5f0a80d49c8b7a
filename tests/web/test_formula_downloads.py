"""Issue 11.15: web downloads are formula-safe by the one shared rule
(:func:`lacgraph.output.formula_safe`): a leading space before ``=``, the full-width ``＝``
and ``"x\\n=1+1"`` no longer reach a spreadsheet as formulas."""

from __future__ import annotations

import csv
import io

import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables
from lacgraph.web import AppDB, create_app
from tests.web.conftest import log_in
from tests.web.fixtures import PASSWORD

TRICKS = [" =1+1", "\uff1d1+1", "x\n=1+1", "\t=1+1", "\u200b=1+1", "\uff0bSUM(A1)"]


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    nodes = [{"id": "c1", "type": "coordinator", "label": "Cara"},
             {"id": "p1", "type": "person", "label": "Pat", "neighbourhood": TRICKS[0],
              "supported": True, "introduced_on": "2024-01-01", "coordinator": "c1"}]
    ties = [{"source": "p1", "target": "c1", "kind": "coordinator", "start": "2024-01-01"}]
    for n, label in enumerate(TRICKS):
        nodes.append({"id": f"a{n}", "type": "person", "label": label,
                      "neighbourhood": TRICKS[1]})
        ties.append({"source": "p1", "target": f"a{n}", "kind": "friend",
                     "start": "2024-01-01"})
    db = AppDB(tmp_path_factory.mktemp("formula") / "app.sqlite")
    db.add_user("cora", "coordinator", PASSWORD, coordinator="c1")
    db.add_user("max", "manager", PASSWORD, teams=["North"])
    app = create_app(Network.from_tables(Tables.from_records(nodes, ties)), db,
                     pseudonymiser=Pseudonymiser(b"k"))
    made = {}
    for name in ("cora", "max"):
        made[name] = app.test_client()
        assert log_in(made[name], name).status_code == 302
    return made


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _is_formula(cell: str) -> bool:
    """What a spreadsheet would run: a line starting (after spaces/zero-width, NFKC) with
    = + - @."""
    import unicodedata

    for line in cell.splitlines():
        text = unicodedata.normalize("NFKC", line).lstrip(" \u200b\ufeff\t\r")
        if text.startswith(("=", "+", "-", "@")) and not line.startswith("'"):
            return True
    return False


def test_circle_download_neutralises_every_trick(clients):
    response = clients["cora"].get("/people/p1/circle.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    cells = _cells(response.text)
    risky = [c for c in cells if _is_formula(c)]
    assert risky == []
    for trick in TRICKS:
        assert any(c.startswith("'") and c.lstrip("'").replace("\n'", "\n") == trick
                   for c in cells), trick


def test_neighbourhood_download_neutralises_names(clients):
    response = clients["max"].get("/neighbourhoods.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.text
    assert [c for c in _cells(text) if _is_formula(c)] == []
    assert "' =1+1" in text and "'\uff1d1+1" in text
