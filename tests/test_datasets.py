"""The generated data sets behind the demo and the docs."""
import numpy as np

import fastkmeans
from fastkmeans.datasets import blobs, tutorial_points


def test_tutorial_points_follow_the_tutorial_recipe():
    X = tutorial_points()
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert set(np.unique(X[:, 0]).tolist()) == {0.0, 1.0, 2.0, 3.0}
    assert X[:, 1].min() >= 0.0 and X[:, 1].max() < 10.0
    np.testing.assert_array_equal(X, tutorial_points())  # fixed seed


def test_blobs_are_recovered_by_a_fit():
    X, true_labels = blobs()
    result = fastkmeans.fit(X, 4, random_state=0)
    # each found cluster is exactly one true blob
    pairs = set(zip(result.labels.tolist(), true_labels.tolist(), strict=True))
    assert len(pairs) == 4
