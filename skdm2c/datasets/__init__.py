"""Mixed-modal data sets: a converter, a synthetic generator and real-data loaders.

- :func:`make_mixed_modal` keeps one modality per instance of paired views;
- :func:`make_incomplete` keeps a fraction of the instances in every modality
  (multi-block rows) and the rest in one; :func:`make_partially_aligned`
  keeps every instance in every modality with only a fraction of the
  correspondences known;
- :func:`make_mixed_modal_blobs` generates modalities that are different
  non-linear views of the same clusters;
- ``load_*`` / :func:`load_dataset` read the collected real sets (never
  downloading anything; see :func:`get_data_home`);
- :func:`load_dm2c_mat` reads the DM2C authors' processed ``.mat`` files.

Every loader returns a :class:`~sklearn.utils.Bunch` whose ``data`` is the
packed array of :mod:`skdm2c` (one column block per modality, NaN outside a
row's observed blocks); ``protocol=`` chooses between the three settings above.
"""

from ._loaders import (
    DATASETS,
    PROTOCOLS,
    get_data_home,
    load_3sources,
    load_bbcsport,
    load_cub10,
    load_dataset,
    load_landuse21,
    load_reuters1200,
    load_scene15,
    load_uci_mfeat,
    load_wikipedia,
)
from ._matfile import load_dm2c_mat, load_dm2c_modality_mat
from ._mixed import make_mixed_modal
from ._protocols import make_incomplete, make_partially_aligned
from ._synthetic import make_mixed_modal_blobs

__all__ = [
    "DATASETS",
    "PROTOCOLS",
    "get_data_home",
    "load_3sources",
    "load_bbcsport",
    "load_cub10",
    "load_dataset",
    "load_dm2c_mat",
    "load_dm2c_modality_mat",
    "load_landuse21",
    "load_reuters1200",
    "load_scene15",
    "load_uci_mfeat",
    "load_wikipedia",
    "make_incomplete",
    "make_mixed_modal",
    "make_mixed_modal_blobs",
    "make_partially_aligned",
]
