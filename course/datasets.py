"""Datasets for the labs: loaders for data that ships offline and seeded generators.

Every generator follows scikit-learn's conventions: ``make_<thing>(n_samples, *, knobs...,
random_state=None)``, one numpy Generator for every draw, documented shapes, and extra outputs
(such as the ground truth a lab is checked against) only behind an opt-in flag.
Each chapter's data lives in a private module and is re-exported here.
"""
from . import _ads, _blurring, _events, _feed, _graph, _harmful, _listings, _notifications, _video, _visual, _watch
from ._ads import *  # noqa: F401,F403  (chapter 08)
from ._blurring import *  # noqa: F401,F403  (chapter 03)
from ._events import *  # noqa: F401,F403  (chapter 07)
from ._feed import *  # noqa: F401,F403  (chapter 10)
from ._graph import *  # noqa: F401,F403  (chapter 11)
from ._harmful import *  # noqa: F401,F403  (chapter 05)
from ._listings import *  # noqa: F401,F403  (chapter 09)
from ._notifications import *  # noqa: F401,F403  (chapter 01)
from ._video import *  # noqa: F401,F403  (chapter 04)
from ._visual import *  # noqa: F401,F403  (chapter 02)
from ._watch import *  # noqa: F401,F403  (chapter 06)

__all__ = sorted({*_notifications.__all__, *_visual.__all__, *_blurring.__all__, *_video.__all__,
                 *_harmful.__all__, *_watch.__all__, *_events.__all__, *_ads.__all__, *_listings.__all__,
                 *_feed.__all__, *_graph.__all__})
