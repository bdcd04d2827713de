"""One input policy for every public entry point (``_validation.read_array``).

The same input gets the same answer from the functions (fit, predict,
silhouette_score, kmeans_plusplus, center_distances, elbow) and the
estimators (KMeans, MiniBatchKMeans): accepted alike, or refused with a
message naming X.
"""
import warnings

import numpy as np
import pytest

import fastkmeans

rng = np.random.default_rng(0)
DATA = np.round(rng.normal(size=(60, 3)) * 4)  # integers: exact in Int64 too
CENTERS = DATA[:3]
LABELS = np.arange(60) % 3

ENTRY_POINTS = {
    "fit": lambda X: fastkmeans.fit(X, 3, init=CENTERS, max_iter=5).labels,
    "predict": lambda X: fastkmeans.predict(X, CENTERS),
    "silhouette_score": lambda X: fastkmeans.silhouette_score(X, LABELS),
    "kmeans_plusplus": lambda X: fastkmeans.kmeans_plusplus(X, 3, random_state=0)[0],
    "center_distances": lambda X: fastkmeans.center_distances(X, CENTERS),
    "elbow": lambda X: fastkmeans.elbow(X, range(1, 3), random_state=0).inertias,
    "KMeans": lambda X: fastkmeans.KMeans(3, init=CENTERS, n_init=1, max_iter=5).fit(X).labels_,
    "KMeans.predict": lambda X: fastkmeans.KMeans(3, init=CENTERS, n_init=1, max_iter=5)
    .fit(DATA).predict(X),
    "MiniBatchKMeans": lambda X: fastkmeans.MiniBatchKMeans(3, init=CENTERS, n_init=1,
                                                            random_state=0).fit(X).labels_,
}


def _call(name, X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ENTRY_POINTS[name](X)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("kind", ["Int64", "Float64", "object"])
def test_nullable_and_object_input_accepted_alike(name, kind):
    if kind == "object":
        X = DATA.astype(object)
    else:
        pd = pytest.importorskip("pandas")
        X = pd.DataFrame(DATA).astype(kind)
    np.testing.assert_array_equal(_call(name, X), _call(name, DATA))


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_missing_value_in_nullable_column_refused(name):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(DATA).astype("Float64")
    X.iloc[4, 1] = pd.NA
    with pytest.raises(ValueError, match=r"X contains nan at row 4, column 1"):
        _call(name, X)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_masked_array_refused(name):
    X = np.ma.masked_array(DATA, mask=np.zeros_like(DATA, dtype=bool))
    X[0, 0] = np.ma.masked
    with pytest.raises(TypeError, match="X is a masked array"):
        _call(name, X)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_ragged_list_names_x(name):
    with pytest.raises(ValueError, match=r"X could not be read as a numeric array"):
        _call(name, [[1.0, 2.0, 3.0], [1.0, 2.0]] * 30)


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_non_numeric_object_array_names_x(name):
    X = DATA.astype(object)
    X[2, 2] = "a"
    with pytest.raises((TypeError, ValueError), match="X has dtype object and is not numeric"):
        _call(name, X)


@pytest.mark.parametrize("call", [
    lambda X: fastkmeans.fit(X, 3).labels,
    lambda X: fastkmeans.KMeans(3).fit(X).labels_,
    lambda X: fastkmeans.predict(X, X[:3]),
])
def test_underflowing_scale_warns_honestly(call):
    X = (DATA * 1e-40).astype(np.float32)  # squared distances below float32's smallest normal
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(X)
    messages = [str(w.message) for w in caught]
    assert any("underflow float32" in message for message in messages), messages
    # not the misleading "the data hold fewer distinct points"
    assert not any("fewer distinct points" in message for message in messages), messages


def test_small_but_representable_scale_still_clusters():
    X = (DATA * 1e-15).astype(np.float32)
    result = fastkmeans.fit(X, 3, init=X[:3], max_iter=5)
    expected = fastkmeans.fit(DATA.astype(np.float32), 3, init=DATA[:3].astype(np.float32),
                              max_iter=5)
    np.testing.assert_array_equal(result.labels, expected.labels)


def _misaligned(array):
    """A copy of ``array`` one byte past an aligned address (as bytes read from
    a socket or ``np.frombuffer`` with an offset may be)."""
    raw = np.zeros(array.nbytes + 1, np.uint8)
    out = np.frombuffer(raw.data, array.dtype, array.size, offset=1).reshape(array.shape)
    out[...] = array
    assert not out.flags.aligned
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_misaligned_input_gives_the_aligned_result(dtype):
    # the kernels never read misaligned values (undefined behaviour in C,
    # which UBSan reports): such input is copied first
    rng = np.random.default_rng(7)
    X = rng.normal(size=(500, 5)).astype(dtype)
    weights = rng.uniform(0.5, 2.0, size=500)
    init = X[:4].copy()
    expected = fastkmeans.fit(X, 4, init=init, sample_weight=weights, max_iter=20)
    got = fastkmeans.fit(_misaligned(X), 4, init=_misaligned(init),
                         sample_weight=_misaligned(weights), max_iter=20)
    assert got.n_iter == expected.n_iter
    np.testing.assert_array_equal(got.labels, expected.labels)
    np.testing.assert_array_equal(got.centers, expected.centers)
    np.testing.assert_array_equal(fastkmeans.predict(_misaligned(X), expected.centers),
                                  expected.labels)
    from fastkmeans._validation import check_data, check_sample_weight
    assert check_data(_misaligned(X), 1)[0].array.flags.aligned
    assert check_sample_weight(_misaligned(weights), 500, 4, 1).flags.aligned
