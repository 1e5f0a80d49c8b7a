"""The main job on the embedded default: ``lacgraph demo`` / ``make demo``.

Generates the bundled synthetic programme, loads it into a store file, measures every
person and writes a small report folder: the data, the store, tables and pictures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from lacgraph.network import Network
from lacgraph.tables import format_date


@dataclass
class DemoReport:
    """What the demo wrote and the headline numbers it found."""

    folder: Path
    at: str
    headline: dict[str, object] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return the few lines the CLI prints."""
        lines = [f"Report written to {self.folder.resolve()}", f"Measured at {self.at}:"]
        lines += [f"  {k}: {v}" for k, v in self.headline.items()]
        lines.append(f"Open {self.folder.resolve() / 'README.txt'} for what each file is.")
        lines += self.notes
        return "\n".join(lines)


def _supported_summary(network: Network, metrics: pd.DataFrame) -> pd.DataFrame:
    nodes = network.tables.nodes
    supported = nodes.loc[nodes["supported"], ["id", "neighbourhood", "coordinator"]]
    joined = supported.merge(metrics, on="id")
    joined["natural_community"] = joined["natural"] + joined["community"]
    return (
        joined.groupby("neighbourhood")
        .agg(supported=("id", "size"), isolated=("isolated", "sum"), at_risk=("at_risk", "sum"),
             mean_natural_community=("natural_community", "mean"),
             mean_size=("size", "mean"))
        .reset_index()
    )


def run_demo(
    out: str | os.PathLike[str] = "lacgraph-report",
    *,
    people: int | None = None,
    seed: int = 1,
    progress: bool = False,
) -> DemoReport:
    """Run the demo end to end and return what it wrote.

    Parameters
    ----------
    out : path
        The report folder (created; files inside are replaced).
    people : int, optional
        Size of the synthetic programme (default :data:`lacgraph.synthetic.DEMO_PEOPLE`).
    seed : int
        Seed of the synthetic programme.
    progress : bool
        Show a progress bar on standard error.

    Examples
    --------
    >>> import tempfile
    >>> report = run_demo(tempfile.mkdtemp(), people=400, seed=3)
    >>> (report.folder / "metrics.csv").exists(), report.headline["people"] > 0
    (True, True)
    """
    from lacgraph.loaders import write_folder
    from lacgraph.stores import MemoryStore
    from lacgraph.synthetic import DEMO_PEOPLE, programme, with_observations
    from lacgraph.viz.circle import draw_circle

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    steps = ["generate", "write data", "load store", "measure", "pictures", "growth", "report"]
    with _steps(steps, progress) as step:
        step("generate")
        tables = with_observations(
            with_age_bands(programme(people or DEMO_PEOPLE, seed=seed), seed), seed=seed)
        step("write data")
        write_folder(tables, folder / "data")
        step("load store")
        store_path = folder / "programme.sqlite"
        if store_path.exists():
            store_path.unlink()
        store = MemoryStore(store_path)
        store.write(tables)
        network = Network(store)
        at = network.last_date
        step("measure")
        metrics = network.metrics(at=at)
        metrics_path = folder / "metrics.csv"
        from lacgraph.output import write_table

        write_table(metrics, "csv", metrics_path)
        by_ward = _supported_summary(network, metrics)
        write_table(by_ward, "csv", folder / "neighbourhoods.csv")
        step("pictures")
        pictures = []
        nodes = tables.nodes
        supported = nodes.loc[nodes["supported"], "id"]
        chosen = metrics[metrics["id"].isin(supported)].sort_values(
            ["size", "id"], ascending=[False, True]).head(3)
        for person in chosen["id"]:
            path = folder / f"circle-{person}.png"
            draw_circle(network, person, at=at, path=path)
            pictures.append(path)
        step("growth")
        growth_files, growth_headline = _growth_step(network, folder)
        step("report")
        report_path = _report_step(network, folder)
        network.close()

    supported_metrics = metrics[metrics["id"].isin(supported)]
    report = DemoReport(folder=folder, at=format_date(at))
    report.headline = {
        "people": int(len(metrics)),
        "ties": int(len(tables.ties)),
        "supported people": int(len(supported_metrics)),
        "supported isolated (no natural or community alter)": int(
            supported_metrics["isolated"].sum()),
        "supported at risk (<3 natural + community alters)": int(
            supported_metrics["at_risk"].sum()),
        "median alters of supported people": float(np.median(supported_metrics["size"]))
        if len(supported_metrics) else 0.0,
        **growth_headline,
    }
    report.files = [folder / "data", store_path, metrics_path, folder / "neighbourhoods.csv",
                    *pictures, *growth_files, report_path]
    (folder / "README.txt").write_text(_readme(report), encoding="utf-8")
    from lacgraph.web.demo import demo_accounts

    report.notes = demo_accounts(store_path, tables)
    return report


AGE_BANDS = ("18-34", "35-49", "50-64", "65-79", "80+")


