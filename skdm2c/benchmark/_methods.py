"""Registry of the benchmarked methods: name -> default estimator factory.

Every factory has the signature
``factory(n_clusters, random_state, n_components, *, modality_dims=None,
quick=False)`` and returns an UNFITTED estimator with the method's documented
default settings; only the number of clusters, the seed, the packed layout
(``modality_dims``, not a hyper-parameter) and, for the stacked baselines,
the common PCA width are set.

* ``dm2c`` is :class:`skdm2c.DM2CClustering` on the packed mixed-modal array.
* ``dm2c-paper`` is the same with the authors' published schedule
  (``DM2CClustering.PAPER_PARAMS``: 128-d latent, 150 pretraining and 220
  joint epochs); not in the default method list.
* ``dm2c-noadv`` is the ablation ``lambda_adv=0`` (autoencoders and cycle
  losses only: the generators never see a critic); not in the default list.
* ``dm2c-fixedt`` is the ablation ``learn_pair_temperature=False``: the
  contrastive pair loss at the fixed temperature 0.5 (the default before
  the temperature was learned); ``dm2c-t0.2`` the same at 0.2; neither is in
  the default list.
* ``dm2c-joint`` is DM2C with the published final step
  (``cluster_assignment="joint"``: one k-means of all rows' unified codes)
  instead of the unpaired default ``"structure"``; not in the default list.
* ``dm2c-nocontrast`` is the ablation ``lambda_contrastive=0`` (the known
  pairs train through the translation loss only); not in the default list.
* ``dm2c-spherical`` is DM2C with the paired assignment's distances
  before ``paired_covariance="tied"`` (``"spherical"``); with pairs only,
  not in the default list.
* ``dm2c-cross-block`` is DM2C with ``paired_covariance="cross-block"`` (the
  paired assignment's Gaussian mixture over all of a row's blocks) and
  ``dm2c-tied`` with ``paired_covariance="tied"``; ``dm2c-previous`` is the
  paired default before ``paired_n_init`` (``own_features="auto",
  paired_n_init=1``) and ``dm2c-one-start`` the default with one start of
  the paired step (``paired_n_init=1``); with pairs only, not in the
  default list.
* ``linear`` is :class:`skdm2c.PairedCCAClustering`, the linear reference
  for partially paired data (PCA per modality, CCA on the multi-block rows,
  k-means on the mean of a row's projected blocks; PCA stacking without
  pairs).
* Every other method follows the DM2C paper's protocol for single-modality
  clusterers: ``Pipeline([("prep", ...), ("stack",
  ModalityStacker(n_components)), (step, model)])`` -- each modality is
  reduced by its own PCA to the common width ``n_components`` and all rows
  are clustered together.

**Fair input.**  Every method sees the same preprocessed features:
:func:`fair_preprocessor` (``ModalityPreprocessor(method="auto")``:
per-modality standardisation of dense features, a log1p / L2 / SVD path for
sparse term counts, chosen without labels) is the first step of every
pipeline, and DM2C applies the same preprocessing inside ``fit`` by default.
It is fitted on the rows the method is fitted on.  :data:`METHOD_INPUTS`
states each method's input in words (written into ``results.md``).

``quick=True`` swaps in tiny networks and a couple of epochs; it exists only
for smoke tests of the benchmark machinery, never for reported numbers.

The stacker width is chosen by :func:`stack_width`:
``min(32, smallest modality width AFTER the common preprocessing, smallest
per-modality training row count)``.  32 is
:class:`~skdm2c.baselines.ModalityStacker`'s default; the other two bounds
are what PCA can produce (a 10-d LDA text modality, or a term-count block
that the preprocessor's count path reduces to 10 SVD components, caps the
common width at 10).
"""

import functools
import hashlib
import json

import numpy as np

__all__ = ["METHODS", "DEFAULT_METHODS", "fair_preprocessor", "make_estimator",
           "method_available", "method_input", "stack_width", "params_hash"]

#: Largest common width of the stacked baselines (ModalityStacker's default).
MAX_STACK_WIDTH = 32

# Tiny settings of the --quick smoke-test mode (never used for results).
_QUICK_NET = (32, 32)


def fair_preprocessor(modality_dims=None):
    """The per-modality preprocessing every method gets (unfitted).

    ``modality_dims`` (the packed layout, not a hyper-parameter) is passed on
    where the preprocessor takes it.

    THE single place that decides the benchmark's common input:
    ``skdm2c.preprocessing.ModalityPreprocessor(method="auto")``, the
    preprocessing DM2CClustering applies inside ``fit``.  Where that class is
    not available (an older skdm2c), a :class:`~sklearn.preprocessing.
    StandardScaler`, which ignores NaN and so standardises every feature of a
    modality over that modality's rows only -- what DM2C's standardisation of
    dense blocks does.  :data:`PREPROCESSING` names the one in use.
    """
    try:
        from skdm2c.preprocessing import ModalityPreprocessor
    except ImportError:
        from sklearn.preprocessing import StandardScaler

        return StandardScaler()
    dims = None if modality_dims is None else tuple(int(d) for d in modality_dims)
    return ModalityPreprocessor(method="auto", modality_dims=dims)


