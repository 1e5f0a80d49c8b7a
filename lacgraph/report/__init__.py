"""The report a council reads: ``lacgraph report`` (one self-contained HTML file, or a PDF).

:mod:`lacgraph.report.content` works out every number with the same functions the CLI
verbs call (growth, neighbourhoods, assets, clusters) and applies the small-number rule,
with the tables by neighbourhood, coordinator and starting size in
:mod:`lacgraph.report.tables`;
:mod:`lacgraph.report.charts` draws the inline SVG charts; :mod:`lacgraph.report.render`
fills the Jinja2 template and prints the PDF with headless Chromium.
"""
