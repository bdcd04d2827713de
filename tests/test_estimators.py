"""fastkmeans.KMeans / MiniBatchKMeans as scikit-learn estimators."""
import importlib.util
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from helpers import make_blobs, random_weights

import fastkmeans
from fastkmeans import KMeans, MiniBatchKMeans

ESTIMATORS = [KMeans, MiniBatchKMeans]


def test_import_does_not_import_sklearn_and_unfitted_error_without_it():
    code = (
        "import sys, numpy as np, fastkmeans\n"
        "assert 'sklearn' not in sys.modules\n"
        "km = fastkmeans.KMeans(2, random_state=0)\n"
        "try:\n"
        "    km.predict(np.zeros((2, 2)))\n"
        "except fastkmeans.NotFittedError as exc:\n"
        "    assert isinstance(exc, (ValueError, AttributeError))\n"
        "km.fit(np.arange(12.0).reshape(6, 2)).predict(np.zeros((1, 2)))\n"
        "repr(km); km.get_params(); km.set_output(transform='default').transform([[0.0, 1.0]])\n"
        "assert 'sklearn' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- scikit-learn's estimator checks -------------------------------------------

@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_check_estimator(Estimator):
    estimator_checks = pytest.importorskip("sklearn.utils.estimator_checks")
    small = (dict(n_clusters=2, n_init=2, max_iter=5) if Estimator is KMeans
             else dict(n_clusters=2, n_init=2, max_iter=5, batch_size=10))
    with warnings.catch_warnings():
        # we implement the protocol without inheriting from BaseEstimator, by design
        warnings.filterwarnings("ignore", message=".*does not inherit from")
        # the checks mix DataFrames and arrays on purpose
        warnings.filterwarnings("ignore", message="X (does not have valid|has) feature names")
        warnings.filterwarnings("ignore", category=fastkmeans.ConvergenceWarning)
        results = estimator_checks.check_estimator(
            Estimator(), expected_failed_checks=Estimator.EXPECTED_FAILED_CHECKS,
            on_skip=None)
        # Checks that check_estimator runs only for subclasses of scikit-learn's
        # ClusterMixin, and the DataFrame / set_output checks: run them here.
        more = [estimator_checks.check_clustering,
                estimator_checks.check_clusterer_compute_labels_predict,
                estimator_checks.check_estimators_partial_fit_n_features,
                estimator_checks.check_dataframe_column_names_consistency,
                estimator_checks.check_transformer_get_feature_names_out,
                estimator_checks.check_transformer_get_feature_names_out_pandas,
                estimator_checks.check_set_output_transform,
                estimator_checks.check_set_output_transform_pandas,
                estimator_checks.check_global_output_transform_pandas,
                estimator_checks.check_get_feature_names_out_error]
        for check in more:
            check(Estimator.__name__, Estimator(**small))
    statuses = {result["check_name"]: result["status"] for result in results}
    assert set(statuses.values()) <= {"passed", "xfail", "skipped"}
    assert statuses["check_fit_idempotent"] == statuses["check_estimators_pickle"] == "passed"
    assert all(statuses[name] == "xfail" for name in Estimator.EXPECTED_FAILED_CHECKS)


# -- same results as scikit-learn ---------------------------------------------

@pytest.mark.parametrize("weighted", [False, True])
def test_kmeans_equals_sklearn_from_the_same_init(dtype, weighted):
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    X = make_blobs(1500, 6, 8, cluster_std=1.5, dtype=dtype)[0]
    w = random_weights(X.shape[0]) if weighted else None
    init = X[np.random.default_rng(2).choice(X.shape[0], 8, replace=False)]
    ours = KMeans(8, init=init, n_init=1).fit(X, sample_weight=w)
    theirs = sklearn_cluster.KMeans(8, init=init, n_init=1).fit(X, sample_weight=w)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    rel = 1e-9 if dtype == np.float64 else 1e-5
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=rel)
    assert ours.cluster_centers_.dtype == theirs.cluster_centers_.dtype == dtype
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_,
                               rtol=1e3 * rel, atol=1e3 * rel)
    X_new = make_blobs(200, 6, 8, cluster_std=1.5, seed=5, dtype=dtype)[0]
    np.testing.assert_array_equal(ours.predict(X_new), theirs.predict(X_new))
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new),
                               rtol=1e2 * rel, atol=1e-3 if dtype == np.float32 else 1e-9)
    assert ours.score(X_new, sample_weight=w[:200] if weighted else None) == pytest.approx(
        theirs.score(X_new, sample_weight=w[:200] if weighted else None), rel=rel)
    np.testing.assert_array_equal(ours.get_feature_names_out(), theirs.get_feature_names_out())


