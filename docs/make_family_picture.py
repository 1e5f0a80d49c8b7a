"""Regenerate the family circle picture and the suggestion list in the README.

Run from the repository root: ``.venv/bin/python docs/make_family_picture.py``. Uses the
demo programme (``lacgraph demo``: 3,000 people, seed 1) at its last date.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from lacgraph.network import Network
from lacgraph.output import to_csv
from lacgraph.synthetic import programme
from lacgraph.viz.family import draw_family

HERE = Path(__file__).parent
AT = "2024-12-31"
PERSON = "p000477"  # at risk; lives with Ivy Jones, whose friends and groups she could share


def main() -> None:
    G = Network.from_tables(programme(3000, seed=1))
    path = HERE / f"family-{PERSON}.png"
    draw_family(G.family(PERSON, at=AT), path)
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(path, optimize=True)
    print(path, path.stat().st_size // 1024, "KB")
    print(to_csv(G.suggest(PERSON, at=AT, limit=3)))


if __name__ == "__main__":
    main()
