"""Data-set specifications of the benchmark: which set, which views, which protocol.

A specification is a string ``NAME[VIEW,VIEW,...]:PROTOCOL=FRACTION``; only
``NAME`` is required:

* ``cub10`` -- the *unpaired* protocol of the DM2C paper: every instance
  kept in ONE modality (the loader's assignment, ``random_state=seed``),
  the data set's own train/held-out split or a stratified 75/25 split;
  scores on the training rows (``labels_``) and the held-out rows
  (``predict``).
* ``cub10:incomplete=0.3`` -- the incomplete-data protocol
  (:func:`skdm2c.datasets.make_incomplete`): 30 % of the instances are kept
  in every modality (one multi-block row each), the rest in one modality.
  ``incomplete=0`` is the unpaired assignment above, on all rows.
* ``cub10:aligned=0.5`` -- the partially aligned protocol
  (:func:`skdm2c.datasets.make_partially_aligned`): every instance appears
  in every modality, 50 % of the correspondences are known (one
  multi-block row each), the rest are single-block rows, shuffled.
* ``scene15[view1,view2]`` -- keep only those views, in that order (by the
  loader's view names), e.g. the 59-d and 40-d Scene-15 descriptors that
  COMPLETER and DCP use.

Every protocol other than the unpaired one fits on ALL rows of the set and
reports the scores of those rows (``labels_``): there is no held-out part
(the published numbers of this setting are scores on all instances, and a
held-out multi-block row would be a pair the method could have used).
The assignment of pairs is drawn with ``random_state=seed``.
"""

import re
from dataclasses import dataclass

__all__ = ["DataSpec", "parse_spec", "PROTOCOLS", "SYNTHETIC"]

SYNTHETIC = "synthetic"
#: Protocols that take a fraction, and what the fraction means.
PROTOCOLS = {
    "incomplete": "fraction of instances kept in every modality (paired)",
    "aligned": "fraction of instances whose cross-modal correspondence is known",
}
UNPAIRED = "unpaired"

_SPEC = re.compile(
    r"^(?P<name>[A-Za-z0-9_-]+)"
    r"(?:\[(?P<views>[^\]]*)\])?"
    r"(?::(?P<protocol>[A-Za-z_]+)(?:=(?P<fraction>[^=]*))?)?$"
)


@dataclass(frozen=True)
class DataSpec:
    """A parsed data-set specification (see the module docstring)."""

    name: str
    views: tuple = None
    protocol: str = UNPAIRED
    fraction: float = None

    @property
    def base(self):
        """``NAME`` or ``NAME[v1,v2]``: the data, without the protocol."""
        return self.name + (f"[{','.join(self.views)}]" if self.views else "")

    @property
    def all_rows(self):
        """True when the protocol fits and scores on every row (no held-out rows)."""
        return self.protocol != UNPAIRED

    @property
    def text(self):
        """Canonical string of the specification (the ``dataset`` column)."""
        if self.protocol == UNPAIRED:
            return self.base
        return f"{self.base}:{self.protocol}={self.fraction:g}"

    @property
    def slug(self):
        """File-name-safe form of :attr:`text` (cache paths)."""
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.text).strip("_")

    def with_protocol(self, protocol, fraction=None):
        """The same data under another protocol."""
        return DataSpec(self.name, self.views, protocol,
                        None if protocol == UNPAIRED else float(fraction))

    def __str__(self):
        return self.text


def _known_names():
    try:
        from skdm2c.datasets import DATASETS
    except ImportError:  # loaders not available
        return (SYNTHETIC,)
    return (SYNTHETIC, *DATASETS)


def parse_spec(spec):
    """Parse a data-set specification string into a :class:`DataSpec`.

    Parameters
    ----------
    spec : str or DataSpec
        ``NAME[VIEW,...]:PROTOCOL=FRACTION`` (see the module docstring).

    Returns
    -------
    DataSpec

    Raises
    ------
    ValueError
        Naming ``spec`` and the part that is wrong: an unknown data set or
        protocol, a missing or non-numeric fraction, a fraction outside
        [0, 1], fewer than two or repeated views, views of the synthetic set.
    """
    if isinstance(spec, DataSpec):
        return spec
    text = str(spec).strip()
    m = _SPEC.match(text)
    if m is None:
        raise ValueError(
            f"Bad data-set specification {spec!r}: expected NAME, NAME[VIEW,VIEW,...], "
            "NAME:incomplete=FRACTION or NAME:aligned=FRACTION (e.g. 'cub10:incomplete=0.3', "
            "'scene15[view1,view2]:aligned=0.5').")
    name = m["name"].lower().replace("-", "_")
    known = _known_names()
    if name not in known:
        raise ValueError(f"Unknown data set {m['name']!r} in specification {spec!r}; "
                         f"choose from {list(known)}.")
    views = None
    if m["views"] is not None:
        views = tuple(v.strip() for v in m["views"].split(","))
        if name == SYNTHETIC:
            raise ValueError(f"Specification {spec!r}: the synthetic set has no view "
                             "selection; drop the [...] part.")
        if len(views) < 2 or any(not v for v in views):
            raise ValueError(f"Specification {spec!r}: list at least two view names in "
                             f"[...], separated by commas; got {list(views)}.")
        if len(set(views)) != len(views):
            raise ValueError(f"Specification {spec!r}: repeated view in {list(views)}.")
    protocol = m["protocol"]
    if protocol is None:
        return DataSpec(name, views)
    protocol = protocol.lower()
    if protocol == UNPAIRED and m["fraction"] is None:
        return DataSpec(name, views)
    if protocol not in PROTOCOLS:
        raise ValueError(f"Unknown protocol {m['protocol']!r} in specification {spec!r}; "
                         f"choose from {list(PROTOCOLS)} (or no ':' part for the unpaired "
                         "protocol with a held-out split).")
    if m["fraction"] is None:
        raise ValueError(f"Specification {spec!r}: protocol {protocol!r} needs a fraction, "
                         f"e.g. '{name}:{protocol}=0.5' ({PROTOCOLS[protocol]}).")
    try:
        fraction = float(m["fraction"])
    except ValueError:
        raise ValueError(f"Specification {spec!r}: fraction {m['fraction']!r} is not a "
                         "number.") from None
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"Specification {spec!r}: fraction {fraction:g} is outside [0, 1] "
                         f"({PROTOCOLS[protocol]}).")
    return DataSpec(name, views, protocol, fraction)


#: Paired fractions of the incomplete protocol run by ``--sweep`` ...
SWEEP_INCOMPLETE = (0.0, 0.1, 0.3, 0.5)
#: ... and known-correspondence fractions of the aligned protocol.
SWEEP_ALIGNED = (0.5,)


def sweep_specs(specs, incomplete=SWEEP_INCOMPLETE, aligned=SWEEP_ALIGNED):
    """Every protocol of the sweep for the data (base) of each of ``specs``."""
    out = []
    for spec in specs:
        base = parse_spec(spec)
        out += [base.with_protocol("incomplete", f) for f in incomplete]
        out += [base.with_protocol("aligned", f) for f in aligned]
    return list(dict.fromkeys(out))
