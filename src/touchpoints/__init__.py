"""Touchpoints: find one real point of common interest between the people at an event.

The library is plain functions over plain data::

    >>> import touchpoints as tp
    >>> crowd = [tp.Attendee("1", "Ann", interests=("Arsenal",)),
    ...          tp.Attendee("2", "Bo", interests=("Premier League",))]
    >>> vocabulary = tp.event_topics(crowd)
    >>> tp.common_ground(vocabulary, "1", "2").topic.label
    'English football'
"""

from __future__ import annotations

__version__ = "0.1.0"

from touchpoints.core.acquaintance import AcquaintanceMap, acquaintances
from touchpoints.core.candidates import TopMatches, best_matches, top_matches
from touchpoints.core.common_ground import CommonGround, GroundKind, common_ground
from touchpoints.core.embedding import Embedder, MiniLMEmbedder, default_embedder
from touchpoints.core.model import (
    Acquaintance,
    AcquaintanceReason,
    Attendee,
    Interest,
    InterestSource,
)
from touchpoints.core.topics import (
    Membership,
    RelatedTopics,
    Topic,
    TopicKind,
    Vocabulary,
    event_topics,
    interests_of,
    specificity,
)
from touchpoints.errors import (
    ColumnMappingError,
    EmbeddingModelError,
    ImportRowsError,
    InfeasiblePlanError,
    InputFileError,
    RowProblem,
    TouchpointsError,
)
from touchpoints.files.registrations import (
    ImportResult,
    read_registrations,
    read_registrations_path,
)

__all__ = [
    "Acquaintance",
    "AcquaintanceMap",
    "AcquaintanceReason",
    "Attendee",
    "ColumnMappingError",
    "CommonGround",
    "Embedder",
    "EmbeddingModelError",
    "GroundKind",
    "ImportResult",
    "ImportRowsError",
    "InfeasiblePlanError",
    "InputFileError",
    "Interest",
    "InterestSource",
    "Membership",
    "MiniLMEmbedder",
    "RelatedTopics",
    "RowProblem",
    "TopMatches",
    "Topic",
    "TopicKind",
    "TouchpointsError",
    "Vocabulary",
    "__version__",
    "acquaintances",
    "best_matches",
    "common_ground",
    "default_embedder",
    "event_topics",
    "interests_of",
    "read_registrations",
    "read_registrations_path",
    "specificity",
    "top_matches",
]