@pytest.mark.parametrize("algorithm", ["lloyd", "elkan", "hamerly", "yinyang", "auto"])
def test_every_algorithm_gives_the_same_fit(algorithm):
    X = make_blobs(600, 4, 5, cluster_std=1.5)[0]
    lloyd = KMeans(5, random_state=3).fit(X)
    other = KMeans(5, random_state=3, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(lloyd.labels_, other.labels_)
    assert lloyd.n_iter_ == other.n_iter_
    assert lloyd.inertia_ == pytest.approx(other.inertia_, rel=1e-12)


def test_kmeans_attributes_and_methods_agree():
    X = make_blobs(600, 4, 5, cluster_std=1.5)[0]
    km = KMeans(5, random_state=0, n_threads=2)
    labels = km.fit_predict(X)
    np.testing.assert_array_equal(labels, km.labels_)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    distances = km.fit_transform(X)
    assert distances.shape == (X.shape[0], 5)
    np.testing.assert_array_equal(np.argmin(distances, axis=1), km.labels_)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-12)
    assert km.n_features_in_ == 4 and not hasattr(km, "feature_names_in_")
    assert km.labels_.dtype == np.int32 and km.cluster_centers_.flags.writeable
    # bitwise the same for any thread count
    one = KMeans(5, random_state=0, n_threads=1).fit(X)
    np.testing.assert_array_equal(one.cluster_centers_, km.cluster_centers_)


def test_verbose_prints_progress(capsys):
    X = make_blobs(600, 4, 5, cluster_std=1.5)[0]
    KMeans(3, random_state=0, verbose=1).fit(X)
    assert "inertia" in capsys.readouterr().out
    MiniBatchKMeans(3, random_state=0, verbose=1, batch_size=100).fit(X)
    assert "Minibatch step" in capsys.readouterr().out


# -- parameters, repr, clone, pickle ------------------------------------------

def test_params_repr_and_set_params():
    km = KMeans(3, tol=1e-3)
    assert repr(km) == "KMeans(n_clusters=3, tol=0.001)"
    assert repr(KMeans()) == "KMeans()"
    assert km.get_params()["tol"] == 1e-3
    assert set(km.get_params()) == {"n_clusters", "init", "n_init", "max_iter", "tol",
                                    "verbose", "random_state", "copy_x", "algorithm",
                                    "n_threads", "spherical", "max_samples"}
    assert km.set_params(n_clusters=4, max_iter=10) is km and km.n_clusters == 4
    with pytest.raises(ValueError, match="Invalid parameter 'n_cluster'"):
        km.set_params(n_cluster=2)
    with pytest.raises(ValueError, match="Invalid parameter 'tol__inner'"):
        km.set_params(tol__inner=2)
    assert "init=array" in repr(KMeans(2, init=np.zeros((2, 2))))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_clone_and_pickle_round_trip(Estimator):
    sklearn_base = pytest.importorskip("sklearn.base")
    X = make_blobs(600, 4, 5, cluster_std=1.5)[0]
    fitted = Estimator(4, random_state=0).set_output(transform="pandas").fit(X)
    cloned = sklearn_base.clone(fitted)
    assert cloned.get_params() == fitted.get_params()
    assert not hasattr(cloned, "cluster_centers_")
    assert cloned._output_container() == "pandas"
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.cluster_centers_, fitted.cluster_centers_)
    np.testing.assert_array_equal(restored.labels_, fitted.labels_)
    np.testing.assert_array_equal(restored.predict(X), fitted.predict(X))
    assert restored.inertia_ == fitted.inertia_


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_not_fitted_error(Estimator):
    exceptions = pytest.importorskip("sklearn.exceptions")
    for method in ("predict", "transform", "score"):
        with pytest.raises(fastkmeans.NotFittedError, match="not fitted yet") as info:
            getattr(Estimator(), method)(np.zeros((3, 2)))
        assert isinstance(info.value, exceptions.NotFittedError)
    with pytest.raises(fastkmeans.NotFittedError):
        Estimator().get_feature_names_out()


