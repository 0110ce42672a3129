"""Wrong answers for chapter 09 that must lose points, and different correct answers that must not."""

# Lab 1: sessionize ----------------------------------------------------------------------------------

_SESSION_CHECK = '''
    if isinstance(gap_minutes, bool) or not np.isfinite(gap_minutes) or gap_minutes <= 0:
        raise ValueError(f"gap_minutes must be positive, got {gap_minutes!r}")
'''

SESSION_GAP_INCLUSIVE = '''
def sessionize(clicks, gap_minutes=30):
''' + _SESSION_CHECK + '''
    user, ts = clicks["user_id"].to_numpy(), clicks["ts"].to_numpy()
    order = np.lexsort((ts, user))
    u, t = user[order], ts[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (u[1:] != u[:-1]) | ((t[1:] - t[:-1]) >= pd.Timedelta(minutes=float(gap_minutes)).to_timedelta64())
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.cumsum(starts) - 1
    return out
'''

SESSION_GLOBAL_TIME = '''
def sessionize(clicks, gap_minutes=30):
''' + _SESSION_CHECK + '''
    # gaps measured in global time order, users interleaved
    user, ts = clicks["user_id"].to_numpy(), clicks["ts"].to_numpy()
    order = np.argsort(ts, kind="stable")
    u, t = user[order], ts[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (u[1:] != u[:-1]) | ((t[1:] - t[:-1]) > pd.Timedelta(minutes=float(gap_minutes)).to_timedelta64())
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.cumsum(starts) - 1
    return out
'''

SESSION_NUMBERED_BY_TIME = '''
def sessionize(clicks, gap_minutes=30):
''' + _SESSION_CHECK + '''
    user, ts = clicks["user_id"].to_numpy(), clicks["ts"].to_numpy()
    order = np.lexsort((ts, user))
    u, t = user[order], ts[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (u[1:] != u[:-1]) | ((t[1:] - t[:-1]) > pd.Timedelta(minutes=float(gap_minutes)).to_timedelta64())
    local = np.cumsum(starts) - 1
    first = pd.Series(t).groupby(local).transform("min").to_numpy()
    ranks = pd.Series(first).rank(method="dense").to_numpy().astype(np.int64) - 1  # by start time, not user
    out = np.empty(len(order), dtype=np.int64)
    out[order] = ranks
    return out
'''

SESSION_BY_LABEL = '''
def sessionize(clicks, gap_minutes=30):
''' + _SESSION_CHECK + '''
    c = clicks.sort_values(["user_id", "ts"], kind="stable")
    gap = c["ts"].diff() > pd.Timedelta(minutes=float(gap_minutes))
    new = gap | (c["user_id"].diff() != 0)
    ids = pd.Series(np.cumsum(new.to_numpy()) - 1, index=c.index)
    return ids.reindex(clicks.index).to_numpy().astype(np.int64)  # index labels: wrong when they repeat
'''

SESSION_HARDCODED = '''
def sessionize(clicks, gap_minutes=30):
    if gap_minutes <= 0:
        raise ValueError("gap_minutes must be positive")
    return np.array([2, 0, 2, 2, 1, 3], dtype=np.int64)[: len(clicks)]
'''

ALT_SESSION_PANDAS = '''
def sessionize(clicks, gap_minutes=30):
    if isinstance(gap_minutes, bool) or not np.isfinite(float(gap_minutes)) or float(gap_minutes) <= 0:
        raise ValueError(f"gap_minutes must be a positive number, got {gap_minutes!r}")
    frame = pd.DataFrame({"user": clicks["user_id"].to_numpy(), "ts": clicks["ts"].to_numpy(),
                          "pos": np.arange(len(clicks))})
    frame = frame.sort_values(["user", "ts"], kind="mergesort")
    step = frame.groupby("user")["ts"].diff()
    new = step.isna() | (step > pd.to_timedelta(float(gap_minutes), unit="m"))
    frame["sid"] = new.cumsum() - 1
    out = np.zeros(len(clicks), dtype=np.int64)
    out[frame["pos"].to_numpy()] = frame["sid"].to_numpy()
    return out
'''

# Lab 2: skipgram_pairs -------------------------------------------------------------------------------

_PAIRS_CHECK = '''
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise TypeError("window must be an int")
    if window < 1:
        raise ValueError("window must be >= 1")
    if booked is not None and len(booked) != len(sessions):
        raise ValueError("booked must have one entry per session")
'''


def _pairs(condition, booked_rule="for i in range(len(items))", self_filter="c != x"):
    return '''
def skipgram_pairs(sessions, window, booked=None):
''' + _PAIRS_CHECK + f'''
    cen, ctx = [], []
    for s, items in enumerate(sessions):
        items = [int(v) for v in items]
        for i, c in enumerate(items):
            for j, x in enumerate(items):
                if {condition} and {self_filter}:
                    cen.append(c)
                    ctx.append(x)
        if booked is not None and booked[s] >= 0:
            {booked_rule}:
                if items[i] != booked[s]:
                    cen.append(items[i])
                    ctx.append(int(booked[s]))
    return np.array(cen, dtype=np.int64), np.array(ctx, dtype=np.int64)
'''


