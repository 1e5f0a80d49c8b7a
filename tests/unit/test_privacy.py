from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lacgraph.errors import QueryError
from lacgraph.privacy import Pseudonymiser, suppress, suppress_counts


@given(st.integers(0, 10_000))
def test_suppression_rule(n):
    shown = suppress(n)
    if n == 0:
        assert shown == 0
    elif n <= 7:
        assert shown == "*"
    else:
        assert shown % 5 == 0 and abs(shown - n) <= 2


def test_suppression_edges():
    assert [suppress(n) for n in (7, 8, 10, 12, 13, 17, 18)] == ["*", 10, 10, 10, 15, 15, 20]
    assert suppress(5, up_to=4) == 5
    with pytest.raises(ValueError):
        suppress(-1)


def test_suppress_counts_only_touches_counts():
    frame = pd.DataFrame({"ward": ["A", "B"], "people": [120, 6], "share": [0.5, 0.25]})
    out = suppress_counts(frame)
    assert out["people"].tolist() == [120, "*"]
    assert out["share"].tolist() == [0.5, 0.25] and out["ward"].tolist() == ["A", "B"]


@given(st.text(min_size=1), st.text(min_size=1))
def test_pseudonyms_stable_and_distinct(a, b):
    p = Pseudonymiser(b"key one")
    assert p(a) == p(a)
    if a != b:
        assert p(a) != p(b)
    assert p(a) != Pseudonymiser(b"key two")(a)


def test_pseudonymiser_needs_a_key(monkeypatch):
    monkeypatch.delenv("LACGRAPH_PSEUDONYM_KEY", raising=False)
    with pytest.raises(QueryError, match="LACGRAPH_PSEUDONYM_KEY"):
        Pseudonymiser.from_environment()
    monkeypatch.setenv("LACGRAPH_PSEUDONYM_KEY", "s3cret")
    assert Pseudonymiser.from_environment()("x") == Pseudonymiser("s3cret")("x")