# -- scikit-learn's tools -----------------------------------------------------

@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pipeline_grid_search_and_cross_val_score(Estimator):
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = make_blobs(400, 3, 4, cluster_std=1.5)[0]
    pipe = make_pipeline(StandardScaler(), Estimator(4, random_state=0))
    labels = pipe.fit(X).predict(X)
    assert labels.shape == (400,) and len(np.unique(labels)) == 4
    assert pipe.transform(X).shape == (400, 4)
    search = GridSearchCV(Estimator(random_state=0), {"n_clusters": [2, 4, 6]}, cv=3).fit(X)
    # the score is -inertia: more clusters always score higher
    assert search.best_params_ == {"n_clusters": 6}
    scores = cross_val_score(Estimator(4, random_state=0), X, cv=3)
    assert scores.shape == (3,) and np.all(scores < 0)
    # sample_weight routed to the final step as in any pipeline
    weights = random_weights(400)
    pipe.fit(X, **{f"{Estimator.__name__.lower()}__sample_weight": weights})


# -- DataFrames ---------------------------------------------------------------

@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_dataframes(Estimator):
    pd = pytest.importorskip("pandas")
    X = make_blobs(300, 3, 3, cluster_std=1.5)[0]
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(300) + 1000)
    est = Estimator(3, random_state=0).fit(frame)
    np.testing.assert_array_equal(est.feature_names_in_, ["a", "b", "c"])
    assert est.feature_names_in_.dtype == object
    np.testing.assert_array_equal(est.predict(frame),
                                  Estimator(3, random_state=0).fit(X).predict(X))
    out = est.set_output(transform="pandas").transform(frame)
    assert isinstance(out, pd.DataFrame)
    prefix = Estimator.__name__.lower()
    assert list(out.columns) == [f"{prefix}{i}" for i in range(3)]
    assert (out.index == frame.index).all()
    np.testing.assert_allclose(out.to_numpy(),
                               est.set_output(transform="default").transform(frame))
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        est.predict(X)
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        est.predict(frame[["c", "b", "a"]])
    # refitting on an array forgets the names
    assert not hasattr(est.fit(X), "feature_names_in_")
    with pytest.warns(UserWarning, match="X has feature names"):
        est.predict(frame)


# -- bad input ----------------------------------------------------------------

@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("params, error, match", [
    (dict(n_clusters=0), ValueError, "n_clusters"),
    (dict(n_clusters=2.5), TypeError, "n_clusters"),
    (dict(max_iter=0), ValueError, "max_iter"),
    (dict(tol=-1.0), ValueError, "tol"),
    (dict(init="kmeans"), ValueError, "init"),
    (dict(n_init=0), ValueError, "n_init"),
    (dict(verbose=-1), ValueError, "verbose"),
    (dict(random_state="seed"), TypeError, "random_state"),
    (dict(n_threads=0), ValueError, "n_threads"),
])
def test_bad_parameters_are_named(Estimator, params, error, match):
    with pytest.raises(error, match=match):
        Estimator(**params).fit(make_blobs(50, 2, 2, cluster_std=1.5)[0])


