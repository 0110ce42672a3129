"""A seeded, growing social network and Zachary's karate club: the graphs of chapter 11 (people you may know).

``make_social_graph`` simulates a friendship network that grows over a year: users join over time, belong to
hidden communities, list a city, a school and an employer (some missing), and make friends through triadic
closure, within their community, through a shared school or employer, or with popular strangers. Every
friendship carries the moment it formed, so a lab can freeze the graph at a date and predict what comes next.

``load_karate_club`` reads the 34-member karate club that W. W. Zachary observed in the early 1970s (committed
under ``course/data/karate/``; provenance in its ``LICENSE.md``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["SocialGraph", "make_social_graph", "load_karate_club", "GRAPH_CITIES", "GRAPH_START"]

DATA_DIR = Path(__file__).resolve().parent / "data" / "karate"
GRAPH_START = pd.Timestamp("2025-01-01")
# Twelve fictional cities; their populations follow a Zipf-like law.
GRAPH_CITIES = ("Ashford", "Brightwater", "Coldharbour", "Dunmore", "Elmstead", "Fairhaven", "Greyport",
                "Highmoor", "Ivybridge", "Juniper Falls", "Kingsreach", "Longmeadow")
_N_SCHOOLS = 60
_N_EMPLOYERS = 150
# Relative appeal of a proposed friend who shares something with the proposer (see make_social_graph).
AFFINITY = {"community": 1.0, "school": 1.4, "employer": 1.4, "city": 0.7}
_BASE_ACCEPT = 0.08
NEWCOMER_SHARE = 0.2  # share of proposals made by someone who joined in the last NEWCOMER_DAYS days
NEWCOMER_DAYS = 30
_MECHANISMS = ("closure", "community", "attribute", "popular")


@dataclass
class SocialGraph:
    """A simulated social network.

    Attributes
    ----------
    users : DataFrame
        One row per user, sorted by ``user_id`` (int64, 0 to n_users - 1): ``joined_at`` (datetime64),
        ``city`` (str), ``school`` and ``employer`` (str, missing as NaN for users who did not say).
    edges : DataFrame
        One row per friendship, sorted by ``formed_at``: ``user_a`` < ``user_b`` (int64) and ``formed_at``
        (datetime64). Each pair appears once and no user is their own friend.
    """

    users: pd.DataFrame
    edges: pd.DataFrame

    def __repr__(self) -> str:
        return f"SocialGraph(users={len(self.users):,}, edges={len(self.edges):,})"


def _zipf_shares(n: int, exponent: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** exponent
    return w / w.sum()


def _attribute(rng, n_users, member_of, home, p_home, n_values, exponent, p_missing, prefix):
    """Per user: the community's value with probability p_home, else a Zipf draw; -1 (label NaN) if missing."""
    drawn = rng.choice(n_values, size=n_users, p=_zipf_shares(n_values, exponent))
    value = np.where(rng.random(n_users) < p_home, home[member_of], drawn)
    labels = np.array([f"{prefix} {i + 1}" for i in range(n_values)], dtype=object)[value]
    missing = rng.random(n_users) < p_missing
    labels[missing] = np.nan
    return np.where(missing, -1, value), labels


