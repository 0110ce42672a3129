"""Seeded holiday-rental marketplace (listings and a search click log): the running example of chapter 09."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["RentalMarketplace", "make_rental_marketplace", "true_similarity", "LISTING_MARKETS",
           "ROOM_TYPES", "LISTING_STYLES"]

# (name, share of searches, neighbourhoods): fictional holiday destinations.
LISTING_MARKETS = (
    ("Saltbay", 0.34, 9),
    ("Pinegate", 0.24, 7),
    ("Old Harbour", 0.18, 7),
    ("Marlow Peaks", 0.14, 5),
    ("Sunreach", 0.10, 5),
)
ROOM_TYPES = ("shared room", "studio", "apartment", "house", "cabin", "villa")
# Hidden styles (what kind of stay a listing offers) and how likely each is to be each room type.
LISTING_STYLES = ("budget", "business", "romantic", "family", "group", "nature", "design", "luxury")
_STYLE_ROOMS = np.array([
    # shared, studio, apartment, house, cabin, villa
    [0.45, 0.35, 0.15, 0.03, 0.02, 0.00],  # budget
    [0.00, 0.45, 0.50, 0.03, 0.00, 0.02],  # business
    [0.00, 0.30, 0.35, 0.05, 0.20, 0.10],  # romantic
    [0.00, 0.02, 0.30, 0.50, 0.10, 0.08],  # family
    [0.05, 0.00, 0.20, 0.55, 0.05, 0.15],  # group
    [0.02, 0.03, 0.05, 0.20, 0.65, 0.05],  # nature
    [0.00, 0.35, 0.50, 0.10, 0.00, 0.05],  # design
    [0.00, 0.02, 0.18, 0.20, 0.05, 0.55],  # luxury
])
_STYLE_PRICE = np.array([45, 110, 130, 150, 190, 120, 140, 380], float)  # median nightly price
_ROOM_CAPACITY = np.array([1, 2, 3, 5, 4, 8], float)  # typical guests per room type
START = pd.Timestamp("2026-05-04")  # a Monday
DIM = 8
# The true next-click kernel (see make_rental_marketplace's docstring).
COEF = {"style": 4.0, "distance_km": 2.5, "taste": 1.0, "popularity": 0.3, "first_popularity": 1.2}


@dataclass
class RentalMarketplace:
    """The tables of a simulated holiday-rental marketplace.

    Attributes
    ----------
    listings : DataFrame
        One row per listing, by ``listing_id`` (int64): ``market``, ``neighbourhood`` and
        ``room_type`` (str), ``price`` (float64, per night), ``capacity`` (int64, guests),
        ``x_km``, ``y_km`` (float64, position east and north of the market's centre) and
        ``created_at`` (datetime64; listings created during the window are the cold-start ones).
    clicks : DataFrame
        One row per listing opened from search, sorted by ``ts``: ``user_id``, ``listing_id``
        (int64), ``ts`` (datetime64) and ``booked`` (int64 0/1: 1 on the row where a search ended in a
        booking of that listing; it is the last row of its search).
    """

    listings: pd.DataFrame
    clicks: pd.DataFrame

    def __repr__(self) -> str:
        return (f"RentalMarketplace(listings={len(self.listings):,}, clicks={len(self.clicks):,}, "
                f"bookings={int(self.clicks['booked'].sum()):,})")


def make_rental_marketplace(n_listings=3000, *, n_users=2500, n_sessions=9000, n_days=28, new_listing_rate=0.08,
                            booking_rate=0.3, mean_clicks=6.0, return_truth=False, random_state=None):
    """Generate listings in five markets and a click log of search sessions, some ending in a booking.

    The generative process, step by step:

    1. **Listings** belong to five fictional markets (``LISTING_MARKETS``) in proportion to their
       search share, and within a market to one of its neighbourhoods (a few neighbourhoods hold
       most listings). Positions scatter about 0.8 km around the neighbourhood's centre, which sits
       a few km from the market's centre. Each listing has a hidden **style** (``LISTING_STYLES``,
       some neighbourhoods lean to some styles) and a hidden unit vector ``latent`` in 8 dimensions
       drawn around its style's direction. Observable attributes follow the style: the room type
       (``ROOM_TYPES``, drawn from a style-specific mix), the nightly price (log-normal around the
       style's median, dearer near the centre) and the capacity (around the room type's). Each
       listing has a long-tailed popularity. ``new_listing_rate`` of the listings are created during
       the last quarter of the window (cold start); the others exist from the start.
    2. **Users** have a long-tailed activity, one destination market (chosen by search share) and a
       hidden taste: a unit vector mixing one or two styles' directions.
    3. **Sessions** (``n_sessions`` of them) are a user's searches, one to a few per user, on days
       spread through the window and hours apart. The first listing opened is drawn with weight
       ``exp(taste . latent + 1.2 * popularity)`` among the listings of the market that exist at that
       moment (search results favour popular listings, which gives clicks their long tail). From
       listing ``c`` the next one is ``j`` with weight ::

           exp(4.0 * latent_c . latent_j - km(c, j) / 2.5 + 1.0 * taste . latent_j + 0.3 * popularity_j)

       among the market's existing listings not yet opened in the session. So clicks follow latent
       similarity and location. A session holds a geometric number of clicks (mean ``mean_clicks``, at
       most 40); consecutive clicks are a log-normal gap apart (median about 70 s, almost always under
       25 minutes; one gap in 200 is a pause of 30 to 60 minutes, so a 30-minute inactivity rule
       splits that search in two).
    4. **Bookings**: with probability ``booking_rate`` the search ends in a booking: one of the
       opened listings, chosen with weight ``exp(3 * taste . latent + 0.3 * popularity)``, is opened once
       more 1 to 10 minutes after the last click and that row carries ``booked = 1``.

    The true similarity of two listings is the next-click score ``4.0 * latent_a . latent_b -
    km(a, b) / 2.5`` within a market (minus infinity across markets); ``true_similarity`` computes it.

    Parameters
    ----------
    n_listings : int, default=3000
        Number of listings, 100 to 100,000.
    n_users : int, default=2500
        Number of users, 10 to 1,000,000.
    n_sessions : int, default=9000
        Number of search sessions, 10 to 1,000,000 (each user has at least one when
        ``n_sessions >= n_users``; users without a session simply do not appear).
    n_days : int, default=28
        Length of the window in days, 4 to 365, starting Monday 2026-05-04.
    new_listing_rate : float, default=0.08
        Share of listings created during the last quarter of the window, 0 to 1.
    booking_rate : float, default=0.3
        Probability that a session ends in a booking, 0 to 1.
    mean_clicks : float, default=6.0
        Mean number of listings opened per session (bookings not counted), 1 to 30.
    return_truth : bool, default=False
        Also return a dict with the hidden variables (see Returns).
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    marketplace : RentalMarketplace
        ``listings`` and ``clicks`` (see ``RentalMarketplace``).
    truth : dict, only if ``return_truth``
        Per listing: ``"latent"`` (n_listings x 8 unit vectors), ``"style"`` (int64 index into
        ``LISTING_STYLES``), ``"popularity"``, ``"market"`` (int64 index into ``LISTING_MARKETS``),
        ``"xy"`` (n_listings x 2, km), ``"new"`` (bool). Per click row (aligned with
        ``marketplace.clicks``): ``"session"`` (int64, the true search each row belongs to). Per
        session: ``"session_user"``. Per user: ``"taste"`` (n_users x 8). Settings: ``"coef"``,
        ``"start"``, ``"new_from"`` (the time from which new listings appear), ``"n_days"``.

    Examples
    --------
    >>> market = make_rental_marketplace(300, n_users=200, n_sessions=500, random_state=0)
    >>> list(market.clicks.columns)
    ['user_id', 'listing_id', 'ts', 'booked']
    """
    n_listings = check_int("n_listings", n_listings, low=100, high=100_000)
    n_users = check_int("n_users", n_users, low=10, high=1_000_000)
    n_sessions = check_int("n_sessions", n_sessions, low=10, high=1_000_000)
    n_days = check_int("n_days", n_days, low=4, high=365)
    new_rate = check_float("new_listing_rate", new_listing_rate, low=0, high=1)
    booking_rate = check_float("booking_rate", booking_rate, low=0, high=1)
    mean_clicks = check_float("mean_clicks", mean_clicks, low=1, high=30)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    shares = np.array([m[1] for m in LISTING_MARKETS])
    shares = shares / shares.sum()
    n_styles = len(LISTING_STYLES)

    # 1. listings
    style_dir = _unit(rng.normal(size=(n_styles, DIM)))
    market = rng.choice(len(LISTING_MARKETS), size=n_listings, p=shares)
    hood_of, hood_xy, hood_style, hood_names = [], [], [], []
    for m, (name, _, n_hoods) in enumerate(LISTING_MARKETS):
        radius = rng.uniform(0.5, 6.0, size=n_hoods)
        angle = rng.uniform(0, 2 * np.pi, size=n_hoods)
        hood_xy.append(np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1))
        hood_style.append(rng.dirichlet(np.full(n_styles, 0.8), size=n_hoods))
        hood_names.append([f"{name} {k + 1}" for k in range(n_hoods)])
    hood = np.zeros(n_listings, dtype=np.int64)
    for m, (_, _, n_hoods) in enumerate(LISTING_MARKETS):
        idx = np.flatnonzero(market == m)
        weight = 1.0 / np.arange(1, n_hoods + 1) ** 0.8
        hood[idx] = rng.choice(n_hoods, size=len(idx), p=weight / weight.sum())
    mix = np.stack([hood_style[m][h] for m, h in zip(market, hood)])
    style = _draw_rows(rng, 0.5 * mix + 0.5 / n_styles)
    latent = _unit(style_dir[style] + 0.45 * rng.normal(size=(n_listings, DIM)) / np.sqrt(DIM))
    room = _draw_rows(rng, _STYLE_ROOMS[style])
    centre = np.stack([hood_xy[m][h] for m, h in zip(market, hood)])
    xy = centre + rng.normal(0.0, 0.8, size=(n_listings, 2))
    km_from_centre = np.hypot(xy[:, 0], xy[:, 1])
    price = np.round(_STYLE_PRICE[style] * np.exp(rng.normal(0.0, 0.35, n_listings) - 0.04 * km_from_centre))
    capacity = np.maximum(1, np.round(_ROOM_CAPACITY[room] * np.exp(rng.normal(0, 0.3, n_listings))))
    popularity = rng.normal(0.0, 0.9, size=n_listings)
    new = rng.random(n_listings) < new_rate
    new_from = 0.75 * n_days
    created = np.where(new, rng.uniform(new_from, n_days, size=n_listings), -rng.uniform(30, 900, n_listings))

    # 2. users
    activity = np.exp(rng.normal(0.0, 0.9, size=n_users))
    u_market = rng.choice(len(LISTING_MARKETS), size=n_users, p=shares)
    first, second = rng.integers(0, n_styles, n_users), rng.integers(0, n_styles, n_users)
    w = np.where(rng.random(n_users) < 0.5, 1.0, rng.uniform(0.3, 0.7, n_users))[:, None]
    taste = _unit(w * style_dir[first] + (1 - w) * style_dir[second] + 0.3 * rng.normal(size=(n_users, DIM))
                  / np.sqrt(DIM))

    # 3. sessions: who, when, how many clicks
    s_user = _session_users(rng, n_sessions, activity)
    s_start = _session_starts(rng, s_user, n_users, n_days)
    s_len = np.minimum(rng.geometric(1.0 / mean_clicks, size=n_sessions), 40)
    sessions = _play_sessions(rng, s_user, s_start, s_len, u_market, market, latent, xy, popularity, taste,
                              created)

    # 4. timestamps and bookings
    rows_s, rows_l, rows_t, rows_b = [], [], [], []
    book = rng.random(n_sessions) < booking_rate
    for s, opened in enumerate(sessions):
        n = len(opened)
        gaps = np.exp(rng.normal(np.log(70.0), 1.0, size=n - 1)).clip(3, 25 * 60)
        pause = rng.random(n - 1) < 0.005
        gaps[pause] = rng.uniform(30 * 60, 60 * 60, size=int(pause.sum()))
        t = s_start[s] * 86400.0 + np.r_[0.0, np.cumsum(gaps)]
        rows_s.append(np.full(n, s))
        rows_l.append(opened)
        rows_t.append(t)
        rows_b.append(np.zeros(n, np.int64))
        if book[s]:
            score = 3.0 * latent[opened] @ taste[s_user[s]] + COEF["popularity"] * popularity[opened]
            pick = opened[np.argmax(score + rng.gumbel(size=n))]
            rows_s.append(np.array([s]))
            rows_l.append(np.array([pick]))
            rows_t.append(np.array([t[-1] + rng.uniform(60, 600)]))
            rows_b.append(np.array([1]))
    s_col, l_col = np.concatenate(rows_s), np.concatenate(rows_l)
    t_col, b_col = np.round(np.concatenate(rows_t)), np.concatenate(rows_b)
    order = np.lexsort((np.arange(len(t_col)), t_col))
    s_col, l_col, t_col, b_col = s_col[order], l_col[order], t_col[order], b_col[order]

    def stamp(days):
        return START + pd.to_timedelta(np.round(np.asarray(days, dtype=float) * 86400.0), unit="s")

    names = np.array([m[0] for m in LISTING_MARKETS], dtype=object)
    hoods = np.array([hood_names[m][h] for m, h in zip(market, hood)], dtype=object)
    listings = pd.DataFrame({
        "listing_id": np.arange(n_listings, dtype=np.int64),
        "market": pd.array(names[market], dtype="str"),
        "neighbourhood": pd.array(hoods, dtype="str"),
        "room_type": pd.array(np.array(ROOM_TYPES, dtype=object)[room], dtype="str"),
        "price": price.astype(float),
        "capacity": capacity.astype(np.int64),
        "x_km": xy[:, 0],
        "y_km": xy[:, 1],
        "created_at": stamp(created),
    })
    clicks = pd.DataFrame({
        "user_id": s_user[s_col].astype(np.int64),
        "listing_id": l_col.astype(np.int64),
        "ts": START + pd.to_timedelta(t_col, unit="s"),
        "booked": b_col.astype(np.int64),
    })
    marketplace = RentalMarketplace(listings, clicks)
    if not return_truth:
        return marketplace
    truth = {
        "latent": latent, "style": style.astype(np.int64), "popularity": popularity,
        "market": market.astype(np.int64), "xy": xy, "new": new, "session": s_col.astype(np.int64),
        "session_user": s_user.astype(np.int64), "taste": taste, "coef": dict(COEF), "start": START,
        "new_from": stamp(new_from), "n_days": n_days,
    }
    return marketplace, truth


def true_similarity(truth, a, b):
    """The generator's similarity of listings ``a`` and ``b`` (ids, broadcast): ``4 latent_a . latent_b -
    km / 2.5`` within a market, ``-inf`` across markets."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    lat, xy = truth["latent"], truth["xy"]
    score = COEF["style"] * np.sum(lat[a] * lat[b], axis=-1)
    km = np.hypot(xy[a, 0] - xy[b, 0], xy[a, 1] - xy[b, 1])
    out = score - km / COEF["distance_km"]
    return np.where(truth["market"][a] == truth["market"][b], out, -np.inf)


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _draw_rows(rng, probs):
    """One categorical draw per row of ``probs`` (rows sum to 1)."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((rng.random(len(probs))[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def _session_users(rng, n_sessions, activity):
    """Every user gets one session while there are enough, the rest go by activity (long-tailed)."""
    n_users = len(activity)
    base = rng.permutation(n_users)[: min(n_users, n_sessions)]
    extra = rng.choice(n_users, size=n_sessions - len(base), p=activity / activity.sum())
    return rng.permutation(np.r_[base, extra]).astype(np.int64)


def _session_starts(rng, s_user, n_users, n_days):
    """Start day (float) of each session: a user's searches cluster around their own planning days,
    at least three hours apart, mostly in the evening."""
    anchor = rng.uniform(0, n_days - 1, size=n_users)
    start = np.clip(anchor[s_user] + rng.normal(0, 2.5, size=len(s_user)), 0, n_days - 1)
    day = np.floor(start)
    hour = np.clip(rng.normal(19.5, 3.5, size=len(s_user)), 7, 23.2)
    start = day + hour / 24.0
    order = np.lexsort((start, s_user))
    su, st = s_user[order], start[order].copy()
    for i in range(1, len(order)):  # push apart a user's searches that would overlap
        if su[i] == su[i - 1] and st[i] < st[i - 1] + 3 / 24:
            st[i] = st[i - 1] + 3 / 24 + rng.uniform(0, 4 / 24)
    out = np.empty_like(start)
    out[order] = st
    return out


def _play_sessions(rng, s_user, s_start, s_len, u_market, market, latent, xy, popularity, taste, created):
    """The listings each session opens, in order (Gumbel-max draws, vectorised over sessions)."""
    sessions = [None] * len(s_user)
    for m in range(len(LISTING_MARKETS)):
        ids = np.flatnonzero(market == m)
        mine = np.flatnonzero(u_market[s_user] == m)
        if len(mine) == 0:
            continue
        if len(ids) == 0:
            raise ValueError(f"market {LISTING_MARKETS[m][0]!r} has no listing: raise n_listings")
        lat, pos = latent[ids], xy[ids]
        km = np.hypot(pos[:, None, 0] - pos[None, :, 0], pos[:, None, 1] - pos[None, :, 1])
        kernel = COEF["style"] * lat @ lat.T - km / COEF["distance_km"]
        for chunk in np.array_split(mine, max(1, len(mine) // 1500)):
            base = COEF["taste"] * taste[s_user[chunk]] @ lat.T + COEF["popularity"] * popularity[ids][None, :]
            entry = base + (COEF["first_popularity"] - COEF["popularity"]) * popularity[ids][None, :]
            closed = created[ids][None, :] > s_start[chunk][:, None]  # not yet listed
            if closed.all(axis=1).any():
                closed[closed.all(axis=1)] = False
            steps = s_len[chunk]
            path = np.full((len(chunk), steps.max()), -1, dtype=np.int64)
            seen = closed.copy()
            cur = np.zeros(len(chunk), dtype=np.int64)
            for t in range(steps.max()):
                act = np.flatnonzero(steps > t)
                logit = entry[act] if t == 0 else base[act] + kernel[cur[act]]
                logit = np.where(seen[act], -np.inf, logit) + rng.gumbel(size=(len(act), len(ids)))
                nxt = np.argmax(logit, axis=1)
                ok = np.isfinite(logit[np.arange(len(act)), nxt])
                path[act[ok], t] = nxt[ok]
                seen[act, nxt] = True
                cur[act] = nxt
            for row, s in enumerate(chunk):
                p = path[row]
                sessions[s] = ids[p[p >= 0]]
    return sessions
