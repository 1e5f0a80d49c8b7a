"""The same alter across one person's interviews: name keys, scored candidates, decisions.

Network Canvas gives every interview new UUIDs, so an alter named in two interviews of
one ego is the same node when its *name key* is the same (:func:`name_key`: Unicode NFKD,
combining marks removed, apostrophes, quotes and dashes unified, spacing collapsed, case
folded: "O'Brien"/"O’Brien", "Siân Llŷr"/"Sian Llyr", "Zoë"/"Zoe" share a key).

Where keys differ, nothing is merged silently: a name first given in a later interview
is scored (rapidfuzz ``fuzz.ratio`` of the keys, 0-100) against the ego's earlier names
of the same node type that this interview does not name and that never appear in one
interview with it. The best :data:`CANDIDATES` scoring at least :data:`MATCH_SCORE` are
written to the review file ``matches.csv`` (``ego,wave,name,earlier_name,score,decision``) with an empty
decision ("awaiting review"): they stay two people until someone writes ``same`` (one
person: the later name joins the earlier node) or ``different`` in ``decision`` and
imports again with ``--matches matches.csv``.

Examples
--------
>>> name_key(pd.Series(["O’Brien", "  Siân  LLŶR ", "Zoë", "Anne-Marie", "Anne–Marie"])).tolist()
["o'brien", 'sian llyr', 'zoe', 'anne-marie', 'anne-marie']
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from lacgraph.errors import InputError, Problem
from lacgraph.output import formula_safe, to_csv
from lacgraph.tables import factorize

__all__ = ["MATCH_COLUMNS", "MATCH_SCORE", "Matching", "key_codes", "key_of", "match_alters",
           "name_key", "read_decisions"]

MATCH_SCORE = 75.0
"""The lowest score (rapidfuzz ``fuzz.ratio`` of two name keys) put to a person to review."""
CANDIDATES = 3
"""At most this many earlier names (the best scores) are offered for one new name."""
MATCH_COLUMNS = ("ego", "wave", "name", "earlier_name", "score", "decision")
DECISIONS = ("", "same", "different")

_APOSTROPHES = "\u2018\u2019\u201a\u201b\u02bc\u02b9\u0060\u00b4\u2032\uff07"
_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_COMBINING_RE = re.compile(_COMBINING)
_UNIFY = str.maketrans({**dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_QUOTES, '"'),
                        **dict.fromkeys(_DASHES, "-")})


def name_key(names: pd.Series) -> pd.Series:
    """Return the key names are matched by (see the module docstring).

    Examples
    --------
    >>> name_key(pd.Series(["  Mary  ANNE ", "mary anne", "Ｍary Anne", "ﬁona"])).tolist()
    ['mary anne', 'mary anne', 'mary anne', 'fiona']
    """
    text = names.astype(str)
    codes, uniques = factorize(text)  # each distinct name keyed once, no copies between
    keys = np.array([key_of(name) for name in uniques], dtype=object)
    return pd.Series(keys.take(codes) if len(keys) else np.array([], dtype=object),
                     index=names.index, dtype=text.dtype)


def key_of(name: str) -> str:
    """Return one name's key (see :func:`name_key`).

    Examples
    --------
    >>> key_of("  Siân  LLŶR ")
    'sian llyr'
    """
    text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", name))
    return " ".join(text.translate(_UNIFY).casefold().split())


def key_codes(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number distinct ``names`` by their key (equal keys, equal numbers); tell which keys
    are empty.

    The keys are not kept (memory, issue 24): each name's key is made once and only its
    hash kept; names whose hashes meet have their keys made again and compared, so a hash
    collision never joins two keys.

    Examples
    --------
    >>> codes, empty = key_codes(np.array(["Zoë", "Ann", "zoe", " "], dtype=object))
    >>> codes.tolist(), empty.tolist()
    ([0, 1, 0, 2], [False, False, False, True])
    """
    hashes = np.empty(len(names), dtype=np.int64)
    empty = np.zeros(len(names), dtype=bool)
    for i, name in enumerate(names):
        key = key_of(str(name))
        hashes[i] = hash(key)
        empty[i] = not key
    codes, uniques = factorize(hashes)
    del hashes
    shared = np.flatnonzero(np.bincount(codes, minlength=len(uniques))[codes] > 1)
    if len(shared):  # names whose hashes meet: numbered again by the keys themselves
        again = factorize(np.array([key_of(str(names[i])) for i in shared], dtype=object))[0]
        codes[shared] = len(uniques) + again
        codes = factorize(codes)[0]  # numbered in order of first appearance
    return codes.astype(np.int64), empty