def with_age_bands(tables: Any, seed: int) -> Any:
    """Give every person an ``age_band`` (an extra node column, as a council's data would
    have one): the README's ``growth --by age_band`` runs on the demo.

    Examples
    --------
    >>> from lacgraph.synthetic import programme
    >>> T = with_age_bands(programme(100, seed=2), 2)
    >>> sorted(set(T.nodes.loc[T.nodes["type"] == "person", "age_band"])) == sorted(AGE_BANDS)
    True
    >>> set(T.nodes.loc[T.nodes["type"] != "person", "age_band"])
    {''}
    """
    rng = np.random.default_rng(seed + 1_000_003)  # not the programme's own stream
    nodes = tables.nodes.copy()
    bands = np.asarray(AGE_BANDS, dtype=object)[
        rng.choice(len(AGE_BANDS), size=len(nodes), p=[0.2, 0.2, 0.25, 0.2, 0.15])]
    nodes["age_band"] = np.where(nodes["type"].eq("person"), bands, "").astype(object)
    return type(tables)(nodes, tables.ties)


def _growth_step(network: Network, folder: Path) -> tuple[list[Path], dict[str, object]]:
    """Write the evaluator's growth summary, tables and plots; return files and headline."""
    import json

    import matplotlib.pyplot as plt

    from lacgraph.analysis.growth import growth, wave_summary, waves
    from lacgraph.output import write_table
    from lacgraph.viz.growth import plot_change, plot_retention, plot_waves

    result = growth(network, months=6)
    wave_table = waves(network, (0, 6, 12))
    summary = result.summary(suppress_small=True)
    summary["waves"] = wave_summary(wave_table)
    files = [folder / name for name in (
        "growth-summary.json", "growth-people.csv", "growth-waves.csv", "growth-change.png",
        "growth-waves.png", "growth-retention.png")]
    files[0].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    write_table(result.people, "csv", files[1])
    write_table(wave_table, "csv", files[2])
    for fig in (plot_change(result, files[3]), plot_waves(wave_table, files[4]),
                plot_retention(result, files[5])):
        plt.close(fig)
    p = summary["wilcoxon_p"]
    headline: dict[str, object] = {
        "supported people 6 months after introduction": summary["n"],
        "mean change in natural + community alters": round(summary["mean_change"], 2)
        if summary["n"] else "n/a",
        "Wilcoxon p (effect r)": f"{p:.2g} ({summary['effect_r']:.2f})" if p is not None
        else "n/a",
        "follow-up": "observed (a review within 45 days)" if summary["mode"] == "observed"
        else "records assumed current",
        "followed up": summary["n_observed"] if summary["mode"] == "observed" else "n/a",
        "new ties lasting 182 days (Kaplan-Meier)": f"{summary['retention_km']:.0%}"
        if summary["retention_km"] is not None else "n/a",
        "share of ties old enough that lasted 182 days": f"{summary['retention']:.0%} of "
        f"{summary['retention_n']}" if summary["retention"] is not None else "n/a",
    }
    return files, headline


def _report_step(network: Network, folder: Path) -> Path:
    """Write the council report (``lacgraph report data --months 6``, suppressed)."""
    from lacgraph.report.content import report_content
    from lacgraph.report.render import write_html

    return write_html(report_content(network, months=6), folder / "report.html")


def _readme(report: DemoReport) -> str:
    lines = [
        "lacgraph demo report (synthetic data: no real person is in it)",
        f"Measured at {report.at}.",
        "",
        "data/                the generated programme in lacgraph's input format",
        "programme.sqlite     the store: try `lacgraph metrics programme.sqlite --at 2024-01-01`",
        "metrics.csv          every person's ego-network measures",
        "neighbourhoods.csv   supported people, isolated and at risk per neighbourhood",
        "circle-*.png         circles of support of three supported people",
        "growth-summary.json  did networks grow in the 6 months after introduction, and did",
        "                     the new ties last (`lacgraph growth data --months 6 --summary",
        "                     --waves 0,6,12`; group counts small-number suppressed)",
        "growth-people.csv    per supported person: alters at introduction and 6 months on",
        "growth-waves.csv     measures at 0, 6 and 12 months, one row per person per wave",
        "growth-change.png    natural + community alters before and after, and the change",
        "growth-waves.png     mean natural + community alters by wave, 95% intervals",
        "growth-retention.png share of new ties still active by days since they started",
        "report.html          the report a council reads (`lacgraph report data --months 6",
        "                     --output report.html`; small numbers suppressed): open it in",
        "                     a browser, print it, or add --pdf report.pdf",
    ]
    return "\n".join(lines) + "\n"


@contextmanager
def _steps(names: list[str], show: bool) -> Iterator[Callable[[str], None]]:
    """Yield ``step(name)``: each call finishes the previous step on one progress bar."""
    with tqdm(total=len(names), desc="lacgraph demo", unit="step", disable=not show) as bar:
        started: list[str] = []

        def step(name: str) -> None:
            if started:
                bar.update(1)
            started.append(name)
            bar.set_postfix_str(name)

        yield step
        bar.update(1)