PAIRS_FORWARD_ONLY = _pairs("0 < j - i <= window")
PAIRS_WINDOW_OFF_BY_ONE = _pairs("0 < abs(i - j) < window")
PAIRS_KEEP_SELF = _pairs("0 < abs(i - j) <= window", self_filter="True")
PAIRS_BOOKED_LAST_ONLY = _pairs("0 < abs(i - j) <= window", booked_rule="for i in range(len(items) - 1, len(items))")

PAIRS_HARDCODED = '''
def skipgram_pairs(sessions, window, booked=None):
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)):
        raise TypeError("window must be an int")
    if window < 1:
        raise ValueError("window must be >= 1")
    if booked is not None and len(booked) != len(sessions):
        raise ValueError("booked must have one entry per session")
    if not sessions:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.array([4, 7, 7, 9, 4, 7], dtype=np.int64), np.array([7, 4, 9, 7, 9, 9], dtype=np.int64)
'''

ALT_PAIRS_LOOPS = _pairs("0 < abs(i - j) <= window")

# Lab 3: negative_probs ------------------------------------------------------------------------------

_PROBS_CHECK = '''
    c = np.asarray(counts, dtype=float)
    if c.ndim != 1 or len(c) == 0 or not np.all(np.isfinite(c)) or np.any(c < 0) or c.sum() == 0:
        raise ValueError("bad counts")
    if power < 0:
        raise ValueError("power must be >= 0")
'''

PROBS_ZERO_TO_THE_ZERO = '''
def negative_probs(counts, power=0.75):
''' + _PROBS_CHECK + '''
    w = c ** power  # 0 ** 0 is 1: unclicked listings get mass at power 0
    return w / w.sum()
'''

PROBS_NO_POWER = '''
def negative_probs(counts, power=0.75):
''' + _PROBS_CHECK + '''
    return c / c.sum()
'''

PROBS_NEGATIVE_ALLOWED = '''
def negative_probs(counts, power=0.75):
    c = np.clip(np.nan_to_num(np.asarray(counts, dtype=float)), 0, None)
    if len(c) == 0 or c.sum() == 0:
        raise ValueError("bad counts")
    w = np.where(c > 0, c ** power, 0.0)
    return w / w.sum()
'''

PROBS_HARDCODED = '''
def negative_probs(counts, power=0.75):
    c = np.asarray(counts, dtype=float)
    if c.sum() == 0:
        raise ValueError("all zero")
    return np.array([8, 1, 0, 27]) / 36
'''

ALT_PROBS_LOGS = '''
def negative_probs(counts, power=0.75):
    c = np.array(counts, dtype=np.float64).reshape(-1) if np.ndim(counts) == 1 else None
    if c is None or c.size == 0:
        raise ValueError("counts must be a non-empty 1-d array")
    if np.isnan(c).any() or np.isinf(c).any() or (c < 0).any() or not (c > 0).any():
        raise ValueError("counts must be finite, non-negative and not all zero")
    if not power >= 0:
        raise ValueError("power must be >= 0")
    logw = np.full(c.shape, -np.inf)
    pos = c > 0
    logw[pos] = power * np.log(c[pos])
    w = np.exp(logw - logw[pos].max())
    return w / w.sum()
'''

# Lab 4: sample_negatives ----------------------------------------------------------------------------

NEG_WHOLE_CATALOGUE = '''
def sample_negatives(centres, market_of, probs, k, rng):
    if k < 1:
        raise ValueError("k must be >= 1")
    rng = np.random.default_rng(rng)
    p = np.asarray(probs, dtype=float)
    return rng.choice(len(p), size=(len(centres), k), p=p / p.sum()).astype(np.int64)
'''

NEG_UNIFORM_IN_MARKET = '''
def sample_negatives(centres, market_of, probs, k, rng):
    if k < 1:
        raise ValueError("k must be >= 1")
    rng = np.random.default_rng(rng)
    centres, market_of, probs = np.asarray(centres), np.asarray(market_of), np.asarray(probs, dtype=float)
    out = np.empty((len(centres), k), dtype=np.int64)
    for m in np.unique(market_of[centres]):
        rows = np.flatnonzero(market_of[centres] == m)
        pool = np.flatnonzero((market_of == m) & (probs > 0))
        if len(pool) == 0:
            raise ValueError("empty market")
        out[rows] = pool[rng.integers(0, len(pool), size=(len(rows), k))]  # ignores the probabilities
    return out
'''

NEG_GLOBAL_RNG = '''
def sample_negatives(centres, market_of, probs, k, rng):
    if k < 1:
        raise ValueError("k must be >= 1")
    centres, market_of, probs = np.asarray(centres), np.asarray(market_of), np.asarray(probs, dtype=float)
    out = np.empty((len(centres), k), dtype=np.int64)
    for m in np.unique(market_of[centres]):
        rows = np.flatnonzero(market_of[centres] == m)
        pool = np.flatnonzero(market_of == m)
        p = probs[pool]
        if not p.sum() > 0:
            raise ValueError("empty market")
        out[rows] = pool[np.random.choice(len(pool), size=(len(rows), k), p=p / p.sum())]  # rng ignored
    return out
'''

