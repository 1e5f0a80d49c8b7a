"""The manager verbs on the command line, export suppression, and the pictures."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from lacgraph.analysis import clusters as C
from lacgraph.cli import cli
from lacgraph.errors import QueryError
from lacgraph.loaders import write_folder
from lacgraph.network import Network
from lacgraph.readwrite.clusters_export import for_export
from lacgraph.synthetic import programme

AT = "2024-06-01"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_folder(programme(1800, seed=3), tmp_path_factory.mktemp("programme"))


@pytest.fixture(scope="module")
def G(folder):
    import lacgraph

    return lacgraph.open(folder)


def run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def read(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def allowed(value: object) -> bool:
    """A suppressed count: 0, "*", or a multiple of 5 above 7."""
    return value in ("0", "*") or (str(value).isdigit() and int(value) % 5 == 0
                                   and int(value) > 7)


def test_clusters_verb_prints_the_ranked_table(folder, G):
    result = run("clusters", folder, "--at", AT)
    assert result.exit_code == 0
    table = read(result.stdout)
    assert list(table.columns) == list(C.CLUSTER_COLUMNS)
    expected = C.isolated_clusters(G, AT)
    assert len(table) == len(expected) > 5
    assert table["members"].tolist() == expected["members"].tolist()
    sizes = table["size"].astype(int).tolist()
    assert sizes == sorted(sizes, reverse=True)


def test_people_verb_lists_isolated_and_at_risk_people(folder):
    result = run("clusters", folder, "--at", AT, "--people", "--format", "json")
    rows = json.loads(result.stdout)
    assert rows and all(r["at_risk"] for r in rows)
    assert {"neighbourhood", "coordinator", "cluster"} <= set(rows[0])


def test_clusters_export_is_a_suppressed_size_profile(folder):
    table = read(run("clusters", folder, "--at", AT, "--export").stdout)
    assert list(table.columns) == ["size", "clusters", "supported", "with_paid_ties"]
    for col in ("clusters", "supported", "with_paid_ties"):
        assert all(allowed(v) for v in table[col]), col


def test_people_are_never_exported(folder):
    result = run("clusters", folder, "--people", "--export")
    assert result.exit_code == 1
    assert "cannot be exported" in result.stderr
    assert "Traceback" not in result.output


def test_neighbourhoods_verb_with_change_and_export(folder, G):
    plain = read(run("neighbourhoods", folder, "--at", AT, "--from", "2023-06-01").stdout)
    expected = C.neighbourhoods(G, AT, since="2023-06-01")
    assert plain["isolated_change"].astype(int).tolist() == \
        expected["isolated_change"].tolist()
    exported = read(run("neighbourhoods", folder, "--at", AT, "--from", "2023-06-01",
                        "--export").stdout)
    for col in C.NEIGHBOURHOOD_COUNTS:
        assert all(allowed(v) for v in exported[col]), col
    # a change is the difference of the two published (suppressed) counts, or *
    then = C.neighbourhoods(G, "2023-06-01")
    then_export = for_export(then, "neighbourhoods").set_index("neighbourhood")
    for row in exported.itertuples(index=False):
        before = then_export.loc[row.neighbourhood, "isolated"]
        if "*" in (row.isolated, before):
            assert row.isolated_change == "*"
        else:
            assert int(row.isolated_change) == int(row.isolated) - int(before)


def test_assets_gaps_and_communities_verbs(folder, G):
    assets = read(run("assets", folder, "--at", AT).stdout)
    assert list(assets.columns) == list(C.ASSET_COLUMNS)
    assert assets["id"].tolist() == C.community_assets(G, AT)["id"].tolist()
    gaps = read(run("assets", folder, "--at", AT, "--gaps", "--export").stdout)
    assert list(gaps.columns) == list(C.GAP_COLUMNS)
    one = run("communities", folder, "--at", AT, "--seed", "3").stdout
    assert one == run("communities", folder, "--at", AT, "--seed", "3").stdout
    exported = read(run("communities", folder, "--at", AT, "--export").stdout)
    assert "neighbourhood_mix" not in exported.columns
    assert all(allowed(v) for v in exported["people"])


def test_bad_date_and_bad_picture_are_reported_without_traceback(folder, tmp_path):
    result = run("clusters", folder, "--at", "2024-13-01")
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = run("clusters", folder, "--picture", tmp_path / "x.gif")
    assert result.exit_code == 2 and ".png or .svg" in result.output
    result = run("neighbourhoods", folder, "--at", "2023-01-01", "--from", "2024-01-01")
    assert result.exit_code == 1 and "after" in result.stderr


def test_pictures_are_written(folder, tmp_path):
    clusters_png = tmp_path / "clusters.png"
    bars_svg = tmp_path / "neighbourhoods.svg"
    assert run("clusters", folder, "--at", AT, "--picture", clusters_png).exit_code == 0
    assert clusters_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("neighbourhoods", folder, "--at", AT, "--export",
               "--picture", bars_svg).exit_code == 0
    assert "<svg" in bars_svg.read_text()
    assert run("clusters", folder, "--export", "--picture", clusters_png).exit_code == 2


def test_cluster_picture_escapes_names_and_can_use_pseudonyms():
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.tables import Tables
    from lacgraph.viz.clusters import draw_clusters

    nodes = [{"id": "a", "type": "person", "label": "<script>$\\alpha$</script>"},
             {"id": "b", "type": "person", "label": "Bo"}]
    ties = [{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}]
    G = Network.from_tables(Tables.from_records(nodes, ties))
    buffer = io.BytesIO()
    fig = draw_clusters(G, "2024-02-01")
    fig.savefig(buffer, format="svg")
    svg = buffer.getvalue().decode()
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    p = Pseudonymiser(b"key")
    texts = {t.get_text() for t in draw_clusters(G, "2024-02-01", pseudonymiser=p).axes[0].texts}
    assert texts == {p("a"), p("b")}


def test_export_tables_refuse_unknown_names():
    with pytest.raises(QueryError, match="Unknown table"):
        for_export(pd.DataFrame(), "secrets")
    empty = C.isolated_clusters(Network.from_tables(programme(60, seed=1)), "1990-01-01")
    assert empty.empty and list(empty.columns) == list(C.CLUSTER_COLUMNS)
    assert for_export(empty, "clusters").empty


def test_suppression_threshold_is_configurable(folder):
    default = read(run("neighbourhoods", folder, "--at", AT, "--export").stdout)
    stricter = read(run("neighbourhoods", folder, "--at", AT, "--export",
                        "--suppress-up-to", "20").stdout)
    assert (stricter["isolated"] == "*").sum() > (default["isolated"] == "*").sum()
    assert all(v in ("0", "*") or int(v) >= 20 for v in stricter["isolated"])


def test_installed_command_has_the_manager_verbs(folder):
    import subprocess
    import sys
    from pathlib import Path

    lacgraph_cmd = str(Path(sys.executable).with_name("lacgraph"))
    for verb in ("clusters", "neighbourhoods", "assets", "communities"):
        done = subprocess.run([lacgraph_cmd, verb, "--help"], capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0 and f"Usage: lacgraph {verb}" in done.stdout
    done = subprocess.run([lacgraph_cmd, "clusters", str(folder), "--people", "--export"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: A list of people cannot be exported")


def test_neighbourhood_filter(folder, G):
    wards = sorted(C.neighbourhoods(G, AT)["neighbourhood"])
    ward = wards[0]
    clusters = read(run("clusters", folder, "--at", AT, "--neighbourhood", ward).stdout)
    everything = C.isolated_clusters(G, AT)
    expected = everything[everything["neighbourhoods"].str.split(";").map(lambda w: ward in w)]
    assert clusters["members"].tolist() == expected["members"].tolist()
    assert 0 < len(clusters) < len(everything)
    people = read(run("clusters", folder, "--at", AT, "--people",
                      "--neighbourhood", ward).stdout)
    assert set(people["neighbourhood"]) == {ward}
    table = read(run("neighbourhoods", folder, "--at", AT, "--neighbourhood", wards[0],
                     "--neighbourhood", wards[1]).stdout)
    assert table["neighbourhood"].tolist() == wards[:2]
    assets = read(run("assets", folder, "--at", AT, "--neighbourhood", ward).stdout)
    assert set(assets["neighbourhood"]) == {ward}
    result = run("clusters", folder, "--neighbourhood", "Atlantis")
    assert result.exit_code == 1 and "No neighbourhood named 'Atlantis'" in result.stderr


def test_neighbourhood_picture_shows_only_the_chosen_wards(G):
    from lacgraph.viz.clusters import plot_neighbourhoods

    wards = sorted(C.neighbourhoods(G, AT)["neighbourhood"])[:2]
    fig = plot_neighbourhoods(G, ["2023-06-01", AT], neighbourhoods=wards)
    assert sorted(t.get_text() for t in fig.axes[1].get_xticklabels()) == wards
    assert len(fig.axes[0].patches) == 2 * 2  # two wards x two dates
