"""DM2C on real image + text data (cub10 from ../shared/data; skipped if absent)."""

from pathlib import Path

import numpy as np
import pytest

from skdm2c import DM2CClustering
from skdm2c.datasets import load_cub10
from skdm2c.metrics import clustering_accuracy

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
pytestmark = pytest.mark.skipif(not (DATA / "cub10").is_dir(), reason="real data not present")


def test_dm2c_fits_cub10_image_only_and_text_only_rows():
    bunch = load_cub10(data_home=DATA, random_state=0)  # random half image-only, half text-only
    image = bunch.views[0][bunch.modality == 0]
    text = bunch.views[1][bunch.modality == 1]
    y = np.r_[bunch.target[bunch.modality == 0], bunch.target[bunch.modality == 1]]
    model = DM2CClustering(n_clusters=10, random_state=0).fit(image, text)
    assert model.labels_.shape == (600,)
    assert set(model.labels_) == set(range(10))
    assert model.modality_dims_ == (1024, 300)
    # chance is 0.1; k-means on the PCA-stacked rows reaches about 0.38
    assert clustering_accuracy(y, model.labels_) > 0.25
    assert model.predict({"modality1": text[:5]}).shape == (5,)
