"""A real film catalogue and a seeded log of search queries against it: the running example of chapter 04.

``load_films`` reads a trimmed copy of the Wikidata film catalogue that ships with the course
(``course/data/films.csv.gz``, CC0; provenance in ``films.csv.gz.LICENSE.md``). ``make_video_queries``
simulates what a video platform's search log and rating programme would give you for that catalogue:
queries typed by users, graded relevance labels from human raters, and the similarity scores of a
text-to-video embedding model (the "visual" signal that looks at frames rather than metadata).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_bool, check_float, check_int, check_random_state

__all__ = ["load_films", "make_video_queries"]

DATA_DIR = Path(__file__).resolve().parent / "data"
_TEXT_COLUMNS = ("imdb_id", "title", "genres", "director", "cast", "country", "language")
_INT_COLUMNS = ("film_id", "year", "rt_meter", "rt_reviews")

# How users name a genre. The first phrase is the catalogue's own word; the others are what people type.
_GENRE_PHRASES = {
    "Action": [("action", 5), ("explosive action", 1), ("shootout", 1)],
    "Adventure": [("adventure", 4), ("quest", 1), ("expedition", 1)],
    "Animation": [("animation", 2), ("animated", 3), ("cartoon", 2), ("anime", 1)],
    "Biography": [("biography", 2), ("biopic", 3), ("true story", 2)],
    "Comedy": [("comedy", 4), ("funny", 3), ("hilarious", 1), ("comedies", 1)],
    "Crime": [("crime", 4), ("gangster", 2), ("heist", 1), ("mafia", 1)],
    "Documentary": [("documentary", 4), ("documentaries", 2), ("doc", 1), ("real life", 1)],
    "Drama": [("drama", 4), ("dramatic", 1), ("tearjerker", 1)],
    "Family": [("family", 3), ("kids", 3), ("children", 1)],
    "Fantasy": [("fantasy", 4), ("magic", 2), ("wizards", 1)],
    "History": [("history", 2), ("historical", 3), ("period piece", 1)],
    "Horror": [("horror", 4), ("scary", 3), ("creepy", 1), ("slasher", 1)],
    "Musical": [("musical", 4), ("musicals", 1), ("song and dance", 1)],
    "Mystery": [("mystery", 4), ("whodunit", 1), ("detective", 2)],
    "Romance": [("romance", 3), ("romantic", 4), ("love story", 2)],
    "Sci-Fi": [("sci-fi", 4), ("scifi", 2), ("science fiction", 2), ("space", 1), ("futuristic", 1)],
    "Sport": [("sport", 2), ("sports", 3), ("boxing", 1)],
    "Thriller": [("thriller", 4), ("suspense", 2), ("thrillers", 1), ("tense", 1)],
    "War": [("war", 5), ("wartime", 1), ("battlefield", 1)],
    "Western": [("western", 4), ("westerns", 1), ("cowboy", 2)],
}
_COUNTRY_WORDS = {
    "France": ["french"], "Italy": ["italian"], "Japan": ["japanese"], "India": ["indian", "bollywood"],
    "South Korea": ["korean", "south korean"], "Germany": ["german"], "Spain": ["spanish"],
    "United Kingdom": ["british", "uk"], "Hong Kong": ["hong kong"], "Mexico": ["mexican"],
    "Sweden": ["swedish"], "Denmark": ["danish"], "Canada": ["canadian"], "Australia": ["australian"],
}
_DECADE_WORDS = {1940: ["1940s", "40s", "forties"], 1950: ["1950s", "50s", "fifties"],
                 1960: ["1960s", "60s", "sixties"], 1970: ["1970s", "70s", "seventies"],
                 1980: ["1980s", "80s", "eighties"], 1990: ["1990s", "90s", "nineties"],
                 2000: ["2000s", "noughties"], 2010: ["2010s", "recent"]}
_DECADES = tuple(sorted(_DECADE_WORDS))
_INTENTS = ("title", "person", "topic")


def load_films(*, as_frame=True):
    """Load 5,000 films from the Wikidata film catalogue (CC0), the "videos" of chapter 04.

    The films are the most-reviewed ones of each decade from 1940 to 2014 (300 per decade before
    1980, 400 from the 1980s, 600 from the 1990s, the rest from 2000-2014), so the catalogue has a
    long tail of older titles next to a modern head. Multi-valued fields are joined with ``"|"``.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, return a DataFrame. If False, return a dict mapping each column name to a numpy
        array (object arrays for the text columns).

    Returns
    -------
    films : DataFrame of shape (5000, 12) or dict
        ``film_id`` (int64, 0..4999, equal to the row position), ``imdb_id``, ``title`` (str),
        ``year`` (int64), ``genres``, ``director`` (at most three), ``cast`` (at most four names,
        the most prominent ones across the whole catalogue first), ``country``, ``language`` (str,
        ``"|"``-separated, possibly empty), ``runtime`` (float64 minutes, NaN if unknown),
        ``rt_meter`` (int64, critics' approval in percent) and ``rt_reviews`` (int64, number of
        critics' reviews, a popularity proxy).

    Examples
    --------
    >>> films = load_films()
    >>> films.shape
    (5000, 12)
    """
    as_frame = check_bool("as_frame", as_frame)
    films = pd.read_csv(DATA_DIR / "films.csv.gz", compression="gzip", keep_default_na=False,
                        na_values={"runtime": [""]})
    for col in _TEXT_COLUMNS:
        films[col] = films[col].astype(str)
    for col in _INT_COLUMNS:
        films[col] = films[col].astype(np.int64)
    films["runtime"] = films["runtime"].astype(np.float64)
    if as_frame:
        return films
    return {col: (films[col].to_numpy(dtype=object) if col in _TEXT_COLUMNS else films[col].to_numpy())
            for col in films.columns}


def make_video_queries(n_queries=300, *, films=None, intent_mix=(0.35, 0.2, 0.45), visual_quality=1.0,
                       return_truth=False, random_state=None):
    """Simulate a search log over a film catalogue: queries, graded relevance and visual scores.

    Three kinds of query are drawn, in the proportions of ``intent_mix``:

    * ``"title"`` (known item): a film chosen in proportion to its popularity, typed the way users
      type titles (lower case, often without accents, sometimes shortened or with the year added).
      The film is graded 3; other films whose title contains the typed words (sequels, remakes) 1.
    * ``"person"``: a director or cast member, by full or last name, sometimes with "movies".
      Every film they directed or appear in (in the catalogue's fields) is graded 2.
    * ``"topic"``: one or two genres, sometimes with a decade and a nationality, phrased in the
      words users choose ("scary", "romantic", "80s", "british"), which are often not the
      catalogue's words. A film matching every facet is graded 2, or 3 if it has at most two
      genres (a central example); one matching the genres but not every modifier (or one genre of
      two) is graded 1.

    The visual scores imitate a text-to-video embedding model (think of a CLIP-style dual
    encoder over sampled frames). Each film has an embedding driven by its genres, its decade
    (film stock, colour, aspect ratio) and an idiosyncratic part; each query has one driven by its
    genres and decade, by its target film when the film is famous, or by the typical genres of a
    person. The model understands synonyms but cannot read names or nationalities. Scores are
    cosine similarities mapped to a CLIP-like range (about 0.1-0.4) with a per-query offset, so
    they live on a very different scale from text-retrieval scores.

    Parameters
    ----------
    n_queries : int, default=300
        Number of queries, 10 to 20000.
    films : DataFrame or None
        The catalogue, with the columns of :func:`load_films`; by default ``load_films()``.
    intent_mix : tuple of 3 floats, default=(0.35, 0.2, 0.45)
        Shares of title, person and topic queries (non-negative, normalised to sum to one).
    visual_quality : float, default=1.0
        Strength of the visual model's signal relative to its noise, in (0, 10]. 2 is a much better
        model, 0.5 a weaker one.
    return_truth : bool, default=False
        Also return a dict with each query's facets, the target film of title queries, and the
        generator's settings.
    random_state : int, numpy Generator or None
        Seed for the one generator every draw goes through.

    Returns
    -------
    queries : DataFrame of shape (n_queries, 3)
        ``query_id`` (int64, 0..n_queries-1), ``text`` (str), ``intent`` (category).
    qrels : DataFrame
        One row per (query, film) with a positive grade: ``query_id``, ``film_id`` (int64),
        ``grade`` (int64, 1-3), sorted by query_id then film_id. Every query has at least one.
    visual : ndarray of shape (n_queries, n_films), float32
        ``visual[q, j]`` is the visual model's score of the j-th row of ``films`` for query ``q``.
    truth : dict, only if ``return_truth``

    Examples
    --------
    >>> queries, qrels, visual = make_video_queries(50, random_state=0)
    >>> queries.shape, visual.shape
    ((50, 3), (50, 5000))
    """
    n = check_int("n_queries", n_queries, low=10, high=20000)
    mix = _check_mix(intent_mix)
    quality = check_float("visual_quality", visual_quality, low=0, high=10, low_open=True)
    return_truth = check_bool("return_truth", return_truth)
    rng = check_random_state("random_state", random_state)
    films = load_films() if films is None else _check_films(films)

    cat = _Catalogue(films)
    if mix[1] > 0 and cat.person_p is None:
        raise ValueError("films has no person credited on two or more films: set intent_mix[1] to 0")
    space = _VisualSpace(cat, rng)
    intents = rng.choice(len(_INTENTS), size=n, p=mix)
    texts, facets, grades, qvecs = [], [], [], []
    for q in range(n):
        intent = _INTENTS[intents[q]]
        text, facet, grade = getattr(cat, f"draw_{intent}")(rng)
        texts.append(text)
        facets.append(facet)
        grades.append(grade)
        qvecs.append(space.query_vector(intent, facet, rng))
    visual = space.scores(np.array(qvecs), quality, rng)

    queries = pd.DataFrame({"query_id": np.arange(n, dtype=np.int64), "text": pd.Series(texts, dtype=str),
                            "intent": pd.Categorical.from_codes(intents, _INTENTS)})
    rows = [(q, int(cat.film_id[j]), int(g))
            for q, grade in enumerate(grades) for j, g in sorted(grade.items())]
    qrels = pd.DataFrame(rows, columns=["query_id", "film_id", "grade"]).astype(np.int64)
    if not return_truth:
        return queries, qrels, visual
    truth = {"facets": facets, "intent_mix": tuple(mix), "visual_quality": quality,
             "film_embeddings": space.films.astype(np.float32), "query_embeddings": np.array(qvecs)}
    return queries, qrels, visual, truth


def _check_mix(intent_mix) -> np.ndarray:
    try:
        mix = np.asarray(intent_mix, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"intent_mix must be three numbers, got {intent_mix!r}") from None
    if mix.shape != (3,) or not np.all(np.isfinite(mix)) or np.any(mix < 0) or mix.sum() <= 0:
        raise ValueError(f"intent_mix must be three non-negative numbers with a positive sum, "
                         f"got {intent_mix!r}")
    return mix / mix.sum()


def _check_films(films) -> pd.DataFrame:
    if not isinstance(films, pd.DataFrame):
        raise TypeError(f"films must be a DataFrame from load_films(), got {type(films).__name__}")
    missing = [c for c in ("film_id", "title", "year", "genres", "director", "cast", "country", "rt_reviews")
               if c not in films.columns]
    if missing:
        raise ValueError(f"films is missing the column(s) {missing}")
    if len(films) < 50:
        raise ValueError(f"films must have at least 50 rows, got {len(films)}")
    return films.reset_index(drop=True)


def _fold(text: str) -> str:
    """Lower case without accents: what users type."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _words(text: str) -> list[str]:
    out, word = [], []
    for ch in _fold(text).replace("'", "").replace("\u2019", ""):
        if ch.isascii() and ch.isalnum():
            word.append(ch)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return out


def _split(value: str) -> list[str]:
    return [v for v in str(value).split("|") if v]


def _pick(rng, phrases):
    words, weights = zip(*phrases)
    w = np.asarray(weights, dtype=float)
    return words[rng.choice(len(words), p=w / w.sum())]


class _Catalogue:
    """Per-film facts the query generator needs, computed once."""

    def __init__(self, films: pd.DataFrame):
        self.film_id = films["film_id"].to_numpy(dtype=np.int64)
        self.titles = films["title"].astype(str).tolist()
        self.title_words = [set(_words(t)) for t in self.titles]
        self.years = films["year"].to_numpy(dtype=np.int64)
        self.decade = np.clip(self.years // 10 * 10, _DECADES[0], _DECADES[-1])
        self.genres = [set(_split(g)) & set(_GENRE_PHRASES) for g in films["genres"]]
        self.n_genres = np.array([len(_split(g)) for g in films["genres"]])
        self.countries = [set(_split(c)) for c in films["country"]]
        pop = films["rt_reviews"].to_numpy(dtype=float)
        self.popularity = pop / pop.sum()
        self.fame = np.clip(pop / 250.0, 0.0, 1.0)
        people: dict[str, list[int]] = {}
        for j, (d, c) in enumerate(zip(films["director"], films["cast"])):
            for name in {*_split(d), *_split(c)}:
                people.setdefault(name, []).append(j)
        self.people = sorted((name, js) for name, js in people.items()
                             if len(js) >= 2 and len(_words(name)) >= 2)
        weight = np.array([pop[js].sum() for _, js in self.people], dtype=float)
        self.person_p = weight / weight.sum() if len(weight) and weight.sum() > 0 else None
        self.genre_mask = {g: np.array([g in gs for gs in self.genres]) for g in _GENRE_PHRASES}

    def draw_title(self, rng):
        j = int(rng.choice(len(self.titles), p=self.popularity))
        title = self.titles[j]
        u = rng.random()
        if u < 0.2 and (":" in title or " - " in title):
            title = title.replace(" - ", ":").split(":")[0]
        elif u < 0.35 and title.lower().startswith(("the ", "a ")) and len(title.split()) > 2:
            title = title.split(" ", 1)[1]
        text = _fold(title) if rng.random() < 0.6 else title.lower()
        typed = set(_words(text))
        extra = rng.random()
        if extra < 0.12:
            text = f"{text} {self.years[j]}"
        elif extra < 0.2:
            text = f"{text} {'movie' if rng.random() < 0.5 else 'film'}"
        grade = {k: 1 for k, words in enumerate(self.title_words) if typed and typed <= words and k != j}
        grade[j] = 3
        return text, {"intent": "title", "film": j}, grade

    def draw_person(self, rng):
        name, js = self.people[int(rng.choice(len(self.people), p=self.person_p))]
        text = _fold(name) if rng.random() < 0.7 else name.lower()
        if rng.random() < 0.25:
            text = text.split()[-1]
        if rng.random() < 0.3:
            text = f"{text} {'movies' if rng.random() < 0.6 else 'films'}"
        genres = [g for j in js for g in self.genres[j]]
        facet = {"intent": "person", "person": name, "films": list(js), "genres": genres}
        return text, facet, {j: 2 for j in js}

    def draw_topic(self, rng):
        for _ in range(100):
            seed = int(rng.choice(len(self.titles), p=self.popularity))
            own = sorted(self.genres[seed] - {"Music"})
            if own:
                break
        n_g = 2 if len(own) >= 2 and rng.random() < 0.3 else 1
        genres = list(rng.choice(own, size=n_g, replace=False))
        decade = int(self.decade[seed]) if rng.random() < 0.35 else None
        nations = [c for c in sorted(self.countries[seed]) if c in _COUNTRY_WORDS]
        nation = str(rng.choice(nations)) if nations and rng.random() < 0.35 else None

        words = [_pick(rng, _GENRE_PHRASES[g]) for g in genres]
        if nation:
            words.insert(0, str(rng.choice(_COUNTRY_WORDS[nation])))
        if rng.random() < 0.4:
            words.append("movies" if rng.random() < 0.6 else "films")
        if decade is not None:
            word = str(rng.choice(_DECADE_WORDS[decade]))
            if rng.random() < 0.5:
                words.insert(0, word)
            else:
                words.append(f"from the {word}")
        text = " ".join(words)

        hits = np.sum([self.genre_mask[g] for g in genres], axis=0)
        modifiers = np.ones(len(self.titles), dtype=bool)
        if decade is not None:
            modifiers &= self.decade == decade
        if nation:
            modifiers &= np.array([nation in cs for cs in self.countries])
        full = (hits == n_g) & modifiers
        partial = ((hits == n_g) & ~modifiers) | ((hits == n_g - 1) & (hits > 0) & modifiers)
        grade = {int(j): (3 if self.n_genres[j] <= 2 else 2) for j in np.flatnonzero(full)}
        grade.update({int(j): 1 for j in np.flatnonzero(partial)})
        facet = {"intent": "topic", "genres": genres, "decade": decade, "nation": nation}
        return text, facet, grade


class _VisualSpace:
    """A latent space in which films and queries are embedded by a simulated text-to-video model."""

    DIM = 48

    def __init__(self, cat: _Catalogue, rng):
        self.cat = cat
        self.genre_dir = {g: _unit(rng.normal(size=self.DIM)) for g in sorted(_GENRE_PHRASES)}
        steps = [rng.normal(size=self.DIM)]
        for _ in _DECADES[1:]:
            steps.append(steps[-1] + 0.8 * rng.normal(size=self.DIM))
        self.decade_dir = {d: _unit(v) for d, v in zip(_DECADES, steps)}
        rows = []
        for gs, d in zip(cat.genres, cat.decade):
            v = sum((self.genre_dir[g] for g in sorted(gs)), np.zeros(self.DIM)) / np.sqrt(max(len(gs), 1))
            rows.append(v + 0.55 * self.decade_dir[int(d)])
        base = np.array(rows)
        self.films = _unit(base + 0.6 * rng.normal(size=base.shape) / np.sqrt(self.DIM), axis=1)

    def query_vector(self, intent, facet, rng):
        if intent == "topic":
            v = sum(self.genre_dir[g] for g in facet["genres"])
            if facet["decade"] is not None:
                v = v + 0.8 * self.decade_dir[facet["decade"]]
            return _unit(v + 0.4 * rng.normal(size=self.DIM) / np.sqrt(self.DIM))
        if intent == "title":
            j = facet["film"]
            known = 0.2 + 1.3 * self.cat.fame[j]  # the model knows famous titles better
            return _unit(known * self.films[j] + 0.8 * _unit(rng.normal(size=self.DIM)))
        typical = _unit(np.mean(self.films[facet["films"]], axis=0))
        return _unit(0.6 * typical + 0.8 * _unit(rng.normal(size=self.DIM)))

    def scores(self, qvecs, quality, rng):
        cos = qvecs @ self.films.T
        noise = rng.normal(size=cos.shape)
        offset = rng.normal(0.0, 0.02, size=(len(qvecs), 1))
        scale = rng.uniform(0.06, 0.1, size=(len(qvecs), 1))
        raw = 0.22 + offset + scale * (cos + 0.18 / quality * noise)
        return raw.astype(np.float32)


def _unit(v, axis=None):
    norm = np.linalg.norm(v, axis=axis, keepdims=axis is not None)
    return v / np.maximum(norm, 1e-12)
