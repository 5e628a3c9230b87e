"""scikit-learn's common estimator checks for DM2CClustering, and package hygiene.

The deep baselines run the same checks in their own test modules
(``test_idec.py``, ``test_dcn.py``, ``test_dkm.py``, ``test_imsat.py``,
``test_stacker.py``), each with fast parameters.
"""

import subprocess
import sys

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdm2c import DM2CClustering

# Tiny networks and epochs: the checks test the API contract, not quality.
FAST_DM2C = DM2CClustering(n_clusters=3, pretrain_epochs=10, epochs=5, latent_dim=4,
                           hidden_sizes=(16,), n_init=3, random_state=0)

# No expected failures: every check passes.  (Plain arrays without NaN are
# one modality, so the checks exercise the autoencoder + k-means path plus
# all input validation; NaN is structural, hence allow_nan stays False.)
EXPECTED_FAILED_CHECKS = {}


@parametrize_with_checks([FAST_DM2C], expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_import_is_light():
    """``import skdm2c`` neither imports torch nor prints anything."""
    code = "import sys, skdm2c; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert out.stderr == ""


def test_lazy_names_resolve():
    import skdm2c

    for name in skdm2c.__all__:
        assert getattr(skdm2c, name) is not None
