from __future__ import annotations

import numpy as np
from hypothesis import given

from tests.core.crowds import crowds
from touchpoints.core.common_ground import common_ground
from touchpoints.core.plans.objective import pair_values
from touchpoints.core.topics import event_topics


@given(crowds)
def test_pair_values_equal_common_ground_for_every_pair(crowd):
    vocabulary = event_topics(crowd)

    values = pair_values(vocabulary)

    ids = vocabulary.attendee_ids
    expected = np.array(
        [
            [(g.score if a != b and (g := common_ground(vocabulary, a, b)) else 0.0) for b in ids]
            for a in ids
        ]
    )
    assert np.allclose(values, expected, atol=1e-9)
    assert np.allclose(values, values.T)
