"""The admin's duplicates page: possible duplicates in a table, and merging a pair after
a confirmation (the same rules and the same one-transaction write as ``lacgraph merge``,
:mod:`lacgraph.analysis.duplicates`). Every view and every merge is audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for

from lacgraph.analysis.duplicates import find_duplicates, merge_in_store
from lacgraph.errors import NotFound, QueryError, StoreError
from lacgraph.i18n import _
from lacgraph.network import Network
from lacgraph.web.context import audit, programme, replace_programme, requires
from lacgraph.web.words import word

bp = Blueprint("duplicates", __name__, url_prefix="/admin")


def _describe(node: str) -> dict[str, Any]:
    """What the confirmation shows of one node (404 if there is none)."""
    P = programme()
    if node not in P.nodes.index:
        abort(404)
    row = P.nodes.loc[node]
    ties = P.G.tables.ties
    connections = int(((ties["source"] == node) | (ties["target"] == node)).sum())
    return {"id": node, "name": str(row["label"] or node), "type": str(row["type"]),
            "neighbourhood": str(row["neighbourhood"] or ""),
            "coordinator": str(row["coordinator"] or ""), "connections": connections}


def _refused(keep: dict[str, Any], drop: dict[str, Any]) -> str:
    """Why two records cannot be merged, in the page's language ("" if they can): the
    rules :func:`~lacgraph.analysis.duplicates.merged` enforces, said before it is asked.

    Examples
    --------
    >>> _refused({"id": "a", "type": "person"}, {"id": "b", "type": "person"})
    ''
    >>> _refused({"id": "a", "type": "person"}, {"id": "a", "type": "person"})
    'These are one record: choose two different records to merge.'
    """
    if keep["id"] == drop["id"]:
        return _("These are one record: choose two different records to merge.")
    if keep["type"] != drop["type"]:
        return _("%(keep)s is a %(keep_type)s and %(drop)s a %(drop_type)s: only records of "
                 "one type can be merged.", keep=keep["id"], keep_type=word(keep["type"]),
                 drop=drop["id"], drop_type=word(drop["type"]))
    return ""


@bp.get("/duplicates")
@requires("admin")
def duplicates() -> Any:
    """People, groups and services that may be recorded twice."""
    pairs = find_duplicates(programme().G.tables).to_dict("records")
    audit("view.duplicates", "", f"pairs={len(pairs)}")
    return render_template("duplicates.html", pairs=pairs, word=word,
                           merged=request.args.get("merged", ""))


@bp.route("/duplicates/merge", methods=["GET", "POST"])
@requires("admin")
def merge() -> Any:
    """Confirm, then merge DROP into KEEP in one store transaction."""
    source = request.form if request.method == "POST" else request.args
    keep, drop = source.get("keep", "").strip(), source.get("drop", "").strip()
    shown: dict[str, Any] = {"keep": _describe(keep), "drop": _describe(drop), "word": word}
    if request.method == "GET":
        audit("view.merge", keep, f"drop={drop}")
        return render_template("merge.html", **shown, problems=[])
    if request.form.get("confirm") != "yes":
        return render_template("merge.html", **shown, problems=[{
            "field": "confirm", "message": _("Tick the box to confirm the merge")}]), 400
    wrong = _refused(shown["keep"], shown["drop"])
    if wrong:
        return render_template("merge.html", **shown, problems=[{
            "field": "confirm", "message": wrong}]), 400
    P = programme()
    try:
        merge_in_store(P.store, keep, drop)
    except (NotFound, QueryError, StoreError) as err:
        return render_template("merge.html", **shown, problems=[{
            "field": "confirm", "message": str(err)}]), 400
    replace_programme(Network(P.store))
    audit("data.merge", keep, f"dropped={drop}")
    return redirect(url_for("duplicates.duplicates", merged=keep) + "#merged")
