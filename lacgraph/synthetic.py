"""A synthetic Local Area Coordination programme: the bundled demo data.

:func:`programme` invents a believable LAC programme in canonical :class:`~lacgraph.tables.Tables`
form, fast enough for a million people. Everything is drawn from one
``numpy.random.default_rng(seed)``, so one seed always gives the same tables. Nobody in it is
real; names come from short lists of common English and Welsh first names and surnames, so
labels repeat (ids never do).

The numbers behind it (assumptions, not findings):

Places
    A neighbourhood (ward, invented English/Welsh-sounding name) has ~10k residents, of whom
    about ``PEOPLE_PER_NEIGHBOURHOOD`` = 600 appear in the graph: the people a coordinator
    supports, their households, family, friends and neighbours, group members and volunteers.
    ``people`` is the number of ``person`` nodes; neighbourhoods = round(people / 600).
Coordinators
    One coordinator per neighbourhood with a caseload of 50-60 supported people (never more
    than 1 in 8 of the neighbourhood's people in a tiny programme). Supported people live alone
    or with one other person. Their ``introduced_on`` is uniform over the ``years`` of data.
Households
    Sizes 1-5 people (30/34/16/13/7 %). Households of two or more get a ``family`` node,
    ``household`` ties and ``family`` ties between every pair of members.
    6 % of households are *withdrawn*: no friends or groups, so they form the small isolated
    clusters (a couple, a family of three) and half their single people are paired by one
    ``neighbour`` tie.
Ordinary residents
    ``neighbour`` ties (Poisson 0.7 per person, to someone a few doors away), ``friend`` ties
    (Poisson 1.1: mostly local, 12 % anywhere in the ward, 4 % in another ward) closed into
    triangles (35 % of pairs of a person's friends become friends), relatives elsewhere (22 %),
    community groups (42 % belong to one or two; 15 % of those ties are ``volunteer``) and a
    service (15 %; 40 % of withdrawn people). 80 % of these ties began before the data starts,
    10-20 % end.
Groups
    4 + Poisson(6) community groups per neighbourhood, skewed in size; one neighbourhood in
    five has only 0-2 groups.
Services
    GP surgery, adult social care, housing, community mental health team, carers centre and
    food bank, one of each per service area of 3 neighbourhoods (so no node gets thousands of
    ties beyond what a real practice list would give).
Supported people
    At introduction: 1-4 service ties (35 % end afterwards), a ``coordinator`` tie from the
    introduction date (35 % end after 6-30 months), at most two natural ties (the household
    partner, if any, plus with some chance one old friend or relative).
    After introduction, 73 % *grow*: 1 + Poisson(2.5) new natural ties (friend 40 %, peer
    25 % with another supported person, neighbour 25 %, family 10 %) and Poisson(1.3) group
    ties, each starting 14 + Exponential(180) days after introduction, 60 % brokered by their
    coordinator (90 % of peer ties, 70 % of group ties), 55 % reciprocal, 18 % ending within
    2-24 months. 20 % do not grow; about 7 % (single householders) stay isolated.
Dates
    Data run from ``start`` for ``years``; ties that would start later are left out, ends
    later than that are left open (NaT).

Examples
--------
>>> T = programme(1200, seed=3)
>>> int((T.nodes["type"] == "person").sum())
1200
>>> sorted(T.nodes["type"].unique())
['coordinator', 'family', 'group', 'person', 'service']
>>> len(T.ties) > 3 * 1200
True
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from lacgraph.model import DEFAULT_CIRCLE
from lacgraph.tables import DATE_DTYPE, NODE_COLUMNS, TIE_COLUMNS, Tables

DEMO_PEOPLE = 3000
"""People in the bundled demo programme (``lacgraph demo``): five neighbourhoods."""

PEOPLE_PER_NEIGHBOURHOOD = 600
"""People of a ~10k-resident ward who appear in the graph."""

NEIGHBOURHOODS_PER_SERVICE_AREA = 3
"""Neighbourhoods sharing one set of services."""

FIRST_NAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace", "Freya", "Ffion", "Seren",
    "Cerys", "Megan", "Sian", "Carys", "Margaret", "Joan", "Patricia", "Susan", "Linda",
    "Eleri", "Nia", "Gwen", "Mary", "Oliver", "George", "Noah", "Arthur", "Harry", "Leo",
    "Jack", "Charlie", "Dylan", "Rhys", "Osian", "Gareth", "Dafydd", "Owain", "Iwan",
    "David", "John", "Michael", "Peter", "Brian", "Keith", "Alan", "Tomos", "Emrys",
)
LAST_NAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Davies", "Evans", "Thomas", "Roberts", "Brown",
    "Wilson", "Hughes", "Lewis", "Morgan", "Griffiths", "Price", "Owen", "Jenkins", "Walker",
    "Wright", "Wood", "Hall", "Green", "Clarke", "Jackson", "Harris", "Edwards", "Phillips",
    "Rees", "Powell", "Pritchard", "Bevan", "Howells", "Parry", "Lloyd", "Moore", "King",
    "Baker", "Turner", "Hill", "Cooper", "Ward", "Morris", "Ahmed", "Khan", "Patel", "Ali",
    "Kowalski", "Nowak",
)
_WARD_STEMS = (
    "Ash", "Bryn", "Llan", "Pen", "Aber", "Cwm", "Thorn", "Oak", "Elm", "Hazel", "Brook",
    "Mill", "Kings", "Queens", "Church", "Castle", "Marsh", "Moor", "Heath", "Stan", "Brad",
    "Wood", "Bar", "Green", "Nor", "Sut", "Whit", "Red", "Black", "Holm", "Maes", "Coed",
    "Glan", "Tre", "Lang", "Hen", "Fair", "Clay", "Wel", "Hay",
)
_WARD_ENDINGS = (
    "ford", "field", "ton", "ley", "bury", "wick", "ham", "gate", "worth", "dale", "stow",
    "more", "well", "hurst", "by", "thorpe", "don", "combe", "ridge", "side",
)
_WARD_QUALIFIERS = ("North", "South", "East", "West", "Upper", "Lower")
GROUP_KINDS = (
    "Walking Group", "Men's Shed", "Community Choir", "Knit and Natter", "Lunch Club",
    "Repair Cafe", "Allotment Society", "Chapel", "Football Club", "Book Club", "Youth Club",
    "Bowls Club", "Friendship Cafe", "Gardening Club", "Parent and Toddler Group",
    "Art Group", "Tai Chi", "Community Garden", "Library Reading Group", "Mosque",
)
SERVICES = (
    "Surgery", "Adult Social Care", "Housing Options", "Community Mental Health Team",
    "Carers Centre", "Food Bank",
)
_SERVICE_WEIGHTS_RESIDENT = np.array([0.55, 0.10, 0.10, 0.10, 0.08, 0.07])
_SERVICE_WEIGHTS_SUPPORTED = np.array([0.30, 0.25, 0.15, 0.15, 0.08, 0.07])

_KINDS = ("family", "friend", "neighbour", "peer", "member", "volunteer", "service",
          "coordinator", "household")
_K = {kind: code for code, kind in enumerate(_KINDS)}
_OPEN = np.iinfo(np.int64).max  # an open end (NaT) while building


def programme(
    people: int = DEMO_PEOPLE, *, seed: int = 1, start: str = "2022-01-01", years: int = 3
) -> Tables:
    """Invent a LAC programme of ``people`` persons as canonical tables.

    Parameters
    ----------
    people
        Number of ``person`` nodes (supported people, their families, friends, neighbours,
        group members). Coordinators, groups, services and family nodes come on top.
    seed
        Seed of ``numpy.random.default_rng``: one seed, one programme.
    start
        First day of the data (ISO date); introductions are spread from here.
    years
        Length of the data in years.

    Returns
    -------
    Tables
        ``nodes`` and ``ties`` in the canonical format of :mod:`lacgraph.tables`
        (about 3.5 ties per person). See the module docstring for the assumptions.

    Examples
    --------
    >>> T = programme(600, seed=7)
    >>> supported = T.nodes[T.nodes["supported"]]
    >>> 40 <= len(supported) <= 70, supported["coordinator"].nunique()
    (True, 1)
    >>> programme(600, seed=7).ties.equals(T.ties)
    True
    """
    if people < 20:
        raise ValueError(f"a programme needs at least 20 people, not {people}")
    if years < 1:
        raise ValueError(f"years must be at least 1, not {years}")
    rng = np.random.default_rng(seed)
    t0 = int(np.datetime64(start, "D").astype(np.int64))
    t1 = int(np.datetime64(pd.Timestamp(start) + pd.DateOffset(years=years), "D").astype(np.int64))
    pop = _Population(rng, people, t0, t1)  # the random numbers are drawn in this order
    ties = _Ties(pop)
    ties.households()
    ties.residents()
    ties.supported()
    nodes, ids = pop.node_table(_ids("c", pop.n_nb, 4))
    return Tables(nodes, ties.table(ids))


class _Population:
    """Who lives where and with whom, who is supported and how they fare, and the node
    numbering (persons, coordinators, groups, services, families); arrays indexed by person
    or node number. Drawn first, from the run's random numbers."""

    def __init__(self, rng: np.random.Generator, people: int, t0: int, t1: int):
        self.rng, self.P, self.t0, self.t1 = rng, people, t0, t1
        P = people
        self.n_nb = n_nb = max(1, round(P / PEOPLE_PER_NEIGHBOURHOOD))
        self.nb = (np.arange(P, dtype=np.int64) * n_nb) // P
        self.nb_start = np.searchsorted(self.nb, np.arange(n_nb))
        self.nb_size = np.diff(np.append(self.nb_start, P))

        sizes = rng.choice(5, size=P, p=[0.30, 0.34, 0.16, 0.13, 0.07]) + 1
        cuts = np.cumsum(sizes)
        first = np.zeros(P, dtype=bool)
        first[cuts[cuts < P]] = True
        first[self.nb_start] = True
        self.hh = np.cumsum(first) - 1
        self.hh_first = np.flatnonzero(first)
        self.n_hh = len(self.hh_first)
        self.hh_size = np.diff(np.append(self.hh_first, P))
        self.size_of = self.hh_size[self.hh]

        # supported people: heads of 1-2 person households, caseload 50-60 per coordinator
        caseload = np.minimum(rng.integers(50, 61, n_nb), self.nb_size // 8)
        cand = np.flatnonzero(first & (self.size_of <= 2))
        cand = cand[np.lexsort((rng.random(len(cand)), self.nb[cand]))]
        cnb = self.nb[cand]
        rank = np.arange(len(cand)) - np.searchsorted(cnb, cnb)
        self.sup = cand[rank < caseload[cnb]]  # sorted by neighbourhood
        self.supported = np.zeros(P, dtype=bool)
        self.supported[self.sup] = True
        hh_sup = np.zeros(self.n_hh, dtype=bool)
        hh_sup[self.hh[self.sup]] = True
        self.withdrawn = ((rng.random(self.n_hh) < 0.06) & ~hh_sup)[self.hh]
        self.sociable = ~self.supported & ~self.withdrawn

        n_sup = len(self.sup)
        self.intro = np.full(P, _OPEN, dtype=np.int64)
        self.intro[self.sup] = self.t0 + rng.integers(0, self.t1 - self.t0, n_sup)
        # outcome: 0 grows, 1 does not grow, 2 stays isolated (single householders only)
        u = rng.random(n_sup)
        alone = self.size_of[self.sup] == 1
        self.outcome = np.where(alone & (u < 0.12), 2, np.where(u > 0.78, 1, 0))

        # node numbering: persons, coordinators, groups, services, families
        self.n_groups = np.where(rng.random(n_nb) < 0.2, rng.integers(0, 3, n_nb),
                                 4 + rng.poisson(6, n_nb))
        self.g_start = np.concatenate([[0], np.cumsum(self.n_groups)[:-1]])
        self.n_area = -(-n_nb // NEIGHBOURHOODS_PER_SERVICE_AREA)
        self.hh_family = np.where(self.hh_size >= 2, np.cumsum(self.hh_size >= 2) - 1, -1)
        self.n_fam = int((self.hh_size >= 2).sum())
        self.off_coord = P
        self.off_group = self.off_coord + n_nb
        self.off_service = self.off_group + int(self.n_groups.sum())
        self.off_family = self.off_service + self.n_area * len(SERVICES)
        self.n_nodes = self.off_family + self.n_fam

    def random_in_ward(self, i: np.ndarray) -> np.ndarray:
        k = self.nb[i]
        return self.nb_start[k] + (self.rng.random(len(i)) * self.nb_size[k]).astype(np.int64)

    def valid_partner(self, i: np.ndarray, j: np.ndarray, same_ward: bool) -> np.ndarray:
        ok = (j >= 0) & (j < self.P)
        jj = np.where(ok, j, 0)
        ok &= self.sociable[jj] & (self.hh[jj] != self.hh[i])
        if same_ward:
            ok &= self.nb[jj] == self.nb[i]
        return ok

    def service(self, people: np.ndarray, kind: np.ndarray) -> np.ndarray:
        area = self.nb[people] // NEIGHBOURHOODS_PER_SERVICE_AREA
        return self.off_service + area * len(SERVICES) + kind

    def node_table(self, coord_ids: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        rng, P, n_nb = self.rng, self.P, self.n_nb
        wards = _ward_names(n_nb, rng)
        n_group = int(self.n_groups.sum())
        n_service = self.n_area * len(SERVICES)
        first = np.array(FIRST_NAMES, dtype=object)
        last = np.array(LAST_NAMES, dtype=object)
        hh_last = rng.integers(0, len(LAST_NAMES), self.n_hh)

        person_ids = _ids("p", P, 6)
        group_ids = _ids("g", n_group, 5)
        service_ids = _ids("s", self.n_area * len(SERVICES), 4)
        family_ids = _ids("f", self.n_fam, 6)
        ids = np.concatenate([person_ids, coord_ids, group_ids, service_ids, family_ids])

        group_nb = np.repeat(np.arange(n_nb), self.n_groups)
        service_nb = np.repeat(np.arange(self.n_area) * NEIGHBOURHOODS_PER_SERVICE_AREA,
                               len(SERVICES))
        family_hh = np.flatnonzero(self.hh_size >= 2)
        labels = np.concatenate([
            first[rng.integers(0, len(first), P)] + " " + last[hh_last[self.hh]],
            first[rng.integers(0, len(first), n_nb)] + " " + last[
                rng.integers(0, len(last), n_nb)],
            wards[group_nb] + " " + np.array(GROUP_KINDS, dtype=object)[
                rng.integers(0, len(GROUP_KINDS), n_group)],
            wards[service_nb] + " " + np.tile(np.array(SERVICES, dtype=object), self.n_area),
            last[hh_last[family_hh]] + " household",
        ])
        node_nb = np.concatenate([self.nb, np.arange(n_nb), group_nb, service_nb,
                                  self.nb[self.hh_first[family_hh]]])
        types = np.repeat(np.array(["person", "coordinator", "group", "service", "family"],
                                   dtype=object), [P, n_nb, n_group, n_service, self.n_fam])
        supported = np.zeros(self.n_nodes, dtype=bool)
        supported[:P] = self.supported
        introduced = np.full(self.n_nodes, _OPEN, dtype=np.int64)
        introduced[:P] = self.intro
        coordinator = np.full(self.n_nodes, "", dtype=object)
        coordinator[self.sup] = coord_ids[self.nb[self.sup]]
        columns = {
            "id": ids, "type": types, "label": labels, "neighbourhood": wards[node_nb],
            "supported": supported, "introduced_on": _dates(introduced),
            "coordinator": coordinator,
        }
        return _frame(columns, NODE_COLUMNS), ids


class _Ties:
    """The ties of one generation run, drawn block by block for the :class:`_Population`
    ``pop`` (households, residents' own ties, supported people and how they grow)."""

    def __init__(self, pop: _Population):
        self.pop, self.rng = pop, pop.rng
        self.blocks: list[dict[str, np.ndarray]] = []

    def _add(self, src, dst, kind, start, *, end=None, circle=None, reciprocal=None,
             brokered=None) -> None:
        n = len(src)
        kind = np.broadcast_to(np.asarray(kind, dtype=np.int8), n)
        if circle is None:
            circle = np.array([DEFAULT_CIRCLE[k] for k in _KINDS], dtype=np.int8)[kind]
        self.blocks.append({
            "src": np.asarray(src, dtype=np.int64), "dst": np.asarray(dst, dtype=np.int64),
            "kind": np.array(kind, dtype=np.int8),
            "start": np.asarray(start, dtype=np.int64),
            "end": np.full(n, _OPEN, dtype=np.int64) if end is None else np.asarray(end, np.int64),
            "circle": np.broadcast_to(np.asarray(circle, dtype=np.int8), n).copy(),
            "reciprocal": (np.zeros(n, bool) if reciprocal is None
                           else np.broadcast_to(np.asarray(reciprocal, bool), n).copy()),
            "brokered": (np.full(n, -1, np.int64) if brokered is None
                         else np.asarray(brokered, np.int64)),
        })

    def _ordinary_dates(self, n: int, before: float, ending: float) -> tuple[np.ndarray, ...]:
        """Starts mostly before the data (share ``before``); a share ``ending`` end later."""
        pop, rng = self.pop, self.rng
        start = np.where(rng.random(n) < before, pop.t0 - rng.integers(1, 3650, n),
                         pop.t0 + rng.integers(0, pop.t1 - pop.t0, n))
        return start, self._ends(start, ending, 90, 1500)

    def _ends(self, start: np.ndarray, share: float, low: int, high: int) -> np.ndarray:
        pop = self.pop
        n = len(start)
        end = start + self.rng.integers(low, high, n)
        end = np.where(self.rng.random(n) < share, end, _OPEN)
        return np.where(end >= pop.t1, _OPEN, end)

    def _circle(self, n: int, closest: float, otherwise: int) -> np.ndarray:
        return np.where(self.rng.random(n) < closest, 1, otherwise).astype(np.int8)

    def households(self) -> None:
        pop, rng, P = self.pop, self.rng, self.pop.P
        since = pop.t0 - rng.integers(180, 7300, pop.n_hh)
        members = np.flatnonzero(pop.size_of >= 2)
        self._add(members, pop.off_family + pop.hh_family[pop.hh[members]], _K["household"],
                  since[pop.hh[members]])
        for d in range(1, 5):
            i = np.arange(P - d)
            i = i[pop.hh[i] == pop.hh[i + d]]
            self._add(i, i + d, _K["family"], since[pop.hh[i]],
                      circle=self._circle(len(i), 0.5, 2), reciprocal=rng.random(len(i)) < 0.7)

    def residents(self) -> None:
        pop, rng = self.pop, self.rng
        soc = np.flatnonzero(pop.sociable)
        # neighbours a few doors away
        i = np.repeat(soc, rng.poisson(0.7, len(soc)))
        j = i + rng.integers(1, 9, len(i))
        ok = pop.valid_partner(i, j, True)
        start, end = self._ordinary_dates(int(ok.sum()), 0.8, 0.12)
        self._add(i[ok], j[ok], _K["neighbour"], start, end=end,
                  reciprocal=rng.random(int(ok.sum())) < 0.5)
        # friends: mostly local, some across the ward, a few in another ward
        i = np.repeat(soc, rng.poisson(1.1, len(soc)))
        n = len(i)
        u = rng.random(n)
        local = i + rng.choice([-1, 1], n) * rng.geometric(1 / 15, n)
        j = np.where(u < 0.84, local, np.where(u < 0.96, pop.random_in_ward(i),
                                              rng.integers(0, pop.P, n)))
        ok = pop.valid_partner(i, j, False) & ((u >= 0.96) | (pop.nb[np.clip(j, 0, pop.P - 1)]
                                                              == pop.nb[i]))
        fi, fj = i[ok], j[ok]
        # triadic closure: some pairs of a person's friends are friends too
        a, b = np.concatenate([fi, fj]), np.concatenate([fj, fi])
        order = np.lexsort((rng.random(len(a)), a))
        a, b = a[order], b[order]
        pair = (a[:-1] == a[1:]) & (rng.random(len(a) - 1) < 0.35)
        ci, cj = b[:-1][pair], b[1:][pair]
        keep = pop.hh[ci] != pop.hh[cj]
        fi, fj = np.concatenate([fi, ci[keep]]), np.concatenate([fj, cj[keep]])
        n = len(fi)
        start, end = self._ordinary_dates(n, 0.8, 0.12)
        self._add(fi, fj, _K["friend"], start, end=end, circle=self._circle(n, 0.15, 2),
                  reciprocal=rng.random(n) < 0.6)
        # relatives outside the household
        i = soc[rng.random(len(soc)) < 0.22]
        j = np.where(rng.random(len(i)) < 0.7, pop.random_in_ward(i),
                     rng.integers(0, pop.P, len(i)))
        ok = pop.valid_partner(i, j, False)
        n = int(ok.sum())
        start, end = self._ordinary_dates(n, 0.9, 0.05)
        self._add(i[ok], j[ok], _K["family"], start, end=end, circle=self._circle(n, 0.3, 2),
                  reciprocal=rng.random(n) < 0.7)
        # withdrawn single people: half are paired with one neighbour, nothing else
        w = np.flatnonzero(pop.withdrawn & (pop.size_of == 1))
        a, b = w[:-1:2], w[1::2]
        ok = (pop.nb[a] == pop.nb[b]) & (rng.random(len(a)) < 0.5)
        start, end = self._ordinary_dates(int(ok.sum()), 0.9, 0.0)
        self._add(a[ok], b[ok], _K["neighbour"], start, reciprocal=True)
        # community groups
        i = np.repeat(soc, np.where(rng.random(len(soc)) < 0.42,
                                    1 + (rng.random(len(soc)) < 0.3), 0))
        i = i[pop.n_groups[pop.nb[i]] > 0]
        n = len(i)
        k = pop.nb[i]
        g = pop.off_group + pop.g_start[k] + (pop.n_groups[k] * rng.random(n) ** 1.7).astype(
            np.int64)
        start, end = self._ordinary_dates(n, 0.7, 0.15)
        self._add(i, g, np.where(rng.random(n) < 0.15, _K["volunteer"], _K["member"]), start,
                  end=end, reciprocal=rng.random(n) < 0.3)
        # an ordinary service contact
        people = np.flatnonzero(~pop.supported)
        people = people[rng.random(len(people)) < np.where(pop.withdrawn[people], 0.4, 0.15)]
        n = len(people)
        s = pop.service(people, rng.choice(len(SERVICES), n, p=_SERVICE_WEIGHTS_RESIDENT))
        start, end = self._ordinary_dates(n, 0.6, 0.2)
        self._add(people, s, _K["service"], start, end=end)

    def supported(self) -> None:
        pop, rng, sup = self.pop, self.rng, self.pop.sup
        n = len(sup)
        intro = pop.intro[sup]
        coord = pop.off_coord + pop.nb[sup]
        # coordinator tie from introduction
        self._add(sup, coord, _K["coordinator"], intro, end=self._ends(intro, 0.35, 180, 900))
        # services before introduction, some stepping down afterwards
        i = np.repeat(np.arange(n), 1 + rng.binomial(3, 0.4, n))
        m = len(i)
        s = pop.service(sup[i], rng.choice(len(SERVICES), m, p=_SERVICE_WEIGHTS_SUPPORTED))
        self._add(sup[i], s, _K["service"], intro[i] - rng.integers(30, 1500, m),
                  end=self._ends(intro[i], 0.35, 60, 900))
        # at most one old natural tie besides a household partner
        chance = np.where(pop.size_of[sup] == 2, 0.25, 0.45)
        i = np.flatnonzero((pop.outcome != 2) & (rng.random(n) < chance))
        j = pop.random_in_ward(sup[i])
        ok = pop.valid_partner(sup[i], j, True)
        i, j = i[ok], j[ok]
        m = len(i)
        self._add(sup[i], j, np.array([_K["family"], _K["friend"], _K["neighbour"]])[
            rng.choice(3, m, p=[0.4, 0.35, 0.25])], intro[i] - rng.integers(60, 5000, m),
            reciprocal=rng.random(m) < 0.5)
        self._growth(n, intro, coord)

    def _growth(self, n: int, intro: np.ndarray, coord: np.ndarray) -> None:
        pop, rng, sup = self.pop, self.rng, self.pop.sup
        grows = pop.outcome == 0
        # new natural ties
        i = np.repeat(np.arange(n), np.where(grows, 1 + rng.poisson(2.5, n), 0))
        m = len(i)
        kind = np.array([_K["friend"], _K["peer"], _K["neighbour"], _K["family"]])[
            rng.choice(4, m, p=[0.4, 0.25, 0.25, 0.1])]
        j = pop.random_in_ward(sup[i])
        near = sup[i] + rng.choice([-1, 1], m) * rng.integers(1, 11, m)
        j = np.where(kind == _K["neighbour"], near, j)
        ok = pop.valid_partner(sup[i], j, True)
        # peers: another supported person of the same coordinator, not one who stays isolated
        k = pop.nb[sup[i]]
        sup_start = np.searchsorted(pop.nb[sup], np.arange(pop.n_nb))
        sup_count = np.diff(np.append(sup_start, n))
        pj = sup_start[k] + (rng.random(m) * sup_count[k]).astype(np.int64)
        is_peer = kind == _K["peer"]
        ok = np.where(is_peer, (pj != i) & (pop.outcome[pj] != 2), ok)
        j = np.where(is_peer, sup[pj], j)
        after = np.where(is_peer, np.maximum(intro[i], pop.intro[np.where(is_peer, j, sup[i])]),
                         intro[i])
        start = after + 14 + rng.exponential(180, m).astype(np.int64)
        ok &= start < pop.t1
        i, j, kind, start, is_peer = i[ok], j[ok], kind[ok], start[ok], is_peer[ok]
        m = len(i)
        brokered = np.where(rng.random(m) < np.where(is_peer, 0.9, 0.6), coord[i], -1)
        circle = np.where(np.isin(kind, [_K["friend"], _K["family"]]), self._circle(m, 0.2, 2), 3)
        self._add(sup[i], j, kind, start, end=self._ends(start, 0.18, 60, 720), circle=circle,
                  reciprocal=rng.random(m) < 0.55, brokered=brokered)
        # new community ties
        i = np.repeat(np.arange(n), np.where(grows, rng.poisson(1.3, n), 0))
        k = pop.nb[sup[i]]
        i, k = i[pop.n_groups[k] > 0], k[pop.n_groups[k] > 0]
        m = len(i)
        g = pop.off_group + pop.g_start[k] + (rng.random(m) * pop.n_groups[k]).astype(np.int64)
        start = intro[i] + 14 + rng.exponential(180, m).astype(np.int64)
        ok = start < pop.t1
        i, g, start = i[ok], g[ok], start[ok]
        m = len(i)
        self._add(sup[i], g, np.where(rng.random(m) < 0.25, _K["volunteer"], _K["member"]), start,
                  end=self._ends(start, 0.18, 60, 720), reciprocal=rng.random(m) < 0.3,
                  brokered=np.where(rng.random(m) < 0.7, coord[i], -1))

    def table(self, ids: np.ndarray) -> pd.DataFrame:
        """The tie table: one tie per (pair, kind), no self-ties, by start; ``ids`` are the
        node ids by node number."""
        t = {key: np.concatenate([b[key] for b in self.blocks]) for key in self.blocks[0]}
        lo, hi = np.minimum(t["src"], t["dst"]), np.maximum(t["src"], t["dst"])
        key = (lo * self.pop.n_nodes + hi) * len(_KINDS) + t["kind"]
        _, first = np.unique(key, return_index=True)
        keep = np.sort(first[lo[first] != hi[first]])  # one tie per (pair, kind), no self-ties
        keep = keep[np.argsort(t["start"][keep], kind="stable")]
        t = {k: v[keep] for k, v in t.items()}
        brokered_by = np.concatenate([np.array([""], dtype=object), ids]) [t["brokered"] + 1]
        columns = {
            "source": ids[t["src"]], "target": ids[t["dst"]],
            "kind": np.array(_KINDS, dtype=object)[t["kind"]],
            "start": _dates(t["start"]), "end": _dates(t["end"]),
            "circle": t["circle"], "reciprocal": t["reciprocal"], "brokered_by": brokered_by,
        }
        return _frame(columns, TIE_COLUMNS)


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    width = max(width, len(str(max(n - 1, 0))))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(n)], dtype=object)


def _dates(days: np.ndarray) -> np.ndarray:
    out = np.where(days == _OPEN, 0, days).astype("datetime64[D]").astype(DATE_DTYPE)
    out[days == _OPEN] = np.datetime64("NaT")
    return out


def _frame(columns: dict[str, np.ndarray], order: tuple[str, ...]) -> pd.DataFrame:
    series = {
        name: pd.Series(values, dtype=object) if values.dtype == object else pd.Series(values)
        for name, values in columns.items()
    }
    return pd.DataFrame(series)[list(order)]


def _ward_names(n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` distinct invented ward names (English/Welsh-sounding)."""
    base = [a + b for a, b in itertools.product(_WARD_STEMS, _WARD_ENDINGS)]
    base = [base[k] for k in rng.permutation(len(base))]
    names = base + [f"{q} {b}" for b in base for q in _WARD_QUALIFIERS]
    names += [f"{b} {k}" for k in range(2, 2 + -(-max(n - len(names), 0) // len(base)))
              for b in base]
    return np.array(names[:n], dtype=object)


def with_observations(tables: Tables, *, seed: int = 1, review_months: int = 6,
                      reviewed: float = 0.8, leaving: float = 0.15) -> Tables:
    """Return ``tables`` with review dates and support endings for its supported people.

    DESIGN.md, "Observations and follow-up". Each supported person is reviewed about every
    ``review_months`` months after their introduction (+/- 20 days; each review held with
    chance ``reviewed``) up to the data's last date; a share ``leaving`` leave the
    programme (``left_on``, 4-30 months after introduction, if within the data), with no
    review after that and — as in real records — their ties left as they were. Drawn from
    its own ``default_rng(seed)``: the network itself is unchanged.

    Examples
    --------
    >>> T = with_observations(programme(600, seed=7), seed=7)
    >>> supported = T.nodes[T.nodes["supported"]]
    >>> bool((supported["reviews"] != "").mean() > 0.5), bool((supported["left_on"] != "").any())
    (True, True)
    """
    rng = np.random.default_rng([seed, 28])
    nodes = tables.nodes
    dates = pd.concat([tables.ties["start"], tables.ties["end"]]).dropna()
    last = dates.max().to_datetime64().astype("datetime64[D]")
    reviews = np.full(len(nodes), "", dtype=object)
    left = np.full(len(nodes), "", dtype=object)
    for i in np.flatnonzero(nodes["supported"].to_numpy(bool)):
        intro = nodes["introduced_on"].iat[i]
        if pd.isna(intro):
            continue
        intro = intro.to_datetime64().astype("datetime64[D]")
        end = last
        if rng.random() < leaving:
            gone = intro + np.timedelta64(int(rng.integers(120, 900)), "D")
            if gone <= last:
                end = gone
                left[i] = str(gone)
        days = []
        k = 1
        while True:
            target = (intro.astype("datetime64[M]") + np.timedelta64(k * review_months, "M")
                      ).astype("datetime64[D]") + (intro - intro.astype("datetime64[M]"))
            day = target + np.timedelta64(int(rng.integers(-20, 21)), "D")
            if day > end:
                break
            if rng.random() < reviewed:
                days.append(str(day))
            k += 1
        reviews[i] = ";".join(days)
    out = nodes.assign(reviews=reviews, left_on=left)
    return Tables(out, tables.ties)