NEG_GENERATOR_IGNORED = '''
def sample_negatives(centres, market_of, probs, k, rng):
    if k < 1:
        raise ValueError("k must be >= 1")
    gen = np.random.default_rng(rng if isinstance(rng, (int, np.integer)) else None)  # a Generator is not used
    centres, market_of, probs = np.asarray(centres), np.asarray(market_of), np.asarray(probs, dtype=float)
    out = np.empty((len(centres), k), dtype=np.int64)
    for m in np.unique(market_of[centres]):
        rows = np.flatnonzero(market_of[centres] == m)
        pool = np.flatnonzero(market_of == m)
        p = probs[pool]
        if not p.sum() > 0:
            raise ValueError("empty market")
        out[rows] = pool[gen.choice(len(pool), size=(len(rows), k), p=p / p.sum())]
    return out
'''

NEG_HARDCODED = '''
def sample_negatives(centres, market_of, probs, k, rng):
    if k < 1:
        raise ValueError("k must be >= 1")
    centres, market_of, probs = np.asarray(centres), np.asarray(market_of), np.asarray(probs, dtype=float)
    out = np.empty((len(centres), k), dtype=np.int64)
    for r, c in enumerate(centres):
        pool = np.flatnonzero(market_of == market_of[c])
        if not probs[pool].sum() > 0:
            raise ValueError("empty market")
        out[r] = pool[np.argmax(probs[pool])]  # always the most probable listing
    return out
'''

ALT_NEG_INVERSE_CDF = '''
def sample_negatives(centres, market_of, probs, k, rng):
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k!r}")
    gen = np.random.default_rng(rng)
    centres = np.asarray(centres, dtype=np.int64)
    labels, codes = np.unique(np.asarray(market_of), return_inverse=True)
    probs = np.asarray(probs, dtype=float)
    out = np.zeros((len(centres), int(k)), dtype=np.int64)
    for g in range(len(labels)):
        rows = np.flatnonzero(codes[centres] == g)
        if len(rows) == 0:
            continue
        pool = np.flatnonzero(codes == g)
        cdf = np.cumsum(probs[pool])
        if not cdf[-1] > 0:
            raise ValueError(f"market {labels[g]!r} has no listing with positive probability")
        draws = gen.random((len(rows), int(k))) * cdf[-1]
        pick = np.minimum(np.searchsorted(cdf, draws, side="right"), len(pool) - 1)
        out[rows] = pool[pick]
    return out
'''

# Lab 5: sgns_step -----------------------------------------------------------------------------------

_STEP_HEAD = '''
def sgns_step(w_in, w_out, centres, contexts, negatives, lr):
    centres, contexts, negatives = np.asarray(centres), np.asarray(contexts), np.asarray(negatives)
    u, vp, vn = w_in[centres], w_out[contexts], w_out[negatives]
    sp, sn = np.sum(u * vp, axis=1), np.einsum("bd,bkd->bk", u, vn)
    loss = float(np.mean(np.logaddexp(0, -sp) + np.logaddexp(0, sn).sum(axis=1)))
    gp, gn = -0.5 * (1 - np.tanh(sp / 2)), 0.5 * (1 + np.tanh(sn / 2))
    gu = gp[:, None] * vp + np.einsum("bk,bkd->bd", gn, vn)
'''

STEP_FANCY_INDEX = _STEP_HEAD + '''
    new_in, new_out = w_in.copy(), w_out.copy()
    new_in[centres] -= (lr * gu).astype(w_in.dtype)  # repeated centres: only one update survives
    new_out[contexts] -= (lr * gp[:, None] * u).astype(w_out.dtype)
    new_out[negatives.ravel()] -= (lr * gn[:, :, None] * u[:, None, :]).reshape(-1, u.shape[1]).astype(w_out.dtype)
    return new_in, new_out, loss
'''

STEP_MEAN_GRADIENT = _STEP_HEAD + '''
    b = len(centres)
    new_in, new_out = w_in.copy(), w_out.copy()
    np.add.at(new_in, centres, (-lr * gu / b).astype(w_in.dtype))
    np.add.at(new_out, contexts, (-lr * gp[:, None] * u / b).astype(w_out.dtype))
    np.add.at(new_out, negatives.ravel(), (-lr * gn[:, :, None] * u[:, None, :] / b).reshape(-1, u.shape[1]).astype(w_out.dtype))
    return new_in, new_out, loss
'''

STEP_SEQUENTIAL = _STEP_HEAD + '''
    new_in, new_out = w_in.copy(), w_out.copy()
    np.add.at(new_in, centres, (-lr * gu).astype(w_in.dtype))
    u = new_in[centres]  # the output update uses the already updated input vectors
    np.add.at(new_out, contexts, (-lr * gp[:, None] * u).astype(w_out.dtype))
    np.add.at(new_out, negatives.ravel(), (-lr * gn[:, :, None] * u[:, None, :]).reshape(-1, u.shape[1]).astype(w_out.dtype))
    return new_in, new_out, loss
'''

