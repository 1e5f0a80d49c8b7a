"""A small hand-drawn programme full of hostile names, and its accounts.

Two coordinators: ``c1`` walks alongside ``p1`` (22 alters, all with hostile names) and
``p2`` (isolated, in a ward whose name is itself hostile); ``c2`` walks alongside ``p3``
("Olive Other"), who must stay invisible to ``c1``'s account. ``i1``-``i2`` are an isolated
cluster (a couple with only each other) in North; ``p3`` lives in South.
"""

from __future__ import annotations

import re
from pathlib import Path

from argon2 import PasswordHasher

from lacgraph.loaders import write_folder
from lacgraph.tables import Tables
from lacgraph.web.appdb import AppDB

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload="window.__pwned=3">',
    "'><script>window.__pwned=4</script>",
    "</script><script>window.__pwned=5</script>",
    "javascript:window.__pwned=6",
    '<iframe srcdoc="<script>parent.__pwned=7</script>"></iframe>',
    "{{7*7}} {% raw %}",
    '<a href="javascript:window.__pwned=9">click me</a>',
    "<body onload=window.__pwned=10>",
    '=HYPERLINK("http://evil.example","x")',
    "<style>*{display:none!important}</style>",
    "Robert'); DROP TABLE users;--",
    "&lt;script&gt;window.__pwned=14&lt;/script&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=15>",
    "\u202eEvil\u202c reversed",
    "<details open ontoggle=window.__pwned=17>",
    '" onmouseover="window.__pwned=18" x="',
    '<object data="javascript:window.__pwned=19"></object>',
    "O'Brien & \"Sons\" <ltd>",
    "]]><!-- <script>window.__pwned=21</script> -->",
    '<base href="//evil.example/"><meta http-equiv="refresh" content="0;url=//evil.example">',
    "Cost $5 or $10 \\frac{a}{b} $\\undefined$",
    '{"label": "</script><script>window.__pwned=24</script>"}',
]
"""Display names that must come out as text, never markup or script (24 of them)."""

HOSTILE_WARD = '<b>Ward</b> "Q" & \'R\' <script>window.__pwned=30</script>'
PASSWORD = "correct horse battery staple"
ACCOUNTS = {
    "cora": {"role": "coordinator", "coordinator": "c1"},
    "cole": {"role": "coordinator", "coordinator": "c2"},
    "eve": {"role": "evaluator"},
    "max": {"role": "manager", "teams": ["North", HOSTILE_WARD]},
    "mia": {"role": "manager", "teams": ["South"]},
    "ada": {"role": "admin"},
}


