"""Smoke tests of the documentation: gallery scripts, docs build, doctests.

- every ``examples/plot_*.py`` runs as a subprocess with the non-interactive
  matplotlib backend and must exit with status 0 (``examples`` marker);
- the Sphinx build with ``-W`` (warnings are errors) and the gallery not
  executed must pass, when Sphinx and the extensions are installed
  (``examples`` marker);
- the ``>>>`` examples of every public docstring and of the user guide
  pages run as doctests.

Deselect the slow ones with ``python -m pytest -m "not examples"``.
"""

import doctest
import importlib
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("plot_*.py"))
DOCS = REPO / "docs"

# A gallery script must finish well within this (each takes < 60 s on a
# 2-core CPU); the limit only stops a hung script.
SCRIPT_TIMEOUT_S = 600
DOCS_TIMEOUT_S = 600


def _env():
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    # One BLAS/OpenMP thread per process: far faster than oversubscribing a
    # small shared CPU with torch's default thread pool.  A caller's value wins.
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("MKL_NUM_THREADS", "1")
    # The real-data scripts read $SKDM2C_DATA (synthetic data without it), as in
    # the documentation build: default it to the data folder beside the checkout.
    env.setdefault("SKDM2C_DATA", str(REPO.parent / "shared" / "data"))
    # Make the checkout importable even without an editable install.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def test_examples_found():
    names = {p.name for p in EXAMPLES}
    assert len(names) >= 6, names
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        # sphinx-gallery format: a module docstring with an RST title, then cells.
        assert text.startswith('"""\n='), f"{path.name} must open with a titled docstring"
        assert "\n# %%\n" in text, f"{path.name} has no '# %%' cell"


@pytest.mark.examples
@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_gallery_script_runs(script):
    start = time.perf_counter()
    # Run from the examples folder, as sphinx-gallery does.
    proc = subprocess.run(
        [sys.executable, script.name], cwd=script.parent, env=_env(),
        capture_output=True, text=True, timeout=SCRIPT_TIMEOUT_S,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, (
        f"{script.name} exited with {proc.returncode} after {elapsed:.0f} s\n"
        f"--- stdout ---\n{proc.stdout[-3000:]}\n--- stderr ---\n{proc.stderr[-5000:]}"
    )
    print(f"{script.name}: {elapsed:.1f} s")


def _sphinx_available():
    for module in ("sphinx", "numpydoc", "sphinx_gallery"):
        try:
            importlib.import_module(module)
        except ImportError:
            return module
    return None


@pytest.mark.examples
def test_docs_build_without_warnings(tmp_path):
    missing = _sphinx_available()
    if missing is not None:
        pytest.skip(f"{missing} is not installed (pip install -e '.[docs]')")
    cmd = [
        sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
        "-D", "plot_gallery=0", "-d", str(tmp_path / "doctrees"),
        str(DOCS), str(tmp_path / "html"),
    ]
    proc = subprocess.run(cmd, cwd=REPO, env=_env(), capture_output=True, text=True,
                          timeout=DOCS_TIMEOUT_S)
    assert proc.returncode == 0, (
        f"sphinx-build failed ({proc.returncode})\n{proc.stdout[-3000:]}\n{proc.stderr[-8000:]}"
    )
    assert (tmp_path / "html" / "index.html").is_file()
    assert (tmp_path / "html" / "generated" / "skdm2c.DM2CClustering.html").is_file()
    assert (tmp_path / "html" / "dm2c.html").is_file()


# ------------------------------------------------------------------ doctests
# Namespaces whose every public class and function must show an example;
# the benchmark's helpers are documented too, their examples are optional.
CORE_NAMESPACES = ("skdm2c", "skdm2c.baselines", "skdm2c.datasets", "skdm2c.metrics",
                   "skdm2c.linear", "skdm2c.preprocessing")
DOCUMENTED_NAMESPACES = CORE_NAMESPACES + ("skdm2c.benchmark",)


def _public_objects(namespaces=DOCUMENTED_NAMESPACES):
    """Every public class and function of the documented namespaces."""
    seen, found = set(), []
    for modname in namespaces:
        module = importlib.import_module(modname)
        names = getattr(module, "__all__", None) or [
            n for n in dir(module) if not n.startswith("_")
        ]
        for name in names:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("skdm2c"):
                continue  # re-exports from scikit-learn
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            found.append((f"{modname}.{name}", obj))
    return found


PUBLIC = _public_objects()
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


@pytest.fixture
def one_torch_thread():
    """Train the doctest models on one thread (much faster on a busy small CPU)."""
    import torch

    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


@pytest.mark.parametrize("name, obj", PUBLIC, ids=[name for name, _ in PUBLIC])
def test_public_docstring_examples(name, obj, monkeypatch, tmp_path, one_torch_thread):
    monkeypatch.chdir(tmp_path)
    finder = doctest.DocTestFinder(recurse=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    tests = [t for t in finder.find(obj, name, globs={}) if t.examples]
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest example(s) of {name} failed"


# Public names whose docstring still lacks an Examples section (code owned
# elsewhere); remove a name here once its docstring gains one.
KNOWN_WITHOUT_EXAMPLES = set()


def test_every_public_class_and_function_has_an_example():
    missing = {name for name, obj in _public_objects(CORE_NAMESPACES)
               if "Examples\n" not in (obj.__doc__ or "")
               and not issubclass_safe(obj, Exception)}
    new = sorted(missing - KNOWN_WITHOUT_EXAMPLES)
    assert not new, f"public names without an Examples section: {new}"


def issubclass_safe(obj, cls):
    return inspect.isclass(obj) and issubclass(obj, cls)


RST_WITH_EXAMPLES = sorted(p for p in DOCS.glob("*.rst") if ">>>" in p.read_text("utf-8"))


@pytest.mark.parametrize("page", RST_WITH_EXAMPLES, ids=[p.stem for p in RST_WITH_EXAMPLES])
def test_user_guide_doctests(page):
    result = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS,
                              verbose=False, report=True)
    assert result.failed == 0, f"{result.failed} example(s) of {page.name} failed"