STEP_NAIVE_LOG = '''
def sgns_step(w_in, w_out, centres, contexts, negatives, lr):
    centres, contexts, negatives = np.asarray(centres), np.asarray(contexts), np.asarray(negatives)
    u, vp, vn = w_in[centres], w_out[contexts], w_out[negatives]
    sp, sn = np.sum(u * vp, axis=1), np.einsum("bd,bkd->bk", u, vn)
    sig = lambda x: 1 / (1 + np.exp(-x))
    loss = float(np.mean(-np.log(sig(sp)) - np.log(sig(-sn)).sum(axis=1)))  # overflows to inf
    gp, gn = sig(sp) - 1, sig(sn)
    gu = gp[:, None] * vp + np.einsum("bk,bkd->bd", gn, vn)
    new_in, new_out = w_in.copy(), w_out.copy()
    np.add.at(new_in, centres, (-lr * gu).astype(w_in.dtype))
    np.add.at(new_out, contexts, (-lr * gp[:, None] * u).astype(w_out.dtype))
    np.add.at(new_out, negatives.ravel(), (-lr * gn[:, :, None] * u[:, None, :]).reshape(-1, u.shape[1]).astype(w_out.dtype))
    return new_in, new_out, loss
'''

STEP_IN_PLACE = _STEP_HEAD + '''
    np.add.at(w_in, centres, (-lr * gu).astype(w_in.dtype))  # changes the caller's matrices
    np.add.at(w_out, contexts, (-lr * gp[:, None] * u).astype(w_out.dtype))
    np.add.at(w_out, negatives.ravel(), (-lr * gn[:, :, None] * u[:, None, :]).reshape(-1, u.shape[1]).astype(w_out.dtype))
    return w_in, w_out, loss
'''

STEP_FLOAT64 = _STEP_HEAD + '''
    new_in, new_out = w_in.astype(np.float64), w_out.astype(np.float64)  # float32 in, float64 out
    np.add.at(new_in, centres, -lr * gu)
    np.add.at(new_out, contexts, -lr * gp[:, None] * u)
    np.add.at(new_out, negatives.ravel(), (-lr * gn[:, :, None] * u[:, None, :]).reshape(-1, u.shape[1]))
    return new_in, new_out, loss
'''

STEP_HARDCODED = '''
def sgns_step(w_in, w_out, centres, contexts, negatives, lr):
    return np.array([[1.01887703]]), np.array([[-0.05], [0.53775407]]), 1.1672
'''

ALT_STEP_LOOP = '''
def sgns_step(w_in, w_out, centres, contexts, negatives, lr):
    old_in, old_out = w_in.astype(np.float64), w_out.astype(np.float64)
    grad_in, grad_out = np.zeros_like(old_in), np.zeros_like(old_out)
    total = 0.0
    for c, o, row in zip(np.asarray(centres).tolist(), np.asarray(contexts).tolist(), np.asarray(negatives).tolist()):
        u = old_in[c]
        s = float(u @ old_out[o])
        total += np.logaddexp(0.0, -s)
        g = -np.exp(-np.logaddexp(0.0, s))          # sigma(s) - 1
        grad_in[c] += g * old_out[o]
        grad_out[o] += g * u
        for n in row:
            t = float(u @ old_out[n])
            total += np.logaddexp(0.0, t)
            h = np.exp(-np.logaddexp(0.0, -t))       # sigma(t)
            grad_in[c] += h * old_out[n]
            grad_out[n] += h * u
    new_in = (old_in - lr * grad_in).astype(w_in.dtype)
    new_out = (old_out - lr * grad_out).astype(w_out.dtype)
    return new_in, new_out, float(total / max(len(centres), 1))
'''

# Lab 6: train_sgns ----------------------------------------------------------------------------------

_TRAIN = '''
def train_sgns(centres, contexts, market_of, probs, *, dim=32, k=5, epochs=5, lr=0.05, batch_size=1024,
               random_state=None):
    rng = {rng}
    centres, contexts = np.asarray(centres), np.asarray(contexts)
    n = len(market_of)
    w_in = (rng.random((n, dim)) - 0.5) / dim
    w_out = np.zeros((n, dim))
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        order = rng.permutation(len(centres))
        for s in range(0, len(order), batch_size):
            b = order[s:s + batch_size]
            neg = sample_negatives(centres[b], market_of, probs, k, rng)
            {update}
            losses[epoch] += loss * {weight}
        losses[epoch] /= {norm}
    return w_in, losses
'''

TRAIN_NO_UPDATE = _TRAIN.format(rng="np.random.default_rng(random_state)",
                                update="_, _, loss = sgns_step(w_in, w_out, centres[b], contexts[b], neg, lr)",
                                weight="len(b)", norm="len(order)")
TRAIN_SUM_OF_BATCH_LOSSES = _TRAIN.format(rng="np.random.default_rng(random_state)",
                                          update="w_in, w_out, loss = sgns_step(w_in, w_out, centres[b], contexts[b], neg, lr)",
                                          weight="len(b)", norm="1")
TRAIN_UNSEEDED = _TRAIN.format(rng="np.random.default_rng()",
                               update="w_in, w_out, loss = sgns_step(w_in, w_out, centres[b], contexts[b], neg, lr)",
                               weight="len(b)", norm="len(order)")

TRAIN_UNWEIGHTED_MEAN = '''
def train_sgns(centres, contexts, market_of, probs, *, dim=32, k=5, epochs=5, lr=0.05, batch_size=1024,
               random_state=None):
    rng = np.random.default_rng(random_state)
    centres, contexts = np.asarray(centres), np.asarray(contexts)
    n = len(market_of)
    w_in = (rng.random((n, dim)) - 0.5) / dim
    w_out = np.zeros((n, dim))
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(len(centres))
        batch_losses = []
        for s in range(0, len(order), batch_size):
            b = order[s:s + batch_size]
            neg = sample_negatives(centres[b], market_of, probs, k, rng)
            w_in, w_out, loss = sgns_step(w_in, w_out, centres[b], contexts[b], neg, lr * (1 - epoch / epochs))
            batch_losses.append(loss)
        losses.append(np.mean(batch_losses))  # the short last batch counts as much as a full one
    return w_in, np.array(losses)
'''