def preprocessing_label():
    """Words for the common preprocessing of :func:`fair_preprocessor`."""
    prep = fair_preprocessor()
    if type(prep).__name__ == "StandardScaler":
        return ("StandardScaler (every feature standardised over the rows that observe it, "
                "i.e. per modality)")
    return 'ModalityPreprocessor(method="auto") (per-modality, chosen without labels)'


def _stack(n_components):
    from skdm2c.baselines import ModalityStacker

    # the block widths are inferred from the preprocessed data: a count path
    # may change a block's width
    return ModalityStacker(n_components=n_components)


def _pipeline(step, model, n_components, modality_dims):
    from sklearn.pipeline import Pipeline

    return Pipeline([("prep", fair_preprocessor(modality_dims)), ("stack", _stack(n_components)),
                     (step, model)])


def _linear(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from sklearn.pipeline import Pipeline

    from skdm2c import PairedCCAClustering

    model = PairedCCAClustering(n_clusters=n_clusters, random_state=random_state)
    return Pipeline([("prep", fair_preprocessor(modality_dims)), ("model", model)])


def _dm2c(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from skdm2c import DM2CClustering

    kw = {}
    if quick:
        kw = dict(pretrain_epochs=2, epochs=2, n_init=1, hidden_sizes=_QUICK_NET)
    dims = None if modality_dims is None else tuple(int(d) for d in modality_dims)
    return DM2CClustering(
        n_clusters=n_clusters, modality_dims=dims, random_state=random_state, **kw
    )


def _dm2c_paper(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from skdm2c import DM2CClustering

    params = dict(DM2CClustering.PAPER_PARAMS)
    if quick:
        params.update(pretrain_epochs=2, epochs=2, n_init=1, hidden_sizes=_QUICK_NET)
    dims = None if modality_dims is None else tuple(int(d) for d in modality_dims)
    return DM2CClustering(
        n_clusters=n_clusters, modality_dims=dims, random_state=random_state, **params
    )


def _dm2c_with(n_clusters, random_state, n_components, *, modality_dims=None, quick=False,
               changes):
    """DM2C's defaults with the parameters ``changes`` (an ablation)."""
    est = _dm2c(n_clusters, random_state, n_components, modality_dims=modality_dims, quick=quick)
    return est.set_params(**changes)


def _ablation(**changes):
    return functools.partial(_dm2c_with, changes=changes)


def _kmeans(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=n_clusters, n_init=10, random_state=random_state)
    return _pipeline("kmeans", model, n_components, modality_dims)


def _idec(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from skdm2c.baselines import IDEC

    kw = dict(hidden_sizes=_QUICK_NET, pretrain_epochs=2, max_iter=10, n_init=1) if quick else {}
    model = IDEC(n_clusters=n_clusters, random_state=random_state, **kw)
    return _pipeline("model", model, n_components, modality_dims)


def _dcn(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from skdm2c.baselines import DCN

    kw = dict(hidden_sizes=_QUICK_NET, pretrain_epochs=2, epochs=2, n_init=1) if quick else {}
    model = DCN(n_clusters=n_clusters, random_state=random_state, **kw)
    return _pipeline("model", model, n_components, modality_dims)


def _dkm(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from skdm2c.baselines import DKM

    kw = {}
    if quick:
        kw = dict(hidden_sizes=_QUICK_NET, pretrain_epochs=2, alphas=[1000.0], epochs_per_alpha=2)
    model = DKM(n_clusters=n_clusters, random_state=random_state, **kw)
    return _pipeline("model", model, n_components, modality_dims)


def _imsat(n_clusters, random_state, n_components, *, modality_dims=None, quick=False):
    from skdm2c.baselines import IMSAT

    kw = dict(hidden_sizes=_QUICK_NET, epochs=2) if quick else {}
    model = IMSAT(n_clusters=n_clusters, random_state=random_state, **kw)
    return _pipeline("model", model, n_components, modality_dims)


#: name -> (factory, display label); the order is the default order of tables.
METHODS = {
    "dm2c": (_dm2c, "DM2C"),
    "linear": (_linear, "Linear CCA reference"),
    "kmeans": (_kmeans, "k-means"),
    "dkm": (_dkm, "DKM"),
    "dcn": (_dcn, "DCN"),
    "idec": (_idec, "IDEC"),
    "imsat": (_imsat, "IMSAT"),
    "dm2c-paper": (_dm2c_paper, "DM2C (paper schedule)"),
    "dm2c-noadv": (_ablation(lambda_adv=0.0), "DM2C without adversarial loss"),
    "dm2c-fixedt": (_ablation(learn_pair_temperature=False), "DM2C, fixed pair temperature 0.5"),
    "dm2c-t0.2": (_ablation(pair_temperature=0.2, learn_pair_temperature=False),
                  "DM2C, fixed pair temperature 0.2"),
    "dm2c-joint": (_ablation(cluster_assignment="joint"), "DM2C, published joint assignment"),
    "dm2c-nocontrast": (_ablation(lambda_contrastive=0.0),
                        "DM2C without the contrastive pair loss"),
    "dm2c-spherical": (_ablation(paired_covariance="spherical"),
                       "DM2C, spherical paired assignment"),
    "dm2c-cross-block": (_ablation(paired_covariance="cross-block"),
                         "DM2C, cross-block paired mixture"),
    "dm2c-tied": (_ablation(paired_covariance="tied"), "DM2C, tied paired assignment"),
    "dm2c-previous": (_ablation(own_features="auto", paired_n_init=1),
                      "DM2C, previous paired default (selected own features, one start)"),
    "dm2c-one-start": (_ablation(paired_n_init=1), "DM2C, one start of the paired step"),
}

#: The DM2C variants run only on request: the authors' 150 + 220 epoch
#: schedule and the ablations.
ABLATIONS = ("dm2c-paper", "dm2c-noadv", "dm2c-fixedt", "dm2c-t0.2", "dm2c-joint",
             "dm2c-nocontrast", "dm2c-spherical", "dm2c-cross-block", "dm2c-tied",
             "dm2c-previous", "dm2c-one-start")
#: Run when ``--methods`` is not given.
DEFAULT_METHODS = tuple(m for m in METHODS if m not in ABLATIONS)

#: Rough relative cost, used to start the slowest runs first (an ablation costs as DM2C;
#: the paper's longer schedule is the exception).
COST = {"linear": 0, "idec": 5, "dcn": 4, "dkm": 4, "imsat": 2, "dm2c": 2, "kmeans": 0,
        **{name: 2 for name in ABLATIONS}, "dm2c-paper": 6}


#: The input of each method, after the common preprocessing (results.md).
METHOD_INPUTS = {
    "dm2c": "the packed rows; the preprocessing is applied inside fit",
    **{name: "as DM2C" for name in ABLATIONS},
    "linear": "the packed rows (PCA per modality, CCA on the multi-block rows inside fit)",
}
_STACKED_INPUT = ("ModalityStacker: each modality's PCA to the common width, all rows stacked "
                  "(a multi-block row as the stacker combines its blocks)")


def method_input(name):
    """What method ``name`` is given after the common preprocessing."""
    return METHOD_INPUTS.get(name, _STACKED_INPUT)


def method_available(name):
    """``None`` when method ``name`` can be built here, else the reason (a string)."""
    try:
        make_estimator(name, 2, 0, 2, modality_dims=(2, 2))
    except (ImportError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def method_label(name):
    """Display name of a method (``"dm2c"`` -> ``"DM2C"``)."""
    return METHODS[name][1] if name in METHODS else name


def make_estimator(name, n_clusters, random_state, n_components, *, modality_dims=None,
                   quick=False):
    """Build method ``name`` with its default settings (see the module docstring)."""
    try:
        factory = METHODS[name][0]
    except KeyError:
        raise ValueError(f"Unknown method {name!r}; choose from {sorted(METHODS)}.") from None
    return factory(n_clusters, random_state, n_components, modality_dims=modality_dims,
                   quick=quick)


def stack_width(modality_dims, modality_counts, max_width=MAX_STACK_WIDTH):
    """Common PCA width of the stacked baselines.

    ``min(max_width, smallest modality width, smallest number of training rows
    of a modality)``: the largest width every per-modality PCA can produce,
    capped at ModalityStacker's default of 32.
    """
    return int(max(1, min(max_width, min(modality_dims), min(modality_counts))))


def _plain(value):
    """A JSON-able, address-free description of a parameter value."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "get_params"):
        return type(value).__name__
    return repr(value)


def params_hash(estimator):
    """Short hash of an estimator's class names and (deep) parameters."""
    params = {k: _plain(v) for k, v in estimator.get_params(deep=True).items()
              if k != "steps"}
    desc = {"class": type(estimator).__name__, "params": params}
    if hasattr(estimator, "steps"):
        desc["steps"] = [(n, type(s).__name__) for n, s in estimator.steps]
    text = json.dumps(desc, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
