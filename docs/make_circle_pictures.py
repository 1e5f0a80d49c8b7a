"""Regenerate the reference circle-of-support pictures in docs/ from the demo programme.

Run from the repository root: ``.venv/bin/python docs/make_circle_pictures.py``. The PNGs
are reduced to a 256-colour palette so each stays well under 150 KB.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from lacgraph.analysis.circle import timeline
from lacgraph.network import Network
from lacgraph.synthetic import programme
from lacgraph.viz.circle import draw_circle, draw_timeline

HERE = Path(__file__).parent
AT = "2024-12-31"
PEOPLE = {  # person: the earlier date to compare with
    "p000974": "2024-01-01",  # a network that grew a lot with peer support
    "p000160": "2024-02-10",  # since the day of the LAC introduction
    "p000226": "2023-09-22",  # still only the coordinator and a service
}


def small_png(path: Path) -> None:
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)


def main() -> None:
    G = Network.from_tables(programme(3000, seed=1))
    for person, since in PEOPLE.items():
        path = HERE / f"circle-{person}.png"
        draw_circle(G, person, at=AT, path=path, since=since)
        small_png(path)
        print(path, path.stat().st_size // 1024, "KB")
    path = HERE / "timeline-p000160.png"
    node = G.node("p000160")
    draw_timeline(timeline(G, "p000160"), path, title=f"{node['label']}: alters at each change",
                  introduced=node["introduced_on"], until=AT)
    small_png(path)
    print(path, path.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
