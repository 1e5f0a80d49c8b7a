"""Demo accounts for ``lacgraph demo``: one per role, random passwords printed once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from lacgraph.audit.appfile import default_app_db
from lacgraph.tables import Tables
from lacgraph.web.appdb import AppDB


def demo_accounts(store_path: str | os.PathLike[str], tables: Tables) -> list[str]:
    """Create a fresh app database beside ``store_path`` with one account per role.

    The coordinator account is the coordinator with the largest caseload; the manager's
    team is that coordinator's neighbourhood. Returns the lines to print (the passwords
    are not stored anywhere else).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from lacgraph.synthetic import programme
    >>> lines = demo_accounts(pathlib.Path(tempfile.mkdtemp()) / "p.sqlite",
    ...                       programme(700, seed=1))
    >>> [line.split()[0] for line in lines[2:6]]
    ['coordinator', 'evaluator', 'manager', 'admin']
    """
    path = default_app_db(store_path)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if leftover.exists():
            leftover.unlink()
    nodes = tables.nodes
    people = nodes[(nodes["type"] == "person") & (nodes["coordinator"] != "")]
    coordinator = people["coordinator"].value_counts().sort_index().idxmax()
    ward = people.loc[people["coordinator"] == coordinator, "neighbourhood"].mode().iloc[0]
    db = AppDB(path)
    accounts = [("coordinator", "demo-coordinator", {"coordinator": coordinator}),
                ("evaluator", "demo-evaluator", {}),
                ("manager", "demo-manager", {"teams": [ward]}),
                ("admin", "demo-admin", {})]
    lines = [f"Web app: lacgraph serve {store_path}  (accounts in {path})",
             "then open http://127.0.0.1:8000/ and log in as (passwords shown only now):"]
    for role, name, extra in accounts:
        password = secrets.token_urlsafe(12)
        db.add_user(name, role, password, **extra)
        note = {"coordinator": f" (caseload of {coordinator})",
                "manager": f" (team: {ward})"}.get(role, "")
        lines.append(f"{role:<12} {name:<17} {password}{note}")
    db.close()
    return lines