@pytest.mark.parametrize("params, error, match", [
    (dict(algorithm="full"), ValueError, "algorithm"),
    (dict(algorithm=["lloyd"]), TypeError, "algorithm"),
    (dict(copy_x="yes"), TypeError, "copy_x"),
])
def test_bad_kmeans_parameters(params, error, match):
    with pytest.raises(error, match=match):
        KMeans(2, **params).fit(make_blobs(50, 2, 2, cluster_std=1.5)[0])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_data(Estimator):
    X = make_blobs(50, 2, 2, cluster_std=1.5)[0]
    with pytest.raises(ValueError, match="Complex data not supported"):
        Estimator(2).fit(X + 1j)
    with pytest.raises(ValueError, match=r"0 feature\(s\)"):
        Estimator(2).fit(np.empty((5, 0)))
    with pytest.raises(ValueError, match="NaN"):
        Estimator(2).fit(np.where(X > 5, np.nan, X))
    with pytest.raises(TypeError, match="argument must be"):
        Estimator(2).fit(np.array([[1.0, {}], [2.0, 3.0]], dtype=object))
    fitted = Estimator(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 2"):
        fitted.predict(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="Reshape your data"):
        fitted.transform(np.zeros(2))
    with pytest.raises(ValueError, match="sample_weight"):
        Estimator(2).fit(X, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="transform must be one of"):
        fitted.set_output(transform="arrow")
    if importlib.util.find_spec("polars") is None:
        with pytest.raises(ImportError, match="needs polars"):
            fitted.set_output(transform="polars")
    with pytest.raises(ValueError, match="input_features should have length"):
        fitted.get_feature_names_out(["a", "b", "c"])


def test_kmeans_is_the_same_on_every_container(dtype, container):
    # a third of the entries are zero
    dense = make_blobs(600, 4, 5, cluster_std=1.5, dtype=dtype, zero_below=1.0)[0]
    X = container(dense)
    weights = random_weights(X.shape[0])
    init = dense[:5].copy()
    on_sparse = KMeans(5, init=init, n_init=1).fit(X, sample_weight=weights)
    on_dense = KMeans(5, init=init, n_init=1).fit(dense, sample_weight=weights)
    np.testing.assert_array_equal(on_sparse.labels_, on_dense.labels_)
    assert on_sparse.n_iter_ == on_dense.n_iter_
    rtol = 1e-5 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(on_sparse.cluster_centers_, on_dense.cluster_centers_,
                               rtol=rtol, atol=rtol)
    np.testing.assert_allclose(on_sparse.inertia_, on_dense.inertia_, rtol=rtol)
    np.testing.assert_array_equal(on_sparse.predict(X), on_dense.predict(dense))
    np.testing.assert_allclose(on_sparse.transform(X), on_dense.transform(dense),
                               rtol=rtol, atol=rtol)
    np.testing.assert_allclose(on_sparse.score(X, sample_weight=weights),
                               on_dense.score(dense, sample_weight=weights), rtol=rtol)
    assert on_sparse.n_features_in_ == dense.shape[1]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_metadata_routing(Estimator):
    sklearn = pytest.importorskip("sklearn")
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV

    X, weights = make_blobs(300, 3, 3, cluster_std=1.5)[0], random_weights(300)
    with sklearn.config_context(enable_metadata_routing=True):
        unrequested = GridSearchCV(Estimator(random_state=0), {"n_clusters": [2, 3]}, cv=3)
        with pytest.raises(Exception, match="sample_weight"):
            unrequested.fit(X, sample_weight=weights)
        estimator = (Estimator(random_state=0).set_fit_request(sample_weight=True)
                     .set_score_request(sample_weight=True))
        assert clone(estimator)._sample_weight_requests == {"fit": True, "score": True}
        search = GridSearchCV(estimator, {"n_clusters": [2, 3]}, cv=3)
        search.fit(X, sample_weight=weights)
        # the refit on all data got the weights: same result as a direct weighted fit
        direct = Estimator(search.best_params_["n_clusters"], random_state=0)
        direct.fit(X, sample_weight=weights)
        np.testing.assert_array_equal(search.best_estimator_.cluster_centers_,
                                      direct.cluster_centers_)
    with pytest.raises(ValueError, match="set_fit_request"):
        Estimator().set_fit_request(sample_weight=3)
