"""DM2CClustering inside scikit-learn tools: GridSearchCV, Pipeline, CV, splitting."""

import numpy as np
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from skdm2c import DM2CClustering, row_modality
from skdm2c.datasets import make_mixed_modal_blobs
from skdm2c.metrics import ari_scorer

FAST = dict(pretrain_epochs=3, epochs=3, latent_dim=4, hidden_sizes=(16,), n_init=2,
            batch_size=64, random_state=0)


def _data():
    return make_mixed_modal_blobs(n_samples=120, n_clusters=3, random_state=0)


def test_grid_search_over_dm2c_parameters_with_ari_scorer():
    X, y = _data()
    search = GridSearchCV(
        DM2CClustering(n_clusters=3, modality_dims=(20, 10), **FAST),
        {"lambda_adv": [0.1, 0.5], "latent_dim": [2, 4]},
        scoring=ari_scorer, cv=KFold(2, shuffle=True, random_state=0),
    )
    search.fit(X, y)
    assert search.cv_results_["mean_test_score"].shape == (4,)
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    assert search.best_estimator_.labels_.shape == (120,)
    assert search.best_params_["latent_dim"] in (2, 4)


def test_pipeline_with_per_modality_scaling():
    X, y = _data()
    X = X.copy()
    X[:, :20] *= 100.0  # one modality on a very different scale
    pipe = make_pipeline(StandardScaler(), DM2CClustering(n_clusters=3, **FAST))
    labels = pipe.fit_predict(X)
    assert labels.shape == (120,)
    scaled = pipe[0].transform(X)
    modality = row_modality(X, (20, 10))
    # StandardScaler ignores NaN: each block is standardised on its own rows.
    np.testing.assert_allclose(np.nanmean(scaled[modality == 0, :20], axis=0), 0, atol=1e-7)
    np.testing.assert_allclose(np.nanstd(scaled[modality == 1, 20:], axis=0), 1, atol=1e-7)
    assert np.isnan(scaled[modality == 0, 20:]).all()
    np.testing.assert_array_equal(pipe.predict(X), pipe[-1].predict(scaled))
    pipe = Pipeline([("s", StandardScaler()), ("m", DM2CClustering(n_clusters=3, **FAST))])
    Z = pipe.fit_transform(X)
    assert Z.shape == (120, 4)


def test_cross_val_score_and_train_test_split_keep_the_layout():
    X, y = _data()
    scores = cross_val_score(DM2CClustering(n_clusters=3, modality_dims=(20, 10), **FAST), X, y,
                             scoring=ari_scorer, cv=KFold(3, shuffle=True, random_state=1))
    assert scores.shape == (3,) and np.all(np.isfinite(scores))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    model = DM2CClustering(n_clusters=3, **FAST).fit(X_tr)
    pred = model.predict(X_te)
    assert pred.shape == y_te.shape and set(pred) <= {0, 1, 2}
