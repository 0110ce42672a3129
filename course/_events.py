"""Seeded event platform (users, events, friendships, shown lists): the running example of chapter 07."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["EventPlatform", "make_event_platform", "EVENT_CATEGORIES", "EVENT_CITIES"]

EVENT_CATEGORIES = ("music", "tech", "sports", "food", "arts", "outdoors", "family", "networking")
# (name, latitude, longitude, share of users): a fictional region about 150 km across.
EVENT_CITIES = (
    ("Northport", 52.37, 4.90, 0.34),
    ("Riverton", 52.09, 5.12, 0.20),
    ("Lakeside", 51.92, 4.48, 0.16),
    ("Hillcrest", 52.16, 5.39, 0.12),
    ("Oakham", 51.69, 5.30, 0.10),
    ("Eastbridge", 52.52, 6.08, 0.08),
)
START = pd.Timestamp("2026-03-02")  # a Monday
EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEG_LAT = 111.2
_SCENES_PER_CITY = 6
_HOUR_PROFILE = np.array([2, 1, 1, 1, 1, 2, 4, 7, 8, 7, 6, 7, 10, 9, 7, 6, 7, 9, 11, 13, 14, 13, 9, 5], float)
_HOUR_PROFILE /= _HOUR_PROFILE.sum()

# The true utility of a shown event (see make_event_platform's docstring).
COEF = {"distance": 1.6, "time": 0.22, "affinity": 1.1, "social": 0.9, "price": 0.3}
RURAL_BOOST = 0.8  # countryside users have fewer options nearby and commit more readily
SECOND_PICK = 0.3  # chance that a user who registered goes on to register for a second event
CLICK_RATE = 0.12  # share of shown, unregistered events whose page is opened anyway


@dataclass
class EventPlatform:
    """The tables of a simulated event platform.

    Attributes
    ----------
    users : DataFrame
        One row per user, by ``user_id`` (int64): ``city`` (str), ``home_lat``, ``home_lon``
        (float64), ``signup_at`` (datetime64), ``interests`` (str: declared categories joined by
        ``"|"``, e.g. ``"food|music"``).
    events : DataFrame
        One row per event, by ``event_id`` (int64): ``host_id`` (int64), ``category`` and ``city``
        (str), ``lat``, ``lon``, ``price`` (float64, 0 for a free event), ``created_at`` and
        ``start_at`` (datetime64).
    friendships : DataFrame
        Undirected friendships, each pair once with ``user_a < user_b`` (int64).
    impressions : DataFrame
        One row per event shown in a request, sorted by ``request_at``: ``request_id``,
        ``user_id``, ``event_id`` (int64), ``request_at`` (datetime64), ``position`` (int64,
        display slot from 0), ``clicked`` and ``registered`` (int64 0/1; every registered event
        was clicked) and ``registered_at`` (datetime64, NaT unless registered).
    registrations : DataFrame
        The registered impressions, ``user_id``, ``event_id``, ``registered_at``, sorted by time.
    """

    users: pd.DataFrame
    events: pd.DataFrame
    friendships: pd.DataFrame
    impressions: pd.DataFrame
    registrations: pd.DataFrame

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(getattr(self, name)):,}" for name in
                          ("users", "events", "friendships", "impressions", "registrations"))
        return f"EventPlatform({sizes})"


def make_event_platform(n_users=2000, n_events=600, *, n_requests=6000, n_days=42, candidates=(8, 20),
                        friends_per_user=12.0, cold_start_rate=0.15, request_rate=0.5,
                        return_truth=False, random_state=None):
    """Generate users, events, friendships and a log of shown events with clicks and registrations.

    The generative process, step by step:

    1. **Users** live around six fictional cities (``EVENT_CITIES``), three in four near a centre,
       the rest in the countryside. Each city has six "scenes" with a taste profile; a user's
       hidden taste over the eight categories is drawn around their scene's (Dirichlet), and they
       declare one to three interests drawn from it. Each user has a hidden travel tolerance (km,
       log-normal, doubled in the countryside), a long-tailed activity level and a propensity to
       register (higher in the countryside, lower for newcomers). ``cold_start_rate`` of the users
       sign up during the window.
    2. **Events** belong to hosts (a few hosts run many events) with a main category, a home
       city and a long-tailed "buzz"; each event adds its own buzz, sits near its host's city,
       costs nothing (40 %) or a log-normal price, is created at a random time and starts 2 to 40
       days later (weekday evenings, weekend daytime).
    3. **Friendships** (about ``friends_per_user`` each): 55 % within a scene, 30 % within a city,
       15 % anywhere, with long-tailed sociability. They are a static snapshot.
    4. **Requests** (app visits) happen after each user's signup, ``n_requests`` of them in
       ``n_days`` days from Monday 2026-03-02, more for active users, mostly in the evening.
       The logging policy shows ``candidates[0]`` to ``candidates[1]`` upcoming events (created
       already, starting within 30 days), drawn without replacement with weight
       ``exp(-km / 40)``, in random display order. Events the user has already registered for are
       not shown again.
    5. **Registrations** are a choice among the shown events. Each has a utility ::

           u = buzz - 1.6 * log1p(km / tolerance)              distance decay
                    - 0.22 * log(hours_to_start / 72) ** 2     best about three days ahead
                    + 1.1 * log(8 * taste[category] + 0.05)     category affinity
                    + 0.9 * log1p(friends registered before the request)
                    - 0.3 * log1p(price / 10)

       and ``z = u + user + request + intercept``, where ``user`` is the user's propensity and
       ``request`` the mood of this visit (both shift a whole list, so they change how many, not
       which, events get registered). The user registers for event ``i`` with probability
       ``exp(z_i) / (1 + sum_j exp(z_j))`` or for none with ``1 / (1 + sum_j exp(z_j))``; after a
       registration, with probability 0.3 they choose once more among the rest in the same way.
       ``intercept`` makes about ``request_rate`` of the requests end in a registration.
       Requests are played in time order, so the social term counts only friends whose
       registration was stamped strictly before the request. A registration is stamped 1 to 20
       minutes after its request.
    6. **Clicks**: every registered event was clicked; any other shown event is clicked with
       probability ``sigmoid(0.6 * distance + affinity + 1.2 * buzz + user + request + c)`` (the
       terms of step 5; ``c`` sets the rate to about 12 %), so clicks follow appeal more than the
       practical terms (price, timing, friends) that decide a registration.

    A natural graded relevance is therefore ``clicked + registered`` (0 ignored, 1 clicked only,
    2 registered); ``truth["gain"]`` is its expected nDCG gain ``2**grade - 1``.

    Parameters
    ----------
    n_users : int, default=2000
        Number of users, 50 to 200,000.
    n_events : int, default=600
        Number of events created over the window and the 30 days before it, 50 to 50,000.
    n_requests : int, default=6000
        Number of requests, 50 to 500,000.
    n_days : int, default=42
        Length of the simulated window in days, 7 to 365.
    candidates : (int, int), default=(8, 20)
        Smallest and largest number of events shown per request (fewer when fewer are eligible),
        each 2 to 200.
    friends_per_user : float, default=12.0
        Mean number of friends, 0 to 100.
    cold_start_rate : float, default=0.15
        Share of users who sign up during the window, 0 to 1.
    request_rate : float, default=0.5
        Target share of requests that end in at least one registration, in (0, 1); the realised
        share is a little higher because the social term only becomes known as the log plays.
    return_truth : bool, default=False
        Also return a dict with the true probabilities behind every shown event (see Returns).
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    platform : EventPlatform
        The five tables (see ``EventPlatform``).
    truth : dict, only if ``return_truth``
        Per impression row (aligned with ``platform.impressions``): ``"p_register"``,
        ``"p_click"``, ``"gain"`` (expected ``2**grade - 1``), ``"components"`` (DataFrame of the
        terms of ``z``: distance, time, affinity, social, price, buzz, user, request, intercept),
        ``"friends_before"`` (int64). Per user: ``"taste"`` (n_users x 8, columns in
        ``EVENT_CATEGORIES`` order), ``"tolerance_km"``, ``"cold_start"``, ``"rural"``. Per event:
        ``"buzz"``. Settings: ``"coef"``, ``"start"``, ``"end"``, ``"n_days"``.

    Examples
    --------
    >>> platform = make_event_platform(300, 120, n_requests=500, random_state=0)
    >>> list(platform.impressions.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['request_id', 'user_id', 'event_id', 'request_at', 'position', 'clicked', 'registered',
     'registered_at']
    """
    n_users = check_int("n_users", n_users, low=50, high=200_000)
    n_events = check_int("n_events", n_events, low=50, high=50_000)
    n_requests = check_int("n_requests", n_requests, low=50, high=500_000)
    n_days = check_int("n_days", n_days, low=7, high=365)
    lo_c, hi_c = _check_candidates(candidates)
    friends_per_user = check_float("friends_per_user", friends_per_user, low=0, high=100)
    cold_start_rate = check_float("cold_start_rate", cold_start_rate, low=0, high=1)
    rate = check_float("request_rate", request_rate, low=0, high=1, low_open=True, high_open=True)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    n_cat = len(EVENT_CATEGORIES)
    shares = np.array([c[3] for c in EVENT_CITIES])
    shares = shares / shares.sum()

    # 1. users
    u_city = rng.choice(len(EVENT_CITIES), size=n_users, p=shares)
    rural = rng.random(n_users) < 0.25
    u_lat, u_lon = _scatter(rng, u_city, np.where(rural, 14.0, 4.0))
    u_scene = u_city * _SCENES_PER_CITY + rng.integers(0, _SCENES_PER_CITY, size=n_users)
    scene_taste = rng.dirichlet(np.full(n_cat, 0.35), size=len(EVENT_CITIES) * _SCENES_PER_CITY)
    taste = np.array([rng.dirichlet(0.3 + 4.0 * scene_taste[s]) for s in u_scene])
    tolerance = np.exp(rng.normal(np.log(7.0), 0.5, size=n_users)) * np.where(rural, 2.0, 1.0)
    activity = np.exp(rng.normal(0.0, 1.0, size=n_users))
    cold = rng.random(n_users) < cold_start_rate
    propensity = rng.normal(0.0, 0.5, size=n_users) + RURAL_BOOST * rural - 0.3 * cold
    signup = np.where(cold, rng.uniform(0, n_days - 2, size=n_users), -rng.uniform(30, 730, size=n_users))
    interests = _declared_interests(rng, taste)

    # 2. events
    n_hosts = max(10, n_events // 5)
    h_city = rng.choice(len(EVENT_CITIES), size=n_hosts, p=shares)
    h_cat = rng.integers(0, n_cat, size=n_hosts)
    h_buzz = rng.normal(-0.3, 0.7, size=n_hosts)
    h_weight = 1.0 / np.arange(1, n_hosts + 1) ** 0.7
    host = rng.choice(n_hosts, size=n_events, p=h_weight / h_weight.sum())
    e_cat = np.where(rng.random(n_events) < 0.8, h_cat[host], rng.integers(0, n_cat, size=n_events))
    e_lat, e_lon = _scatter(rng, h_city[host], np.full(n_events, 5.0))
    buzz = h_buzz[host] + rng.normal(0.0, 0.6, size=n_events)
    price = np.where(rng.random(n_events) < 0.4, 0.0, np.round(np.exp(rng.normal(np.log(20), 0.7, n_events))))
    created = rng.uniform(-30, n_days - 2, size=n_events)
    start_day = np.floor(created + rng.uniform(2, 40, size=n_events))
    weekend = (start_day.astype(int) % 7) >= 5
    start_hour = np.where(weekend, rng.choice([11, 13, 14, 16, 20], size=n_events),
                          rng.choice([18, 19, 19, 20, 21], size=n_events))
    start = start_day + start_hour / 24.0

    # 3. friendships
    friends_a, friends_b = _friendships(rng, u_city, u_scene, friends_per_user)

    # 4. requests and the events each one shows
    r_user = rng.choice(n_users, size=n_requests, p=activity / activity.sum())
    lo_t = np.maximum(signup[r_user], 0.0)
    day = np.floor(lo_t + rng.random(n_requests) * (n_days - lo_t))
    r_time = day + (rng.choice(24, size=n_requests, p=_HOUR_PROFILE) + rng.random(n_requests)) / 24.0
    early = r_time < lo_t  # a visit on the signup day but before the signup
    r_time[early] = lo_t[early] + rng.random(int(early.sum())) * (n_days - lo_t[early])
    order = np.argsort(r_time, kind="stable")  # request ids follow time
    r_user, r_time = r_user[order], r_time[order]
    req, ev = _show(rng, r_user, r_time, u_lat, u_lon, e_lat, e_lon, created, start, lo_c, hi_c)

    # 5. registrations: the static part of the utility, then the log is played for the social term
    user_of = r_user[req]
    km = _haversine(u_lat[user_of], u_lon[user_of], e_lat[ev], e_lon[ev])
    hours = (start[ev] - r_time[req]) * 24.0
    mood = rng.normal(0.0, 0.7, size=n_requests)
    comp = pd.DataFrame({
        "distance": -COEF["distance"] * np.log1p(km / tolerance[user_of]),
        "time": -COEF["time"] * np.log(hours / 72.0) ** 2,
        "affinity": COEF["affinity"] * np.log(n_cat * taste[user_of, e_cat[ev]] + 0.05),
        "social": 0.0,
        "price": -COEF["price"] * np.log1p(price[ev] / 10.0),
        "buzz": buzz[ev],
        "user": propensity[user_of],
        "request": mood[req],
    })
    static = comp.sum(axis=1).to_numpy()
    intercept = _solve_request_rate(static, req, rate)
    draws = rng.random((n_requests, 3))  # first choice, whether to go on, second choice
    delay = rng.uniform(1, 20, size=len(req)) / (24 * 60)
    keep, n_friends, label, reg_time = _play(req, ev, r_user, r_time, static + intercept, draws, delay,
                                             friends_a, friends_b, n_users)
    comp["social"] = COEF["social"] * np.log1p(n_friends)
    comp["intercept"] = intercept
    comp = comp[keep].reset_index(drop=True)
    req, ev, label, reg_time, n_friends = req[keep], ev[keep], label[keep], reg_time[keep], n_friends[keep]
    p_register = _choice_probability(comp.sum(axis=1).to_numpy(), req)

    # 6. clicks
    appeal = (0.6 * comp["distance"] + comp["affinity"] + 1.2 * comp["buzz"] + comp["user"]
              + comp["request"]).to_numpy()
    appeal = appeal + _solve_mean_rate(appeal, CLICK_RATE)
    p_other_click = 1.0 / (1.0 + np.exp(-appeal))
    clicked = (label == 1) | (rng.random(len(req)) < p_other_click)

    def stamp(days):
        return START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86400.0), unit="s")

    cats = np.array(EVENT_CATEGORIES, dtype=object)
    cities = np.array([c[0] for c in EVENT_CITIES], dtype=object)
    users = pd.DataFrame({
        "user_id": np.arange(n_users, dtype=np.int64),
        "city": pd.array(cities[u_city], dtype="str"),
        "home_lat": u_lat,
        "home_lon": u_lon,
        "signup_at": stamp(signup),
        "interests": pd.array(interests, dtype="str"),
    })
    events = pd.DataFrame({
        "event_id": np.arange(n_events, dtype=np.int64),
        "host_id": host.astype(np.int64),
        "category": pd.array(cats[e_cat], dtype="str"),
        "city": pd.array(cities[h_city[host]], dtype="str"),
        "lat": e_lat,
        "lon": e_lon,
        "price": price.astype(float),
        "created_at": stamp(created),
        "start_at": stamp(start),
    })
    friendships = pd.DataFrame({"user_a": friends_a.astype(np.int64), "user_b": friends_b.astype(np.int64)})
    impressions = pd.DataFrame({
        "request_id": req.astype(np.int64),
        "user_id": r_user[req].astype(np.int64),
        "event_id": ev.astype(np.int64),
        "request_at": stamp(r_time[req]),
        "position": _positions(req),
        "clicked": clicked.astype(np.int64),
        "registered": label.astype(np.int64),
        "registered_at": stamp(np.where(label == 1, reg_time, np.nan)),
    })
    regs = impressions.loc[impressions["registered"] == 1, ["user_id", "event_id", "registered_at"]]
    regs = regs.sort_values("registered_at", kind="stable").reset_index(drop=True)
    platform = EventPlatform(users, events, friendships, impressions, regs)
    if not return_truth:
        return platform
    p_click = p_register + (1.0 - p_register) * p_other_click
    truth = {
        "p_register": p_register, "p_click": p_click, "gain": 3.0 * p_register + (p_click - p_register),
        "components": comp, "friends_before": n_friends.astype(np.int64),
        "taste": taste, "tolerance_km": tolerance, "cold_start": cold, "rural": rural, "buzz": buzz,
        "coef": dict(COEF), "start": START, "end": START + pd.Timedelta(days=n_days), "n_days": n_days,
    }
    return platform, truth


def _check_candidates(candidates):
    if not isinstance(candidates, (tuple, list)) or len(candidates) != 2:
        raise TypeError(f"candidates must be a pair (smallest, largest), got {candidates!r}")
    lo = check_int("candidates[0]", candidates[0], low=2, high=200)
    hi = check_int("candidates[1]", candidates[1], low=2, high=200)
    if hi < lo:
        raise ValueError(f"candidates must be (smallest, largest) with smallest <= largest, "
                         f"got {candidates!r}")
    return lo, hi


def _scatter(rng, city, spread_km):
    """Points around the given cities' centres, ``spread_km`` standard deviation per axis."""
    lat0 = np.array([c[1] for c in EVENT_CITIES])[city]
    lon0 = np.array([c[2] for c in EVENT_CITIES])[city]
    lat = lat0 + rng.normal(0.0, 1.0, size=len(city)) * spread_km / _KM_PER_DEG_LAT
    km_per_deg_lon = _KM_PER_DEG_LAT * np.cos(np.radians(lat0))
    lon = lon0 + rng.normal(0.0, 1.0, size=len(city)) * spread_km / km_per_deg_lon
    return lat, lon


def _haversine(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _declared_interests(rng, taste):
    """One to three categories per user, drawn from their taste without replacement (Gumbel top-k)."""
    n_declared = rng.integers(1, 4, size=len(taste))
    top = np.argsort(-(np.log(taste + 1e-12) + rng.gumbel(size=taste.shape)), axis=1)
    names = ["|".join(EVENT_CATEGORIES[c] for c in sorted(row[:k])) for row, k in zip(top, n_declared)]
    return np.array(names, dtype=object)


def _friendships(rng, u_city, u_scene, friends_per_user):
    """Undirected pairs: 55 % within a scene, 30 % within a city, 15 % anywhere."""
    n_users = len(u_city)
    n_pairs = int(round(n_users * friends_per_user / 2 * 1.1))  # a few are lost as duplicates
    if n_pairs == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    social = np.exp(rng.normal(0.0, 0.8, size=n_users))
    a = rng.choice(n_users, size=n_pairs, p=social / social.sum())
    b = rng.choice(n_users, size=n_pairs, p=social / social.sum())
    how = rng.random(n_pairs)
    for group, mask in ((u_scene, how < 0.55), (u_city, (how >= 0.55) & (how < 0.85))):
        for g in np.unique(group[a[mask]]):
            members = np.flatnonzero(group == g)
            pick = mask & (group[a] == g)
            b[pick] = rng.choice(members, size=int(pick.sum()), p=social[members] / social[members].sum())
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(np.stack([lo[lo != hi], hi[lo != hi]], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _show(rng, r_user, r_time, u_lat, u_lon, e_lat, e_lon, created, start, lo_c, hi_c):
    """Which events each request shows: a weighted draw without replacement (Gumbel top-k)."""
    km_user_event = _haversine(u_lat[:, None], u_lon[:, None], e_lat[None, :], e_lon[None, :])
    size = rng.integers(lo_c, hi_c + 1, size=len(r_user))
    reqs, evs = [], []
    for s in range(0, len(r_user), 1000):
        idx = np.arange(s, min(s + 1000, len(r_user)))
        t = r_time[idx, None]
        ok = (created[None, :] <= t) & (start[None, :] > t + 1 / 24) & (start[None, :] <= t + 30)
        key = -km_user_event[r_user[idx]] / 40.0 + rng.gumbel(size=ok.shape)
        key[~ok] = -np.inf
        top = np.argsort(-key, axis=1)[:, :hi_c]
        n_ok = ok.sum(axis=1)
        for row, r in enumerate(idx):
            m = min(size[r], n_ok[row])
            reqs.append(np.full(m, r))
            evs.append(rng.permutation(top[row, :m]))
    return np.concatenate(reqs).astype(np.int64), np.concatenate(evs).astype(np.int64)


def _play(req, ev, r_user, r_time, z, draws, delay, friends_a, friends_b, n_users):
    """Play the log in time order: friends registered before each request, choices, registrations."""
    friends = [[] for _ in range(n_users)]
    for a, b in zip(friends_a.tolist(), friends_b.tolist()):
        friends[a].append(b)
        friends[b].append(a)
    n = len(req)
    keep = np.ones(n, dtype=bool)
    n_friends = np.zeros(n, dtype=np.int64)
    label = np.zeros(n, dtype=np.int64)
    reg_time = np.full(n, np.nan)
    registered: dict[int, dict[int, float]] = {}
    ev_l, z_l, delay_l = ev.tolist(), z.tolist(), delay.tolist()
    bounds = np.r_[0, np.flatnonzero(np.diff(req)) + 1, n].tolist()
    for s, e in zip(bounds[:-1], bounds[1:]):
        r = int(req[s])
        u, t = int(r_user[r]), float(r_time[r])
        rows, weights = [], []
        for i in range(s, e):
            who = registered.get(ev_l[i])
            if who is not None and u in who:
                keep[i] = False  # already registered: the policy does not show it again
                continue
            k = sum(1 for f in friends[u] if who.get(f, math.inf) < t) if who else 0
            n_friends[i] = k
            rows.append(i)
            weights.append(math.exp(z_l[i] + COEF["social"] * math.log1p(k)))
        chosen = _choose(weights, draws[r, 0])
        if chosen is None:
            continue
        picks = [rows[chosen]]
        if draws[r, 1] < SECOND_PICK and len(rows) > 1:
            del rows[chosen], weights[chosen]
            again = _choose(weights, draws[r, 2])
            if again is not None:
                picks.append(rows[again])
        for i in picks:
            label[i] = 1
            reg_time[i] = t + delay_l[i]
            registered.setdefault(ev_l[i], {})[u] = reg_time[i]
    return keep, n_friends, label, reg_time


def _choose(weights, draw):
    """Index picked by a multinomial logit with an outside option of weight 1 (None: no pick)."""
    x = draw * (1.0 + sum(weights)) - 1.0
    if x < 0:
        return None
    for j, w in enumerate(weights):
        x -= w
        if x < 0:
            return j
    return len(weights) - 1


def _choice_probability(z, req):
    """Exact chance that each shown event is registered under the two-round choice model."""
    w = np.exp(z)
    starts = np.r_[0, np.flatnonzero(np.diff(req)) + 1]
    sizes = np.diff(np.r_[starts, len(req)])
    total = np.repeat(1.0 + np.add.reduceat(w, starts), sizes)
    first = w / total
    rest = total - w  # the total weight left once this row has been chosen
    after = np.repeat(np.add.reduceat(first / rest, starts), sizes) - first / rest
    return first + SECOND_PICK * w * after


def _positions(req):
    """Display slot within each request (the rows of a request are contiguous)."""
    starts = np.r_[0, np.flatnonzero(np.diff(req)) + 1]
    sizes = np.diff(np.r_[starts, len(req)])
    return (np.arange(len(req)) - np.repeat(starts, sizes)).astype(np.int64)


def _bisect(rate_at, target):
    """The shift in [-30, 30] at which the increasing function ``rate_at`` reaches ``target``."""
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if rate_at(mid) < target else (lo, mid)
    return (lo + hi) / 2


def _solve_request_rate(z, req, rate):
    starts = np.r_[0, np.flatnonzero(np.diff(req)) + 1]

    def share(shift):
        total = np.add.reduceat(np.exp(z + shift), starts)
        return np.mean(total / (1.0 + total))

    return _bisect(share, rate)


def _solve_mean_rate(z, rate):
    return _bisect(lambda shift: np.mean(1.0 / (1.0 + np.exp(-(z + shift)))), rate)
