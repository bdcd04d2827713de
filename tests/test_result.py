"""Results stay read-only, whatever the user does with them; warnings a
scikit-learn user filters are filtered."""
import copy
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import fastkmeans

COPIES = {
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "pickle": lambda value: pickle.loads(pickle.dumps(value)),
}


def _arrays(result):
    return [result.centers, result.labels, result.history.inertia,
            result.history.center_shift, result.history.seconds,
            result.history.distance_evaluations]


@pytest.mark.parametrize("how", COPIES)
def test_a_copied_result_is_read_only_and_equal(how):
    X, _ = fastkmeans.datasets.blobs()
    result = fastkmeans.fit(X, 4, random_state=0)
    copied = COPIES[how](result)
    assert type(copied) is fastkmeans.KMeansResult
    for original, array in zip(_arrays(result), _arrays(copied), strict=True):
        assert not array.flags.writeable
        np.testing.assert_array_equal(array, original)
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    assert (copied.inertia, copied.n_iter, copied.converged) == (
        result.inertia, result.n_iter, result.converged)
    with pytest.raises(AttributeError):
        copied.inertia = 0.0


@pytest.mark.parametrize("how", COPIES)
def test_a_copied_elbow_result_is_read_only(how):
    X, _ = fastkmeans.datasets.blobs()
    curve = COPIES[how](fastkmeans.elbow(X, range(1, 5), random_state=0, keep_fits=True))
    assert not curve.inertias.flags.writeable
    assert not any(centers.flags.writeable for centers in curve.centers)
    assert not curve.fit_for(2).labels.flags.writeable


def test_building_a_result_never_freezes_the_callers_arrays():
    centers, labels = np.zeros((2, 2)), np.zeros(3, dtype=np.int32)
    history = fastkmeans.FitHistory(*(np.zeros(1) for _ in range(4)))
    result = fastkmeans.KMeansResult(centers, labels, 0.0, 1, True, history)
    assert not result.centers.flags.writeable
    assert centers.flags.writeable and labels.flags.writeable


def test_sklearns_convergence_warning_filter_silences_ours():
    pytest.importorskip("sklearn")
    from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning

    X = np.zeros((10, 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", SklearnConvergenceWarning)
        fastkmeans.fit(X, 3, random_state=0)
        fastkmeans.KMeans(n_clusters=3, random_state=0).fit(X)
    assert caught == []
    with pytest.warns(SklearnConvergenceWarning, match="distinct clusters") as record:
        fastkmeans.fit(X, 3, random_state=0)
    assert issubclass(record[0].category, fastkmeans.ConvergenceWarning)


def test_without_sklearn_the_warning_is_ours_and_sklearn_stays_unimported():
    code = ("import sys, warnings, numpy as np, fastkmeans\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    warnings.simplefilter('always')\n"
            "    fastkmeans.fit(np.zeros((10, 2)), 3, random_state=0)\n"
            "assert w[0].category is fastkmeans.ConvergenceWarning, w[0].category\n"
            "assert 'sklearn' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