def hostile_tables() -> Tables:
    """The programme (hand-drawn, valid: it loads through the CSV loader)."""
    nodes = [
        {"id": "c1", "type": "coordinator", "label": HOSTILE[0]},
        {"id": "c2", "type": "coordinator", "label": "Cara Second"},
        {"id": "g1", "type": "group", "label": HOSTILE[1], "neighbourhood": "North"},
        {"id": "s1", "type": "service", "label": HOSTILE[2]},
        {"id": "p1", "type": "person", "label": HOSTILE[3], "neighbourhood": "North",
         "supported": True, "introduced_on": "2024-01-01", "coordinator": "c1"},
        {"id": "p2", "type": "person", "label": HOSTILE[4], "neighbourhood": HOSTILE_WARD,
         "supported": True, "introduced_on": "2024-02-01", "coordinator": "c1"},
        {"id": "p3", "type": "person", "label": "Olive Other", "neighbourhood": "South",
         "supported": True, "introduced_on": "2024-01-01", "coordinator": "c2"},
        {"id": "q3", "type": "person", "label": "Quentin Quiet", "neighbourhood": "South"},
        {"id": "i1", "type": "person", "label": HOSTILE[5], "neighbourhood": "North"},
        {"id": "i2", "type": "person", "label": HOSTILE[6], "neighbourhood": "North"},
    ]
    ties = [
        {"source": "p1", "target": "c1", "kind": "coordinator", "start": "2024-01-01"},
        {"source": "p1", "target": "g1", "kind": "member", "start": "2024-03-01",
         "brokered_by": "c1", "reciprocal": True},
        {"source": "p1", "target": "s1", "kind": "service", "start": "2023-06-01"},
        {"source": "p2", "target": "c1", "kind": "coordinator", "start": "2024-02-01"},
        {"source": "p3", "target": "c2", "kind": "coordinator", "start": "2024-01-01"},
        {"source": "p3", "target": "q3", "kind": "friend", "start": "2024-02-01"},
        {"source": "i1", "target": "i2", "kind": "neighbour", "start": "2020-01-01"},
    ]
    kinds = ["friend", "family", "neighbour", "peer"]
    for n, name in enumerate(HOSTILE):
        alter = f"a{n:02d}"
        nodes.append({"id": alter, "type": "person", "label": name, "neighbourhood": "North"})
        start = "2024-04-01" if n % 3 == 0 else "2023-01-01"
        tie = {"source": "p1", "target": alter, "kind": kinds[n % 4], "start": start}
        if n % 5 == 1:
            tie["end"] = "2024-05-01"
        if n % 2 == 0:
            tie["brokered_by"] = "c1"
        ties.append(tie)
        ties.append({"source": alter, "target": "g1", "kind": "member", "start": "2023-01-01"})
    return Tables.from_records(nodes, ties)


def write_programme(folder: Path) -> Path:
    """Write the programme as a data folder and return it."""
    write_folder(hostile_tables(), folder)
    return folder


QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""argon2id at 1 pass over 1 MiB (about 1 ms) instead of the product's 3 passes over 64 MiB
(about 0.17 s here), for the app databases of tests that log in hundreds of times. Logins
still check a real argon2id hash; the product's defaults are tested in test_auth.py
(``test_the_default_hasher_is_argon2_cffis_and_upgrades_cheaper_hashes``) and used by
every test that runs ``lacgraph serve`` or a ``lacgraph users`` command."""


def add_accounts(db: AppDB) -> None:
    """The six accounts of :data:`ACCOUNTS`, all with :data:`PASSWORD`."""
    for name, spec in ACCOUNTS.items():
        db.add_user(name, spec["role"], PASSWORD, coordinator=spec.get("coordinator", ""),
                    teams=spec.get("teams", ()))


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="([^"]*)"')
OPTION = re.compile(r'<option value="([^"]+)"')


def record_fields(html: str) -> dict[str, str]:
    """The hidden fields a person page's record forms carry: the CSRF token, the one-time
    form token and the person's version (for the review form)."""
    token, version = FORM_TOKEN.search(html), VERSION.search(html)
    assert token and version, "no form token or version on the page"
    return {"csrf_token": csrf_from(html), "form_token": token.group(1),
            "version": version.group(1)}


def choice_on(html: str, alter: str, kind: str, start: str) -> str:
    """The value of the connection (alter, kind, start) in a record form's choice list,
    with the version of its row when the page was written."""
    import json
    from html import unescape

    for value in OPTION.findall(html):
        try:
            parsed = json.loads(unescape(value))
        except ValueError:
            continue
        if isinstance(parsed, list) and parsed[:3] == [alter, kind, start]:
            return unescape(value)
    raise AssertionError(f"no choice {alter} {kind} {start} on the page")


def date_boxes(name: str, typed: str) -> dict[str, str]:
    """The three GOV.UK date boxes of the field ``name`` as a person types "31/12/2024" (or
    "2024-12-31") into them: ``{"name-day": "31", "name-month": "12", "name-year": "2024"}``;
    "" leaves them empty."""
    if not typed:
        return {f"{name}-day": "", f"{name}-month": "", f"{name}-year": ""}
    parts = typed.split("-")[::-1] if "-" in typed else typed.split("/")
    day, month, year = (parts + ["", "", ""])[:3]
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
