"""``lacgraph report``: every number in the report equals the matching CLI answer.

The report marks each number with ``data-key`` (and its exact value in ``value``). The
expected value of every key is worked out here from the command's own answers
(``lacgraph growth``, ``neighbourhoods``, ``assets``, ``clusters``), the input files, or
(for the retention curve and the starting-size bands, which have no command) the Python API;
counts are suppressed here with :func:`lacgraph.privacy.suppress`, and every growth figure of a
suppressed copy is what ``lacgraph growth --summary`` prints (issue 28: one disclosure rule). The report must hold exactly
those keys: no number in it goes unchecked.

The reports are made by the installed ``lacgraph`` in a process of its own. The dozens of
answers they are checked against come from the same click commands run in this process
(the CLI's own output, parsed as a user's program would): a new process for each would
start Python and import pandas and scipy again, most of the time these checks took.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import lacgraph
from lacgraph.disclosure import disclose_summary, one_decimal
from lacgraph.disclosure import share as disclosed_share
from lacgraph.loaders import write_folder
from lacgraph.privacy import suppress
from lacgraph.synthetic import programme
from lacgraph.tables import Tables, nodes_to_text, ties_to_text
from tests.cli.test_growth_cli import run, text_csv

CURVE_DAYS = (0, 91, 182, 273, 365, 547, 730)
EXACT_KEYS = {"glance.neighbourhoods", "glance.coordinators"}  # not counts of people


class Numbers(HTMLParser):
    """Collect ``data-key`` -> ``value`` from a report."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-key" in a:
            key, value = a["data-key"] or "", a.get("value") or ""
            assert self.values.get(key, value) == value, f"{key} shown with two values"
            self.values[key] = value


def report_values(path: Path) -> dict[str, str]:
    parser = Numbers()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.values