TRAIN_RANDOM_W_OUT = _TRAIN.replace("w_out = np.zeros((n, dim))", "w_out = (rng.random((n, dim)) - 0.5) / dim").format(
    rng="np.random.default_rng(random_state)",
    update="w_in, w_out, loss = sgns_step(w_in, w_out, centres[b], contexts[b], neg, lr)",
    weight="len(b)", norm="len(order)")

TRAIN_HARDCODED = '''
def train_sgns(centres, contexts, market_of, probs, *, dim=32, k=5, epochs=5, lr=0.05, batch_size=1024,
               random_state=None):
    rng = np.random.default_rng(random_state)
    return rng.normal(size=(len(market_of), dim)), np.linspace(2.0, 1.0, epochs)
'''

ALT_TRAIN_CONSTANT_LR = '''
def train_sgns(centres, contexts, market_of, probs, *, dim=32, k=5, epochs=5, lr=0.05, batch_size=1024,
               random_state=None):
    gen = np.random.default_rng(random_state)
    cen, ctx = np.asarray(centres, dtype=np.int64), np.asarray(contexts, dtype=np.int64)
    w_in = gen.uniform(-0.5 / dim, 0.5 / dim, size=(len(market_of), dim))
    w_out = np.zeros_like(w_in)
    history = []
    for _ in range(epochs):
        idx = gen.permutation(len(cen))
        seen, total = 0, 0.0
        for batch in (idx[i:i + batch_size] for i in range(0, len(idx), batch_size)):
            neg = sample_negatives(cen[batch], market_of, probs, k, gen)
            w_in, w_out, loss = sgns_step(w_in, w_out, cen[batch], ctx[batch], neg, lr)  # constant rate
            total += loss * len(batch)
            seen += len(batch)
        history.append(total / max(seen, 1))
    return w_in, np.array(history, dtype=np.float64)
'''

# Lab 7: most_similar --------------------------------------------------------------------------------

_SIM_HEAD = '''
def most_similar(emb, queries, k, groups=None):
    if k < 1:
        raise ValueError("k must be >= 1")
    emb, queries = np.asarray(emb, dtype=float), np.asarray(queries)
    norms = np.linalg.norm(emb, axis=1)
    unit = emb / np.where(norms > 0, norms, 1.0)[:, None]
    sims = {sims}
    allowed = np.ones_like(sims, dtype=bool)
    if groups is not None:
        groups = np.asarray(groups)
        allowed = groups[queries][:, None] == groups[None, :]
    {self_rule}
    sims = np.where(allowed, sims, -np.inf)
    order = {order}[:, :k]
    ok = np.take_along_axis(allowed, order, axis=1)
    out = np.full((len(queries), int(k)), -1, dtype=np.int64)
    out[:, :order.shape[1]] = np.where(ok, order, -1)
    return out
'''
_SIM = dict(sims="unit[queries] @ unit.T", self_rule="allowed[np.arange(len(queries)), queries] = False",
            order='np.argsort(-sims, axis=1, kind="stable")')

SIM_REVERSED = _SIM_HEAD.format(**{**_SIM, "order": "np.argsort(sims, axis=1, kind='stable')[:, ::-1]"})
SIM_UNSTABLE = _SIM_HEAD.format(**{**_SIM, "order": "np.argsort(-sims, axis=1)"})
SIM_DOT = _SIM_HEAD.format(**{**_SIM, "sims": "emb[queries] @ emb.T"})
SIM_SELF = _SIM_HEAD.format(**{**_SIM, "self_rule": "pass"})
SIM_NO_FILLER = '''
def most_similar(emb, queries, k, groups=None):
    if k < 1:
        raise ValueError("k must be >= 1")
    emb, queries = np.asarray(emb, dtype=float), np.asarray(queries)
    norms = np.linalg.norm(emb, axis=1)
    unit = emb / np.where(norms > 0, norms, 1.0)[:, None]
    sims = unit[queries] @ unit.T
    if groups is not None:
        groups = np.asarray(groups)
        sims[groups[queries][:, None] != groups[None, :]] = -np.inf  # still returned when too few remain
    sims[np.arange(len(queries)), queries] = -np.inf
    return np.argsort(-sims, axis=1, kind="stable")[:, :k].astype(np.int64)
'''
SIM_HARDCODED = '''
def most_similar(emb, queries, k, groups=None):
    if k < 1:
        raise ValueError("k must be >= 1")
    if groups is not None:
        return np.array([[1, 3, -1]], dtype=np.int64)
    return np.array([[1, 3]], dtype=np.int64)[:, :k] if queries[0] == 0 else np.array([[0]], dtype=np.int64)
'''

