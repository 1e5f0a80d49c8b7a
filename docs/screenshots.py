"""Take the README's screenshots of the web app's three main pages (synthetic demo data).

Serves the bundled demo programme (3,000 invented people) with the real app on a free
127.0.0.1 port, logs in as a coordinator, an evaluator and a manager in Debian's Chromium,
and writes ``docs/web-coordinator.png``, ``docs/web-evaluator.png``, ``docs/web-manager.png``,
``docs/web-where-to-act.png`` (the manager's next step),
and the coordinator's page on a phone (375 px, ``docs/web-coordinator-phone.png``) and as
printed (``docs/web-coordinator-print.png``, Chromium's print media on A4 width).

Usage::

    python docs/screenshots.py
"""

from __future__ import annotations

import secrets
import tempfile
import threading
from pathlib import Path

import waitress
from playwright.sync_api import sync_playwright

from lacgraph.network import Network
from lacgraph.synthetic import programme
from lacgraph.web import AppDB, create_app

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    tables = programme(3000, seed=1)
    G = Network.from_tables(tables)
    nodes = tables.nodes
    people = nodes[(nodes["type"] == "person") & (nodes["coordinator"] != "")]
    coordinator = people["coordinator"].value_counts().sort_index().idxmax()
    ward = people.loc[people["coordinator"] == coordinator, "neighbourhood"].mode().iloc[0]
    caseload = people.loc[people["coordinator"] == coordinator, "id"]
    metrics = G.metrics().set_index("id").loc[caseload]
    person = metrics.sort_values(["natural", "community"], ascending=False).index[3]

    password = secrets.token_urlsafe(16)
    db = AppDB(Path(tempfile.mkdtemp()) / "app.sqlite")
    db.add_user("sam.coordinator", "coordinator", password, coordinator=coordinator)
    db.add_user("eve.evaluator", "evaluator", password)
    db.add_user("max.manager", "manager", password, teams=[ward])
    app = create_app(G, db)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    since = str(G.last_date - 365)
    shots = [("sam.coordinator", f"/people/{person}?since={since}", "web-coordinator.png"),
             ("eve.evaluator", "/growth?months=12", "web-evaluator.png"),
             ("max.manager", "/neighbourhoods", "web-manager.png"),
             ("max.manager", "/where-to-act", "web-where-to-act.png"),
             ("sam.coordinator", f"/people/{person}?since={since}",
              "web-coordinator-phone.png"),
             ("sam.coordinator", f"/people/{person}?since={since}",
              "web-coordinator-print.png")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, path, out in shots:
            phone, printed = out.endswith("-phone.png"), out.endswith("-print.png")
            size = ({"width": 375, "height": 812} if phone else
                    {"width": 720, "height": 1040} if printed else
                    {"width": 1100, "height": 820})
            context = browser.new_context(viewport=size, device_scale_factor=2 if phone else 1)
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("input[name=name]", name)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if printed:
                page.emulate_media(media="print")
            page.screenshot(path=str(HERE / out), full_page=printed)
            context.close()
            print(f"wrote {HERE / out} ({(HERE / out).stat().st_size // 1024} KB)")
        browser.close()
    server.close()


if __name__ == "__main__":
    main()