@dataclass(frozen=True)
class Matching:
    """What matching did: the review rows and how many alters were matched each way.

    ``exact``: alters of a later interview matched to an earlier one with the very same
    name; ``by_key``: matched by name key (spelling differs); ``by_decision``: joined by a
    ``same`` decision; ``awaiting``: candidate pairs nobody has decided yet.
    """

    matches: pd.DataFrame
    exact: int
    by_key: int
    by_decision: int
    awaiting: int


def read_decisions(path: str | Path) -> pd.DataFrame:
    """Read a review file (``matches.csv``) with the decisions a person made.

    Raises
    ------
    InputError
        A missing file or column, or a decision other than ``same``, ``different`` or empty,
        named by file and line.

    Examples
    --------
    >>> read_decisions("no/such/matches.csv")
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      matches.csv: 'no/such/matches.csv': no such file; expected the matches.csv an import wrote
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError([Problem(name, 0, "", str(path),
                                  "no such file; expected the matches.csv an import wrote")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(name, 0, "", "", "not UTF-8 text; save it as UTF-8")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    missing = [c for c in MATCH_COLUMNS if c not in header]
    if missing:
        raise InputError([Problem(name, 1, c, "", f"missing column {c!r}; expected "
                                  f"{','.join(MATCH_COLUMNS)}") for c in missing])
    rows, problems = [], []
    for row in reader:
        line = reader.line_num
        if not any(row):
            continue
        if len(row) != len(header):
            problems.append(Problem(name, line, "", "", f"{len(row)} fields; expected "
                                    f"{len(header)} as in the header"))
            continue
        record = dict(zip(header, row, strict=True))
        decision = record["decision"].strip().casefold()
        if decision not in DECISIONS:
            problems.append(Problem(name, line, "decision", record["decision"],
                                    "expected same, different or empty (not decided yet)"))
            continue
        rows.append({**{c: record[c] for c in MATCH_COLUMNS}, "decision": decision,
                     "@line": line})
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame(rows, columns=[*MATCH_COLUMNS, "@line"])
    frame.attrs["file"] = name
    return frame


def write_matches(matches: pd.DataFrame, path: str | Path) -> None:
    """Write the review file, formula-safe (names are text a spreadsheet must not run)."""
    Path(path).write_text(to_csv(matches[list(MATCH_COLUMNS)]), encoding="utf-8")


def match_alters(alters: pd.DataFrame, decisions: pd.DataFrame | None = None
                 ) -> tuple[pd.DataFrame, Matching]:
    """Join alters across one ego's interviews by key and by the decisions given.

    ``alters`` has one row per alter per interview with ``ego``, ``round``, ``nc_type``,
    ``named`` (whether its name has a key), ``label``, ``key`` (an integer: equal for the
    same name key and node type, see :func:`key_codes`) and ``by_identity``. Returns
    the alters with ``key`` rewritten where a ``same`` decision joins a later name to an
    earlier one, and the :class:`Matching`.

    Raises
    ------
    InputError
        A decision about a pair that is not a candidate of this export, or decisions that
        would make two alters of one interview one person.
    """
    keyed = ~alters["by_identity"].to_numpy(bool) & alters["named"].to_numpy(bool)
    named = alters.loc[keyed, ["ego", "nc_type", "key", "round", "label", "@file", "@line"]]
    columns = ["ego", "nc_type", "key"]
    first = named.sort_values(["ego", "round", "@file", "@line"], kind="stable"
                              ).drop_duplicates(columns)
    first = first[[*columns, "round", "label"]].rename(columns={"round": "first"})
    pairs = first[first["first"] > 0].merge(first, on=["ego", "nc_type"],
                                            suffixes=("", "_earlier"))
    pairs = pairs[pairs["first_earlier"] < pairs["first"]]
    # names in one interview together are two people: only candidate pairs are checked
    presence = named[["ego", "round", "key"]].drop_duplicates()
    rounds = pairs[["ego", "key", "key_earlier"]].merge(presence, on=["ego", "key"])
    together = rounds.merge(presence.rename(columns={"key": "key_earlier"}),
                            on=["ego", "key_earlier", "round"])
    together = together[["ego", "key", "key_earlier"]].drop_duplicates()
    pairs = pairs.merge(together, on=["ego", "key", "key_earlier"], how="left", indicator=True)
    pairs = pairs[pairs["_merge"].eq("left_only")].drop(columns="_merge")
    # the name keys of the candidate pairs only (a key is shared by every name it keys)
    scores = np.fromiter((fuzz.ratio(key_of(str(a)), key_of(str(b))) for a, b in zip(
        pairs["label"], pairs["label_earlier"], strict=True)), dtype=float, count=len(pairs))
    pairs = pairs.assign(score=np.round(scores, 1))
    pairs = pairs[pairs["score"] >= MATCH_SCORE].sort_values(
        ["ego", "first", "label", "score", "label_earlier"],
        ascending=[True, True, True, False, True], kind="stable")
    pairs = pairs.groupby(["ego", "key"], sort=False).head(CANDIDATES)
    matches = pd.DataFrame({
        "ego": pairs["ego"].to_numpy(object), "wave": (pairs["first"] + 1).to_numpy(),
        "name": pairs["label"].to_numpy(object),
        "earlier_name": pairs["label_earlier"].to_numpy(object),
        "score": pairs["score"].to_numpy(), "decision": "",
        "@key": pairs["key"].to_numpy(np.int64), "@earlier": pairs["key_earlier"].to_numpy(np.int64),
    })
    joined = _apply(matches, decisions, named)
    original = alters["key"]
    if joined:
        rewrite = alters["key"].to_numpy(np.int64).copy()
        for _ in range(len(joined)):  # chains: wave 3 -> wave 2 -> wave 1
            index = pd.MultiIndex.from_arrays([alters["ego"].to_numpy(object), rewrite])
            target = pd.Series(joined, dtype=np.float64).reindex(index).to_numpy()
            moved = ~np.isnan(target) & ~alters["by_identity"].to_numpy(bool)
            if not moved.any():
                break
            rewrite = np.where(moved, np.nan_to_num(target).astype(np.int64), rewrite)
        alters = alters.assign(key=rewrite)
        _check_one_per_interview(alters, matches, decisions)
    counts = _counts(alters, original, np.flatnonzero(keyed))
    name = [matches["ego"], matches["@key"]]
    same = matches["decision"].eq("same").groupby(name).transform("any")
    open_ = matches["decision"].eq("").groupby(name).transform("any")
    waiting = (open_ & ~same).to_numpy(bool)
    awaiting = len(matches.loc[waiting, ["ego", "@key"]].drop_duplicates())
    return alters, Matching(matches[list(MATCH_COLUMNS)].reset_index(drop=True), *counts,
                            awaiting=awaiting)


def _apply(matches: pd.DataFrame, decisions: pd.DataFrame | None, named: pd.DataFrame
           ) -> dict[tuple[str, str], str]:
    """Copy decisions onto the candidates; return (ego, later key) -> earlier key."""
    if decisions is None or decisions.empty:
        return {}
    file = str(decisions.attrs.get("file", "matches.csv"))
    written = matches[["ego", "wave", "name", "earlier_name"]].astype(str).apply(
        lambda c: c.map(formula_safe))
    index = pd.MultiIndex.from_frame(written)
    given = pd.MultiIndex.from_frame(decisions[["ego", "wave", "name", "earlier_name"]])
    position = index.get_indexer(given)
    problems = []
    unknown = (position < 0) & decisions["decision"].ne("").to_numpy()
    for i in np.flatnonzero(unknown):
        row = decisions.iloc[i]
        problems.append(Problem(file, int(row["@line"]), "name", str(row["name"]),
                                f"{row['ego']} wave {row['wave']}: no such candidate pair "
                                f"({row['name']} / {row['earlier_name']}) in this export; "
                                "expected a row of the matches.csv written for this export"))
    found = position >= 0
    matches.loc[matches.index[position[found]], "decision"] = decisions["decision"].to_numpy(
        object)[found]
    same = matches[matches["decision"].eq("same")]
    twice = same.duplicated(["ego", "@key"], keep=False)
    for (ego, _), group in same[twice].groupby(["ego", "@key"]):
        problems.append(Problem(file, 0, "decision", str(group["name"].iat[0]),
                                f"{ego}: '{group['name'].iat[0]}' is marked the same as "
                                f"{len(group)} earlier names "
                                f"({', '.join(map(str, group['earlier_name']))}); "
                                "expected at most one same per name"))
    if problems:
        raise InputError(problems)
    return {(e, k): v for e, k, v in zip(same["ego"], same["@key"], same["@earlier"],
                                         strict=True)}


def _check_one_per_interview(alters: pd.DataFrame, matches: pd.DataFrame,
                             decisions: pd.DataFrame | None) -> None:
    named = alters.loc[~alters["by_identity"].to_numpy(bool) & alters["named"].to_numpy(bool),
                       ["ego", "round", "key", "label"]]
    clash = named[named.duplicated(["ego", "round", "key"], keep=False)]
    if clash.empty:
        return
    file = str(decisions.attrs.get("file", "matches.csv")) if decisions is not None else ""
    problems = [Problem(file, 0, "decision", " / ".join(sorted(map(str, g["label"]))),
                        f"{ego}: these names are in one interview (wave {int(r) + 1}), so "
                        "they cannot be one person; expected different")
                for (ego, r, _), g in clash.groupby(["ego", "round", "key"])]
    raise InputError(problems)


def _counts(alters: pd.DataFrame, original: pd.Series, named: np.ndarray
            ) -> tuple[int, int, int]:
    """Alters of later interviews matched exactly, by key and by decision.

    ``named`` are the positions of the alters matched by name; ``original`` their keys
    before any decision. Worked out on integer codes (memory, issue 24): each (ego, key)
    is first named in its earliest row (by round, file and line); every later round that
    names it again counts once.
    """
    if not len(named):
        return 0, 0, 0
    ego = factorize(alters["ego"].to_numpy(object)[named], sort=True)[0]
    file = factorize(alters["@file"].to_numpy(object)[named], sort=True)[0]
    round_ = alters["round"].to_numpy(np.int64)[named]
    order = np.lexsort((alters["@line"].to_numpy(np.int64)[named], file, round_, ego))
    del file
    named, ego, round_ = named[order], ego[order], round_[order]
    key = alters["key"].to_numpy(np.int64)[named]
    pair = factorize(ego.astype(np.int64) * (len(named) + 1)
                     + factorize(key)[0])[0]  # (ego, key) numbered
    del ego, order
    first = np.unique(pair, return_index=True)[1]  # each pair's earliest row
    later = np.ones(len(pair), dtype=bool)
    later[first] = False
    again = np.flatnonzero(later)
    again = again[np.unique(pair[again] * (int(round_.max()) + 1) + round_[again],
                            return_index=True)[1]]  # once per later round
    decided = original.to_numpy(np.int64)[named[again]] != key[again]
    label = alters["label"].to_numpy(object)[named]
    same_text = label[again] == label[first[pair[again]]]
    exact = int((same_text & ~decided).sum())
    return exact, int((~same_text & ~decided).sum()), int(decided.sum())