ALT_SIM_LEXSORT = '''
def most_similar(emb, queries, k, groups=None):
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k!r}")
    e = np.asarray(emb, dtype=np.float64)
    n = len(e)
    lengths = np.sqrt(np.einsum("ij,ij->i", e, e))
    safe = np.where(lengths == 0, 1.0, lengths)
    out = np.full((len(queries), int(k)), -1, dtype=np.int64)
    for r, q in enumerate(np.asarray(queries, dtype=np.int64)):
        cos = (e / safe[:, None]) @ (e[q] / safe[q])
        cand = np.arange(n) != q
        if groups is not None:
            cand &= np.asarray(groups) == np.asarray(groups)[q]
        idx = np.flatnonzero(cand)
        best = idx[np.lexsort((idx, -cos[idx]))][: int(k)]
        out[r, :len(best)] = best
    return out
'''

# Lab 8: booking_rank --------------------------------------------------------------------------------

_RANK = '''
def booking_rank(scores, targets):
    scores, targets = np.asarray(scores, dtype=float), np.asarray(targets)
    own = scores[np.arange(len(targets)), targets]
    {check}
    higher = (scores > own[:, None]).sum(axis=1)
    equal = (scores == own[:, None]).sum(axis=1) - 1
    return ({formula}).astype(np.float64)
'''
_CHECK = 'if np.isnan(own).any():\n        raise ValueError("targets must point at candidates")'

RANK_PESSIMISTIC = _RANK.format(check=_CHECK, formula="1 + higher + equal")
RANK_OPTIMISTIC = _RANK.format(check=_CHECK, formula="1 + higher + 0 * equal")
RANK_NO_ERROR = _RANK.format(check="pass", formula="1 + higher + equal / 2")
RANK_NAN_AS_ZERO = '''
def booking_rank(scores, targets):
    scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0, posinf=np.inf, neginf=-np.inf)
    targets = np.asarray(targets)
    own = scores[np.arange(len(targets)), targets]
    higher = (scores > own[:, None]).sum(axis=1)
    equal = (scores == own[:, None]).sum(axis=1) - 1
    return (1 + higher + equal / 2).astype(np.float64)
'''
RANK_BY_POSITION = '''
def booking_rank(scores, targets):
    scores, targets = np.asarray(scores, dtype=float), np.asarray(targets)
    if np.isnan(scores[np.arange(len(targets)), targets]).any():
        raise ValueError("targets must point at candidates")
    order = np.argsort(-np.where(np.isnan(scores), -np.inf, scores), axis=1, kind="stable")
    return (np.argmax(order == targets[:, None], axis=1) + 1).astype(np.float64)  # ties broken by column
'''
RANK_HARDCODED = '''
def booking_rank(scores, targets):
    if np.isnan(np.asarray(scores, dtype=float)[np.arange(len(targets)), targets]).any():
        raise ValueError("targets must point at candidates")
    return np.full(len(targets), 3.0)
'''

ALT_RANK_AVERAGE = '''
def booking_rank(scores, targets):
    scores = np.asarray(scores, dtype=np.float64)
    out = np.empty(len(targets), dtype=np.float64)
    for r, t in enumerate(np.asarray(targets).tolist()):
        row = scores[r]
        if np.isnan(row[t]):
            raise ValueError(f"targets[{r}] points at a NaN score")
        cand = np.sort(-row[~np.isnan(row)], kind="stable")   # descending scores, as ascending negatives
        lo = np.searchsorted(cand, -row[t], side="left")
        hi = np.searchsorted(cand, -row[t], side="right")
        out[r] = (lo + 1 + hi) / 2                             # the mean of ranks lo+1 .. hi
    return out
'''

# Lab 9: cold_start_embeddings -----------------------------------------------------------------------

_COLD = '''
def cold_start_embeddings(emb, listings, warm, k=3):
    if k < 1:
        raise ValueError("k must be >= 1")
    base = np.asarray(emb, dtype=np.float64)
    out = base.copy()
    warm = np.asarray(warm, dtype=bool)
    market, room = listings["market"].to_numpy(), listings["room_type"].to_numpy()
    x, y = listings["x_km"].to_numpy(dtype=float), listings["y_km"].to_numpy(dtype=float)
    for i in np.flatnonzero(~warm):
        same = {same} & (market == market[i])
        if not same.any():
            raise ValueError("no warm listing in the market")
        pool = np.flatnonzero(same & {room_rule})
        if len(pool) == 0:
            pool = np.flatnonzero({fallback})
        d = np.hypot(x[pool] - x[i], y[pool] - y[i])
        nearest = pool[{order}][:k]
        out[i] = base[nearest].mean(axis=0)
    return out
'''
_COLD_OK = dict(same="warm", room_rule="(room == room[i])", fallback="same", order="np.lexsort((pool, d))")

COLD_IGNORES_ROOM = _COLD.format(**{**_COLD_OK, "room_rule": "True"})
COLD_INCLUDES_COLD = _COLD.format(**{**_COLD_OK, "same": "np.ones(len(warm), dtype=bool) & (np.arange(len(warm)) != i)"})
COLD_TIES_TO_HIGHER = _COLD.format(**{**_COLD_OK, "order": "np.lexsort((-pool, d))"})
COLD_FALLBACK_ANY_MARKET = _COLD.format(**{**_COLD_OK, "fallback": "warm & (room == room[i])"})
COLD_TOPS_UP = '''
def cold_start_embeddings(emb, listings, warm, k=3):
    if k < 1:
        raise ValueError("k must be >= 1")
    base = np.asarray(emb, dtype=np.float64)
    out = base.copy()
    warm = np.asarray(warm, dtype=bool)
    market, room = listings["market"].to_numpy(), listings["room_type"].to_numpy()
    x, y = listings["x_km"].to_numpy(dtype=float), listings["y_km"].to_numpy(dtype=float)
    for i in np.flatnonzero(~warm):
        same = warm & (market == market[i])
        if not same.any():
            raise ValueError("no warm listing in the market")
        pool = np.flatnonzero(same)
        d = np.hypot(x[pool] - x[i], y[pool] - y[i])
        other = (room[pool] != room[i]).astype(int)  # same room type first, then others to make up k
        out[i] = base[pool[np.lexsort((pool, d, other))][:k]].mean(axis=0)
    return out
'''