def long_date(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


# -- the data: a synthetic programme plus one tiny neighbourhood with a tiny caseload --------
TINY = "Tinyvale"


def tiny_programme() -> Tables:
    T = programme(1200, seed=5)
    nodes, ties = nodes_to_text(T.nodes), ties_to_text(T.ties)
    person = {"type": "person", "neighbourhood": TINY, "supported": "true",
              "introduced_on": "2023-01-10", "coordinator": "ctiny"}
    extra_nodes = [
        {"id": "ctiny", "type": "coordinator", "label": "Tiny Coordinator",
         "neighbourhood": TINY},
        {"id": "tclub", "type": "group", "label": "Tinyvale Club", "neighbourhood": TINY},
        {**person, "id": "t1", "label": "Tia One"},
        {**person, "id": "t2", "label": "Tom Two"},
        {**person, "id": "t3", "label": "Ted Three"},
        {"id": "t4", "type": "person", "neighbourhood": TINY, "label": "Tess Four"},
    ]
    extra_ties = [
        {"source": p, "target": "ctiny", "kind": "coordinator", "start": "2023-01-10"}
        for p in ("t1", "t2", "t3")
    ] + [
        {"source": "t1", "target": "t4", "kind": "friend", "start": "2023-03-01"},
        {"source": "t2", "target": "t4", "kind": "neighbour", "start": "2023-04-01"},
    ]
    nodes = pd.concat([nodes, pd.DataFrame(extra_nodes)], ignore_index=True).fillna("")
    ties = pd.concat([ties, pd.DataFrame(extra_ties)], ignore_index=True).fillna("")
    return Tables.from_records(nodes.to_dict("records"), ties.to_dict("records"))


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return write_folder(tiny_programme(), tmp_path_factory.mktemp("report") / "data")


@pytest.fixture(scope="module")
def suppressed(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "report.html"
    run("report", str(data), "--output", str(out))
    return out


@pytest.fixture(scope="module")
def team(data, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "team.html"
    run("report", str(data), "--from", "2024-03-01", "--to", "2024-06-30", "--no-suppress",
        "--output", str(out))
    return out


# -- expected values from the CLI ---------------------------------------------------------------
class Expect:
    def __init__(self, suppressing: bool):
        self.suppressing = suppressing
        self.values: dict[str, object] = {}

    def shown(self, n: int) -> int | str:
        return suppress(int(n)) if self.suppressing else int(n)

    def small(self, n: int) -> bool:
        return self.suppressing and 0 < n < 20

    def put(self, key: str, value: object) -> None:
        assert key not in self.values, key
        self.values[key] = value

    def count(self, key: str, n: int | None) -> None:
        self.put(key, None if n is None else self.shown(n))

    def share(self, key: str, part: int, whole: int) -> None:
        if not whole:
            self.put(key, None)
        elif self.suppressing:
            self.put(key, disclosed_share(int(part), int(whole)))
        else:
            self.put(key, part / whole)

    def withheld(self, key: str, whole: int) -> None:
        """A statistic not shown: ``*`` in a suppressed copy (a group under 20), else none."""
        self.put(key, "*" if self.suppressing and whole else None)


def cli_stdout(*args: str) -> str:
    """What ``lacgraph ARGS`` writes to standard output, run in this process."""
    from lacgraph.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, f"lacgraph {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def cli_json(*args: str) -> dict:
    return json.loads(cli_stdout(*args))


def cli_csv(*args: str) -> pd.DataFrame:
    return text_csv(cli_stdout(*args))


def expected(data: Path, window: tuple[str, ...], suppressing: bool, dates: list[str]
             ) -> dict[str, object]:
    E = Expect(suppressing)
    shown = cli_json("growth", str(data), *window, "--summary")  # the CLI's own suppression
    if suppressing:  # a copy leaving the team: its window and date are month ends
        window = (*window, "--as-of", shown["as_of"])
    exact = cli_json("growth", str(data), *window, "--summary", "--no-suppress")
    rows = cli_csv("growth", str(data), *window)
    nodes = pd.read_csv(data / "nodes.csv", dtype=str, keep_default_na=False)
    ties = pd.read_csv(data / "ties.csv", dtype=str, keep_default_na=False)
    last = exact["as_of"]

    # at a glance: the neighbourhoods command at the last date
    wards = cli_csv("neighbourhoods", str(data), "--at", last)
    for column in ("people", "supported", "groups", "isolated", "at_risk"):
        E.count(f"glance.{column}", wards[column].astype(int).sum())
    E.put("glance.coordinators", int((nodes["type"] == "coordinator").sum()))
    E.put("glance.neighbourhoods", int((wards["neighbourhood"] != "(none)").sum()))
    supported = nodes[nodes["supported"] == "true"]
    E.put("glance.first_introduction",
          long_date(min(d for d in supported["introduced_on"] if d)))
    E.put("glance.last_date", long_date(last))

    # cohort, growth, shift, retention: lacgraph growth --summary
    n = exact["n"]
    hide = E.small(n) or n == 0
    E.count("cohort.n", n)
    E.count("cohort.not_yet_due", exact["not_yet_due"])
    source = shown if suppressing else exact
    for key in ("mean_change", "mean_change_low", "mean_change_high", "median_change",
                "wilcoxon_p", "effect_r"):
        E.put(f"growth.{key}", source[key] if suppressing else None if hide else exact[key])
    for name in ("grew", "same", "shrank"):
        k = round(exact[f"share_{name}"] * n)
        E.count(f"growth.{name}", None if hide else k)
        if hide:
            E.withheld(f"growth.share_{name}", n)
        else:
            E.share(f"growth.share_{name}", k, n)
    for key in ("mean_paid_change", "median_paid_change", "wilcoxon_p_paid", "effect_r_paid"):
        E.put(f"shift.{key}", source[key] if suppressing else None if hide else exact[key])
    change = rows["change"].astype(int)
    paid = rows["paid_change"].astype(int)
    quadrants = {
        "shifted": ((paid < 0) & (change > 0)).sum(), "both_up": ((paid > 0) & (change > 0)).sum(),
        "both_down": ((paid < 0) & (change < 0)).sum(),
        "paid_up_close_down": ((paid > 0) & (change < 0)).sum(),
        "on_an_axis": ((paid == 0) | (change == 0)).sum(),
    }
    assert quadrants["shifted"] == round(exact["share_shifted"] * n)
    assert (rows["shifted"] == "true").sum() == quadrants["shifted"]
    E.count("shift.shifted", None if hide else quadrants["shifted"])
    if hide:
        E.withheld("shift.share_shifted", n)
    else:
        E.share("shift.share_shifted", quadrants["shifted"], n)
    for name, k in quadrants.items():
        E.count(f"shift.quadrant.{name}", None if hide else int(k))
    # page 1's attrition, clustering and survival figures that it shows, when the summary
    # has them (the paid interval and ICC are not on page 1)
    for key in ("n_observed", "n_missing", "n_left", "follow_up_rate",
                "baseline_observed_mean", "baseline_missing_mean", "mean_change_assumed",
                "mean_change_missing_zero", "icc", "retention_km", "retention_km_low",
                "retention_km_high"):
        if exact.get(key) is not None:
            E.put(f"findings.{key}", source[key] if suppressing else exact[key])
    due = exact["retention_n"]
    lasted = round(exact["retention"] * due) if exact["retention"] is not None else 0
    E.count("retention.n", due)
    hide_retention = E.small(due) or not due or E.small(n)
    E.count("retention.lasted", None if hide_retention else lasted)
    if hide_retention:
        E.withheld("retention.share", due)
    else:
        E.share("retention.share", lasted, due)
        if suppressing:
            assert shown["retention"] == disclosed_share(lasted, due)

    # the retention curve has no command: the Python API
    kwargs = ({"months": int(window[1])} if window[0] == "--months"
              else {"start": window[1], "end": window[3]})
    with lacgraph.open(data) as G:
        measured = G.growth(**kwargs, as_of=last)
        curve = measured.retention_curve(CURVE_DAYS)
    for row in curve.itertuples(index=False):
        small = E.small(row.observed) or row.observed == 0 or E.small(n)
        E.count(f"retention.curve.{row.days}.observed", row.observed)
        E.count(f"retention.curve.{row.days}.active", None if small else row.active)
        if small:
            E.withheld(f"retention.curve.{row.days}.share", row.observed)
        else:
            E.share(f"retention.curve.{row.days}.share", row.active, row.observed)

    # waves: lacgraph growth --waves 0,6,12 (the long table), averaged here
    long = cli_csv("growth", str(data), "--waves", "0,6,12", "--as-of", last)
    for wave, group in long.groupby(long["wave"].astype(int)):
        E.count(f"waves.{wave}.n", len(group))
        for column in ("natural", "community", "paid"):
            mean = group[column].astype(float).mean()
            E.put(f"waves.{wave}.{column}", "*" if E.small(len(group))
                  else one_decimal(mean) if suppressing else mean)

    # change by starting size band: the per-person rows of lacgraph growth
    start = rows["natural_community_from"].astype(int)
    change = rows["change"].astype(int)
    bands = []
    for low, high in ((0, 0), (1, 2), (3, 10**9)):
        c = change[(start >= low) & (start <= high)]
        m = len(c)
        bands.append((c, {"band": f"{low}-{high}", "n": m,
                          "mean_change": c.mean() if m else None,
                          "median_change": float(c.median()) if m else None,
                          **{k: v if m else None for k, v in (
                              ("share_grew", (c > 0).mean()), ("share_same", (c == 0).mean()),
                              ("share_shrank", (c < 0).mean()))}}))
    if suppressing:  # the bands split the people followed up: published as one split
        everyone = {"n": len(change), "share_grew": (change > 0).mean(),
                    "share_same": (change == 0).mean(), "share_shrank": (change < 0).mean()}
        published_bands = disclose_summary({**everyone, "by": {"band": [
            figures for _c, figures in bands]}})["by"]["band"]
    for number, (c, figures) in enumerate(bands, start=1):
        m = len(c)
        if suppressing:
            published = published_bands[number - 1]
            for key in ("n", "mean_change", "median_change", "share_grew", "share_shrank"):
                E.put(f"band.{number}.{key}", published[key])
            continue
        E.count(f"band.{number}.n", m)
        for key in ("mean_change", "median_change"):
            E.put(f"band.{number}.{key}", figures[key])
        E.share(f"band.{number}.share_grew", int((c > 0).sum()), m)
        E.share(f"band.{number}.share_shrank", int((c < 0).sum()), m)

    # by neighbourhood and coordinator: the summary's groups (suppressed by the CLI itself)
    for column in ("neighbourhood", "coordinator"):
        for number, (row, shown_row) in enumerate(zip(exact["by"][column], shown["by"][column],
                                                      strict=True), start=1):
            key = f"by.{column}.{row[column]}"
            if suppressing and column == "coordinator":  # numbered, never named
                key = f"by.coordinator.{number}"
            m = row["n"]
            small = E.small(m) or m == 0
            source = shown_row if suppressing else row
            if suppressing:  # every figure as lacgraph growth --summary prints it
                for stat in ("n", "not_yet_due", "mean_change", "wilcoxon_p", "effect_r",
                             "mean_paid_change", "share_grew", "share_shifted", "retention"):
                    E.put(f"{key}.{stat}", source[stat])
                continue
            E.put(f"{key}.n", source["n"])
            E.put(f"{key}.not_yet_due", source["not_yet_due"])
            for stat in ("mean_change", "wilcoxon_p", "effect_r", "mean_paid_change"):
                E.put(f"{key}.{stat}", None if small else source[stat])
            for stat, share in (("share_grew", "share_grew"), ("share_shifted", "share_shifted")):
                if small:
                    E.put(f"{key}.{stat}", None)
                else:
                    E.share(f"{key}.{stat}", round(row[share] * m), m)
            d = row["retention_n"]
            if small or E.small(d) or not d:
                E.put(f"{key}.retention", None)
            else:
                E.share(f"{key}.retention", round(row["retention"] * d), d)

    # isolation month by month: lacgraph neighbourhoods --at each month end (--export)
    export = ("--export",) if suppressing else ()
    tables = {d: cli_csv("neighbourhoods", str(data), "--at", d, *export).set_index(
        "neighbourhood") for d in dates}
    for ward in sorted(set().union(*(t.index for t in tables.values()))):
        for column in ("isolated", "at_risk", "isolated_clusters"):
            values = []
            for d in dates:
                text = tables[d][column].get(ward, "0")
                values.append(text if text == "*" else int(text))
                E.put(f"ward.{ward}.{column}.{d}", values[-1])
            E.put(f"ward.{ward}.{column}.change",
                  "*" if "*" in (values[0], values[-1]) else values[-1] - values[0])

    # where to act: lacgraph assets, assets --gaps, clusters (--export)
    assets = cli_csv("assets", str(data), "--at", last, *export)
    exact_assets = cli_csv("assets", str(data), "--at", last)
    keep = exact_assets["otherwise_at_risk"].astype(int) > 0
    for row in assets[keep.to_numpy()].head(10).to_dict("records"):
        for column in ("members", "otherwise_at_risk", "only_connection"):
            E.put(f"asset.{row['id']}.{column}", row[column] if row[column] == "*"
                  else int(row[column]))
    for row in cli_csv("assets", str(data), "--at", last, "--gaps", *export).to_dict("records"):
        for column in ("people", "isolated", "at_risk", "isolated_clusters"):
            E.put(f"gap.{row['neighbourhood']}.{column}",
                  row[column] if row[column] == "*" else int(row[column]))
    clusters = cli_csv("clusters", str(data), "--at", last, *export)
    if not suppressing:  # the team copy shows the profile of the exact cluster list
        clusters = clusters.astype({"size": int, "supported": int, "with_paid_ties": int})
        clusters = clusters.groupby("size").agg(
            clusters=("cluster", "size"), supported=("supported", "sum"),
            with_paid_ties=("with_paid_ties", "sum")).reset_index()
    for row in clusters.to_dict("records"):
        for column in ("clusters", "supported", "with_paid_ties"):
            value = row[column]
            E.put(f"clusters.size.{row['size']}.{column}", value if value == "*" else int(value))

    # data quality: the input files
    people = nodes["type"] == "person"
    sup = people & (nodes["supported"] == "true")
    E.count("quality.supported_without_introduction", (sup & (nodes["introduced_on"] == "")).sum())
    E.count("quality.supported_without_coordinator", (sup & (nodes["coordinator"] == "")).sum())
    E.count("quality.people_without_neighbourhood", (people & (nodes["neighbourhood"] == "")).sum())
    E.count("quality.ties_without_date", (ties["start"] == "").sum())
    E.count("quality.ties", len(ties))
    return E.values


def same(got: str, want: object) -> bool:
    if want is None:
        return got == ""
    if isinstance(want, float) or (isinstance(want, str) and re.fullmatch(r"-?[\d.e+-]+", want)
                                   and "." in want):
        return math.isclose(float(got), float(want), rel_tol=1e-12, abs_tol=1e-12)
    return got == str(want)


def month_ends(values: dict[str, str]) -> list[str]:
    return sorted({k.rsplit(".", 1)[1] for k in values
                   if k.startswith("ward.") and not k.endswith(".change")})


def check(report: Path, data: Path, window: tuple[str, ...], suppressing: bool) -> None:
    values = report_values(report)
    want = expected(data, window, suppressing, month_ends(values))
    assert sorted(values) == sorted(want), (set(values) ^ set(want))
    wrong = {k: (values[k], want[k]) for k in want if not same(values[k], want[k])}
    assert wrong == {}


@pytest.mark.slow
def test_suppressed_report_equals_the_cli(suppressed, data):
    values = report_values(suppressed)
    # the data end on 30 December 2024: the last month end on or before it is 30 November,
    # the copy's date (issue 28: dates leaving the team are month ends)
    assert values["glance.last_date"] == "30 November 2024"
    assert month_ends(values) == [str(d.date()) for d in pd.date_range(
        "2023-12-31", "2024-11-30", freq="ME")]
    check(suppressed, data, ("--months", "6"), True)


@pytest.mark.slow
def test_team_copy_equals_the_cli(team, data):
    values = report_values(team)
    assert month_ends(values) == ["2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30"]
    check(team, data, ("--from", "2024-03-01", "--to", "2024-06-30"), False)


# -- suppression ---------------------------------------------------------------------------------
def test_no_small_count_in_a_suppressed_report(suppressed):
    values = report_values(suppressed)
    counts = {k: v for k, v in values.items() if re.fullmatch(r"-?\d+", v)}
    assert len(counts) > 100
    bad = {k: v for k, v in counts.items() if k not in EXACT_KEYS
           and not (int(v) == 0 or (abs(int(v)) % 5 == 0 and (abs(int(v)) >= 8
                                                             or k.endswith(".change"))))}
    assert bad == {}
    # the tiny neighbourhood and caseload: nothing but * (or a true 0), no statistics
    tiny = {k: v for k, v in values.items() if TINY in k}
    assert tiny and set(tiny.values()) <= {"*", "0", ""}
    assert values[f"by.neighbourhood.{TINY}.n"] == "*"
    assert values[f"by.neighbourhood.{TINY}.mean_change"] == "*"  # one symbol for withheld
    # coordinators are numbered, never named or given by id; the tiny caseload shows only *
    assert not any(".ctiny." in k for k in values)
    assert any(values[k] == "*" and values[k.replace(".n", ".effect_r")] == "*"
               for k in values if re.fullmatch(r"by\.coordinator\.\d+\.n", k))
    assert values[f"gap.{TINY}.isolated"] == "*"
    html = suppressed.read_text(encoding="utf-8")
    for name in ("Tia One", "Tom Two", "Ted Three", "Tess Four", "t1", "t2;", "ctiny"):
        assert name not in html
    # charts say only suppressed numbers too
    charts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(charts) > 5
    drawn = re.findall(r"(\d+) people", " ".join(charts))
    assert drawn and all(int(n) == 0 or int(n) % 5 == 0 for n in drawn), drawn
    assert "Team copy" not in html


def test_team_copy_shows_small_numbers_and_says_so_on_every_page(team):
    values = report_values(team)
    assert values[f"by.neighbourhood.{TINY}.n"] == "3"
    assert values["by.coordinator.ctiny.n"] == "3"
    html = team.read_text(encoding="utf-8")
    text = "Team copy \u2014 not for circulation: contains unsuppressed small numbers"
    assert html.count(text) >= 3  # the banner, the footer and every printed page's top
    assert re.search(r"@page \{ @top-center \{ content: \"" + text, html)


def test_a_tiny_cohort_gets_no_statistics_or_charts(tmp_path):
    node = {"type": "person", "supported": "true", "neighbourhood": "Elm"}
    T = Tables.from_records(
        nodes=[{**node, "id": f"p{i}", "introduced_on": "2024-01-01"} for i in range(3)]
              + [{"id": "f", "type": "person", "neighbourhood": "Elm"}],
        ties=[{"source": f"p{i}", "target": "f", "kind": "friend", "start": "2024-03-01"}
              for i in range(3)])
    data = write_folder(T, tmp_path / "data")
    out = tmp_path / "tiny.html"
    done = run("report", str(data), "--from", "2024-01-15", "--to", "2024-06-30",
               "-o", str(out))
    assert "15 January 2024 is taken back to the month end 31 December 2023" in done.stderr
    run("report", str(data), "--from", "2024-01-31", "--to", "2024-06-30", "-o", str(out))
    values = report_values(out)
    html = out.read_text(encoding="utf-8")
    assert values["cohort.n"] == "*"
    for key in ("growth.mean_change", "growth.grew", "growth.wilcoxon_p", "shift.shifted",
                "shift.wilcoxon_p_paid", "by.neighbourhood.Elm.mean_change"):
        assert values.get(key, "") in ("", "*"), key
    assert "data-chart=" not in html and "too small to report" in html


# -- the command ---------------------------------------------------------------------------------
def test_help_and_mistakes(data, tmp_path):
    assert "--no-suppress" in run("report", "--help").stdout
    for args, message in (
        (("--months", "6", "--from", "2024-01-01", "--to", "2024-03-01"), "not both"),
        (("--from", "2024-01-01"), "needs both --from and --to"),
    ):
        done = run("report", str(data), *args, "-o", str(tmp_path / "r.html"), check=False)
        assert done.returncode != 0 and message in done.stderr
        assert "Traceback" not in done.stderr
    done = run("report", str(data), "-o", str(tmp_path / "r.txt"), check=False)
    assert done.returncode == 2 and "expected an .html file" in done.stderr


def test_pdf_without_chromium_says_so(data, tmp_path, monkeypatch):
    from lacgraph.cli import cli
    from lacgraph.report import render

    monkeypatch.setattr(render, "CHROMIUM", str(tmp_path / "no-chromium"))
    result = CliRunner().invoke(cli, ["report", str(data), "-o", str(tmp_path / "r.html"),
                                      "--pdf", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1
    assert "Chromium is not available" in result.output
    assert (tmp_path / "r.html").exists() and not (tmp_path / "r.pdf").exists()


def test_report_reads_the_cli_window(suppressed):
    text = suppressed.read_text(encoding="utf-8")
    assert "from each person&#39;s introduction to 6 months later" in text
    assert io.StringIO(text).read(15) == "<!doctype html>"


def test_as_of_moves_every_date(data, tmp_path):
    out = tmp_path / "as-of.html"
    run("report", str(data), "--months", "3", "--as-of", "2024-06-15", "-o", str(out))
    values = report_values(out)
    assert values["glance.last_date"] == "31 May 2024"  # taken back to a month end
    assert month_ends(values)[-1] == "2024-05-31" and len(month_ends(values)) == 12
    summary = cli_json("growth", str(data), "--months", "3", "--as-of", "2024-06-15",
                       "--summary")
    assert values["cohort.n"] == str(suppress(summary["n"]))
    assert values["cohort.not_yet_due"] == str(suppress(summary["not_yet_due"]))