def make_social_graph(n_users=3000, *, n_communities=40, n_days=365, friends_per_user=20.0, closure=0.5,
                      initial_share=0.5, return_truth=False, random_state=None):
    """Generate a social network that grows over ``n_days`` days, with attributes and edge timestamps.

    The generative process, step by step:

    1. **Communities.** ``n_communities`` hidden groups (a class, a team, a circle of friends) with
       long-tailed sizes (Dirichlet shares). Each has a home city (drawn by city population, Zipf over
       ``GRAPH_CITIES``), a home school and a home employer.
    2. **Users.** Each belongs to one community. Their city is the community's home city with probability
       0.8, else a draw by population; their school is the community's with probability 0.5, else a Zipf
       draw over 60 schools, and is missing for 10 % of users; their employer is the community's with
       probability 0.3, else a Zipf draw over 150 employers, missing for 25 %. A share ``initial_share`` of
       the users are there on day 0; the others join at uniform times during the window, so late joiners are
       cold-start users with few or no friends. Each user has a long-tailed sociability (log-normal, sigma 1).
    3. **Friendships** form one at a time at uniform times over the window, in about
       ``friends_per_user * n_users / 2`` slots. In each slot a proposer is drawn among users who have
       joined: with probability 0.2 uniformly among those who joined in the last 30 days (newcomers fill
       their friend list quickly), otherwise in proportion to sociability. The proposed friend comes from one
       of four mechanisms:

       * ``closure`` (probability ``closure``, when the proposer has friends): a friend of a random friend,
         so a pair with many mutual friends, and mutual friends with few friends of their own, is proposed
         more often (the resource-allocation form of triadic closure);
       * ``community`` (half of the rest): a random member of the proposer's community;
       * ``attribute`` (a quarter of the rest): a random user with the same school or employer (a coin
         decides when the proposer lists both; a proposer with neither wastes the proposal);
       * ``popular`` (the last quarter): with probability 0.8 a random end of an existing friendship, so a
         user in proportion to current degree (preferential attachment), otherwise a random user who has
         joined.

       The proposal becomes a friendship with probability
       ``min(1, 0.12 * exp(1.2 * same_community + 0.9 * same_school + 0.9 * same_employer + 0.5 * same_city))``
       if both have joined, the pair is new and the two are different people; otherwise it is dropped. A
       proposer gets up to five proposals per slot, so the realised number of friendships is a little lower
       than the number of slots. Missing attributes never match.

    Parameters
    ----------
    n_users : int, default=3000
        Number of users, 20 to 100,000.
    n_communities : int, default=40
        Number of hidden communities, 1 to n_users.
    n_days : int, default=365
        Length of the window in days, from ``GRAPH_START`` (2025-01-01), 7 to 3,650.
    friends_per_user : float, default=20.0
        Friendship slots per user (each friendship has two ends, so the mean degree is close to this), 0.5
        to 200.
    closure : float, default=0.5
        Probability that a proposal comes from triadic closure, 0 to 1.
    initial_share : float, default=0.5
        Share of users present on day 0, in (0, 1].
    return_truth : bool, default=False
        Also return the hidden variables (see Returns).
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    graph : SocialGraph
        ``users`` and ``edges`` (see ``SocialGraph``).
    truth : dict, only if ``return_truth``
        Per user (by ``user_id``): ``"community"`` (int64), ``"sociability"`` (float64). Per edge (aligned
        with ``graph.edges``): ``"mechanism"`` (str array, one of ``closure``, ``community``, ``attribute``,
        ``popular``). Settings: ``"affinity"``, ``"start"``, ``"end"``.

    Examples
    --------
    >>> graph = make_social_graph(200, n_communities=8, random_state=0)
    >>> list(graph.edges.columns)
    ['user_a', 'user_b', 'formed_at']
    """
    n_users = check_int("n_users", n_users, low=20, high=100_000)
    n_communities = check_int("n_communities", n_communities, low=1, high=n_users)
    n_days = check_int("n_days", n_days, low=7, high=3650)
    friends_per_user = check_float("friends_per_user", friends_per_user, low=0.5, high=200)
    closure = check_float("closure", closure, low=0, high=1)
    initial_share = check_float("initial_share", initial_share, low=0, high=1, low_open=True)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    n_cities = len(GRAPH_CITIES)

    # 1. communities
    size_share = rng.dirichlet(np.full(n_communities, 0.8))
    c_city = rng.choice(n_cities, size=n_communities, p=_zipf_shares(n_cities, 1.0))
    c_school = rng.choice(_N_SCHOOLS, size=n_communities, p=_zipf_shares(_N_SCHOOLS, 0.7))
    c_employer = rng.choice(_N_EMPLOYERS, size=n_communities, p=_zipf_shares(_N_EMPLOYERS, 0.9))

    # 2. users
    community = rng.choice(n_communities, size=n_users, p=size_share)
    city = np.where(rng.random(n_users) < 0.8, c_city[community],
                    rng.choice(n_cities, size=n_users, p=_zipf_shares(n_cities, 1.0)))
    school, school_label = _attribute(rng, n_users, community, c_school, 0.5, _N_SCHOOLS, 0.7, 0.10, "School")
    employer, employer_label = _attribute(rng, n_users, community, c_employer, 0.3, _N_EMPLOYERS, 0.9, 0.25,
                                          "Employer")
    join_day = np.where(rng.random(n_users) < initial_share, 0.0, rng.uniform(0, n_days, size=n_users))
    sociability = np.exp(rng.normal(0.0, 1.0, size=n_users))

    # Users in order of arrival: the active population at time t is a prefix of this order.
    arrival = np.argsort(join_day, kind="stable")
    arrival_day = join_day[arrival]
    cum_soc = np.cumsum(sociability[arrival])
    members = [np.flatnonzero(community == c) for c in range(n_communities)]
    by_school = {s: np.flatnonzero(school == s) for s in np.unique(school[school >= 0])}
    by_employer = {e: np.flatnonzero(employer == e) for e in np.unique(employer[employer >= 0])}

    # 3. friendships
    n_slots = int(round(friends_per_user * n_users / 2))
    slot_day = np.sort(rng.uniform(0, n_days, size=n_slots))
    friends = [[] for _ in range(n_users)]
    friend_sets = [set() for _ in range(n_users)]
    ends = []  # both ends of every friendship: a uniform draw from it is degree-proportional
    out_a, out_b, out_day, out_mech = [], [], [], []
    n_active_at = np.searchsorted(arrival_day, slot_day, side="right")
    draws = rng.random((n_slots, 3))
    for slot in range(n_slots):
        n_active = n_active_at[slot]
        if n_active < 2:
            continue
        day = slot_day[slot]
        first_new = np.searchsorted(arrival_day, day - NEWCOMER_DAYS, side="left")
        if draws[slot, 1] < NEWCOMER_SHARE and first_new < n_active:
            u = int(arrival[first_new + int(draws[slot, 2] * (n_active - first_new))])
        else:
            u = int(arrival[np.searchsorted(cum_soc[:n_active], draws[slot, 0] * cum_soc[n_active - 1])])
        for _ in range(5):
            r = rng.random()
            if r < closure and friends[u]:
                mech = 0
                w = friends[u][rng.integers(len(friends[u]))]
                v = friends[w][rng.integers(len(friends[w]))]
            else:
                r = rng.random()
                if r < 0.5:
                    mech, pool = 1, members[community[u]]
                    v = int(pool[rng.integers(len(pool))])
                elif r < 0.75:
                    use_school = school[u] >= 0 and (employer[u] < 0 or rng.random() < 0.5)
                    if use_school:
                        pool = by_school[school[u]]
                    elif employer[u] >= 0:
                        pool = by_employer[employer[u]]
                    else:
                        continue
                    mech = 2
                    v = int(pool[rng.integers(len(pool))])
                else:
                    mech = 3
                    v = ends[rng.integers(len(ends))] if ends and rng.random() < 0.8 else \
                        int(arrival[rng.integers(n_active)])
            if v == u or join_day[v] > day or v in friend_sets[u]:
                continue
            score = (AFFINITY["community"] * (community[u] == community[v])
                     + AFFINITY["school"] * (school[u] >= 0 and school[u] == school[v])
                     + AFFINITY["employer"] * (employer[u] >= 0 and employer[u] == employer[v])
                     + AFFINITY["city"] * (city[u] == city[v]))
            if rng.random() < min(1.0, _BASE_ACCEPT * np.exp(score)):
                friends[u].append(v)
                friends[v].append(u)
                friend_sets[u].add(v)
                friend_sets[v].add(u)
                ends.extend((u, v))
                out_a.append(min(u, v))
                out_b.append(max(u, v))
                out_day.append(day)
                out_mech.append(mech)
                break

    def stamp(days):
        return GRAPH_START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86_400), unit="s")

    users = pd.DataFrame({
        "user_id": np.arange(n_users, dtype=np.int64),
        "joined_at": stamp(join_day),
        "city": pd.array(np.array(GRAPH_CITIES, dtype=object)[city], dtype="str"),
        "school": pd.array(school_label, dtype="str"),
        "employer": pd.array(employer_label, dtype="str"),
    })
    edges = pd.DataFrame({"user_a": np.array(out_a, dtype=np.int64), "user_b": np.array(out_b, dtype=np.int64),
                          "formed_at": stamp(out_day)})
    # A friendship cannot predate either friend's arrival, even after rounding to the second.
    joined = users["joined_at"].to_numpy()
    edges["formed_at"] = np.maximum(edges["formed_at"].to_numpy(),
                                    np.maximum(joined[edges["user_a"]], joined[edges["user_b"]]))
    graph = SocialGraph(users=users, edges=edges)
    if not return_truth:
        return graph
    truth = {
        "community": community.astype(np.int64),
        "sociability": sociability,
        "mechanism": np.array(_MECHANISMS, dtype=object)[np.array(out_mech, dtype=np.int64)].astype(str),
        "affinity": dict(AFFINITY),
        "start": GRAPH_START,
        "end": GRAPH_START + pd.Timedelta(days=n_days),
    }
    return graph, truth


def load_karate_club():
    """Load Zachary's karate club (1977): 34 members, 78 friendships and the side each member took in the split.

    Returns
    -------
    edges : DataFrame
        78 rows: ``member_a`` < ``member_b`` (int64, members numbered 0 to 33) and ``contexts`` (int64, in how
        many settings the two interacted, 1 to 7).
    members : DataFrame
        34 rows: ``member`` (int64) and ``club`` (str, ``"Mr. Hi"`` or ``"Officer"``, the club joined after the
        split). Member 0 is the instructor, Mr. Hi; member 33 is the club's president.

    Examples
    --------
    >>> edges, members = load_karate_club()
    >>> len(edges), members["club"].value_counts().to_dict()
    (78, {'Mr. Hi': 17, 'Officer': 17})
    """
    edges = pd.read_csv(DATA_DIR / "karate_club_edges.csv", dtype=np.int64)
    members = pd.read_csv(DATA_DIR / "karate_club_members.csv", dtype={"member": np.int64, "club": "str"})
    return edges, members