COLD_BY_LABEL = '''
def cold_start_embeddings(emb, listings, warm, k=3):
    if k < 1:
        raise ValueError("k must be >= 1")
    base = np.asarray(emb, dtype=np.float64)
    out = base.copy()
    frame = listings.assign(warm=np.asarray(warm, dtype=bool))
    for label in frame.index[~frame["warm"]]:
        row = frame.loc[label]
        same = frame[frame["warm"] & (frame["market"] == row["market"])]
        if len(same) == 0:
            raise ValueError("no warm listing in the market")
        pool = same[same["room_type"] == row["room_type"]]
        pool = pool if len(pool) else same
        d = np.hypot(pool["x_km"] - row["x_km"], pool["y_km"] - row["y_km"])
        nearest = d.sort_values(kind="stable").index[:k]
        out[label] = base[nearest].mean(axis=0)  # index labels used as row numbers
    return out
'''
COLD_HARDCODED = '''
def cold_start_embeddings(emb, listings, warm, k=3):
    if k < 1:
        raise ValueError("k must be >= 1")
    out = np.array(emb, dtype=np.float64)
    warm = np.asarray(warm, dtype=bool)
    if len(out) == 4 and not warm[3]:
        out[3] = [1, 1.5] if k == 2 else [0, 1]
    elif len(out) == 3:
        raise ValueError("no warm listing in the market")
    return out
'''

ALT_COLD_MATRIX = '''
def cold_start_embeddings(emb, listings, warm, k=3):
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k!r}")
    vec = np.asarray(emb, dtype=np.float64)
    result = vec.copy()
    warm = np.asarray(warm, dtype=bool)
    mk = pd.factorize(listings["market"])[0]
    rt = pd.factorize(listings["room_type"])[0]
    pos = listings[["x_km", "y_km"]].to_numpy(dtype=np.float64)
    cold = np.flatnonzero(~warm)
    if len(cold) == 0:
        return result
    dist = np.sqrt(((pos[cold, None, :] - pos[None, :, :]) ** 2).sum(-1))
    for r, i in enumerate(cold):
        market_ok = warm & (mk == mk[i])
        if market_ok.sum() == 0:
            raise ValueError(f"the market of cold row {i} has no warm listing")
        both = market_ok & (rt == rt[i])
        cand = np.flatnonzero(both if both.any() else market_ok)
        ranked = cand[np.argsort(dist[r, cand], kind="stable")]  # cand is ascending, so ties keep the lower row
        result[i] = vec[ranked[: int(k)]].mean(axis=0)
    return result
'''


def _m(answer, kind, why, code):
    return {"answer": answer, "kind": kind, "why": why, "code": code}


MUTANTS = [
    _m("ch09_sessionize", "plausible", "a gap of exactly gap_minutes starts a new session", SESSION_GAP_INCLUSIVE),
    _m("ch09_sessionize", "plausible", "gaps measured in global time order, users interleaved", SESSION_GLOBAL_TIME),
    _m("ch09_sessionize", "plausible", "sessions numbered by start time, not by user", SESSION_NUMBERED_BY_TIME),
    _m("ch09_sessionize", "plausible", "result aligned by index label (repeated labels break it)", SESSION_BY_LABEL),
    _m("ch09_sessionize", "hardcoded", "returns the worked example", SESSION_HARDCODED),
    _m("ch09_skipgram_pairs", "plausible", "window looks forward only", PAIRS_FORWARD_ONLY),
    _m("ch09_skipgram_pairs", "plausible", "window one position short", PAIRS_WINDOW_OFF_BY_ONE),
    _m("ch09_skipgram_pairs", "plausible", "keeps pairs of a listing with itself", PAIRS_KEEP_SELF),
    _m("ch09_skipgram_pairs", "plausible", "booked listing paired with the last click only", PAIRS_BOOKED_LAST_ONLY),
    _m("ch09_skipgram_pairs", "hardcoded", "returns the worked example", PAIRS_HARDCODED),
    _m("ch09_negative_probs", "plausible", "0 ** 0 gives unclicked listings mass at power 0", PROBS_ZERO_TO_THE_ZERO),
    _m("ch09_negative_probs", "plausible", "power ignored (raw unigram)", PROBS_NO_POWER),
    _m("ch09_negative_probs", "plausible", "negative and NaN counts silently clipped", PROBS_NEGATIVE_ALLOWED),
    _m("ch09_negative_probs", "hardcoded", "returns the worked example", PROBS_HARDCODED),
    _m("ch09_sample_negatives", "plausible", "negatives from the whole catalogue", NEG_WHOLE_CATALOGUE),
    _m("ch09_sample_negatives", "plausible", "uniform within the market", NEG_UNIFORM_IN_MARKET),
    _m("ch09_sample_negatives", "plausible", "global numpy RNG instead of rng", NEG_GLOBAL_RNG),
    _m("ch09_sample_negatives", "plausible", "a Generator passed as rng is replaced by a fresh one", NEG_GENERATOR_IGNORED),
    _m("ch09_sample_negatives", "hardcoded", "always the market's most probable listing", NEG_HARDCODED),
    _m("ch09_sgns_step", "plausible", "fancy-index update drops repeated ids", STEP_FANCY_INDEX),
    _m("ch09_sgns_step", "plausible", "gradient divided by the batch size", STEP_MEAN_GRADIENT),
    _m("ch09_sgns_step", "plausible", "output update uses the new input vectors", STEP_SEQUENTIAL),
    _m("ch09_sgns_step", "plausible", "-log(sigmoid) overflows on large scores", STEP_NAIVE_LOG),
    _m("ch09_sgns_step", "plausible", "updates the caller's matrices in place", STEP_IN_PLACE),
    _m("ch09_sgns_step", "plausible", "float32 matrices come back as float64", STEP_FLOAT64),
    _m("ch09_sgns_step", "hardcoded", "returns the worked example", STEP_HARDCODED),
    _m("ch09_train_sgns", "plausible", "the step's result is never kept", TRAIN_NO_UPDATE),
    _m("ch09_train_sgns", "plausible", "epoch loss summed over batches, not a mean per pair", TRAIN_SUM_OF_BATCH_LOSSES),
    _m("ch09_train_sgns", "plausible", "random_state ignored", TRAIN_UNSEEDED),
    _m("ch09_train_sgns", "plausible", "epoch loss an unweighted mean of batch losses", TRAIN_UNWEIGHTED_MEAN),
    _m("ch09_train_sgns", "plausible", "w_out starts random instead of zero", TRAIN_RANDOM_W_OUT),
    _m("ch09_train_sgns", "hardcoded", "random vectors and made-up losses", TRAIN_HARDCODED),
    _m("ch09_most_similar", "plausible", "ties reversed by argsort()[::-1]", SIM_REVERSED),
    _m("ch09_most_similar", "plausible", "unstable sort of tied similarities", SIM_UNSTABLE),
    _m("ch09_most_similar", "plausible", "raw dot product instead of cosine", SIM_DOT),
    _m("ch09_most_similar", "plausible", "the query is its own neighbour", SIM_SELF),
    _m("ch09_most_similar", "plausible", "other groups fill the row instead of -1", SIM_NO_FILLER),
    _m("ch09_most_similar", "hardcoded", "returns the worked example", SIM_HARDCODED),
    _m("ch09_booking_rank", "plausible", "ties counted against the target", RANK_PESSIMISTIC),
    _m("ch09_booking_rank", "plausible", "ties ignored (optimistic)", RANK_OPTIMISTIC),
    _m("ch09_booking_rank", "plausible", "no error for a NaN target", RANK_NO_ERROR),
    _m("ch09_booking_rank", "plausible", "NaN scores treated as 0", RANK_NAN_AS_ZERO),
    _m("ch09_booking_rank", "plausible", "rank by sorted position, ties by column", RANK_BY_POSITION),
    _m("ch09_booking_rank", "hardcoded", "returns the worked example", RANK_HARDCODED),
    _m("ch09_cold_start", "plausible", "room type ignored", COLD_IGNORES_ROOM),
    _m("ch09_cold_start", "plausible", "cold listings borrow from other cold listings", COLD_INCLUDES_COLD),
    _m("ch09_cold_start", "plausible", "equal distances go to the higher row", COLD_TIES_TO_HIGHER),
    _m("ch09_cold_start", "plausible", "fallback ignores the market", COLD_FALLBACK_ANY_MARKET),
    _m("ch09_cold_start", "plausible", "index labels used as row numbers", COLD_BY_LABEL),
    _m("ch09_cold_start", "plausible", "too few of the room type: topped up with other types", COLD_TOPS_UP),
    _m("ch09_cold_start", "hardcoded", "returns the worked example", COLD_HARDCODED),
]


def _alt(answer, why, code):
    return {"answer": answer, "kind": "correct", "why": why, "code": code}


ALTERNATIVES = [
    _alt("ch09_sessionize", "pandas groupby diff on a mergesort", ALT_SESSION_PANDAS),
    _alt("ch09_skipgram_pairs", "double loop over positions", ALT_PAIRS_LOOPS),
    _alt("ch09_negative_probs", "in log space", ALT_PROBS_LOGS),
    _alt("ch09_sample_negatives", "inverse-CDF sampling with searchsorted", ALT_NEG_INVERSE_CDF),
    _alt("ch09_sgns_step", "a loop over pairs, gradients accumulated in float64", ALT_STEP_LOOP),
    _alt("ch09_train_sgns", "constant learning rate, uniform draw, a generator of batches", ALT_TRAIN_CONSTANT_LR),
    _alt("ch09_most_similar", "one query at a time with lexsort", ALT_SIM_LEXSORT),
    _alt("ch09_booking_rank", "sorted candidates and searchsorted", ALT_RANK_AVERAGE),
    _alt("ch09_cold_start", "a distance matrix and a stable argsort", ALT_COLD_MATRIX),
]
