"""The documentation builds without a warning, with every example run once.

The build runs the example gallery (every script in examples/, in the short
``SKDL_EXAMPLES_FAST=1`` mode): this is where the test suite runs the
examples. A real headless browser then opens the built pages and checks that
they render with their images.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("[a-z]*.py"))
#: Pages the browser opens: the site's index, the gallery's, three examples.
BROWSER_PAGES = [
    "index.html",
    "auto_examples/index.html",
    "auto_examples/moons_decision_boundary.html",
    "auto_examples/mlp_digits.html",
    "auto_examples/kfold_cross_validation.html",
]
pytestmark = pytest.mark.slow


def _build(out: Path) -> subprocess.CompletedProcess:
    """Build the site into ``out/html``; keep the log beside it."""
    # Generated in the source tree; outputs of an earlier local build would
    # let sphinx-gallery skip the examples whose scripts did not change.
    shutil.rmtree(DOCS / "auto_examples", ignore_errors=True)
    (DOCS / "sg_execution_times.rst").unlink(missing_ok=True)
    env = {
        **os.environ,
        "SKDL_EXAMPLES_FAST": "1",
        "MPLBACKEND": "Agg",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SKDL_GALLERY_ONLY", None)
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
    command += ["-d", str(out / "doctrees"), str(DOCS), str(out / "html")]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=1200, check=False, env=env
    )
    (out / "build.json").write_text(json.dumps(done.__dict__))
    return done


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site, built once per test run; its output folder and build log.

    Under pytest-xdist the workers share one build: the first to need it
    builds while holding a lock, the others wait and read it.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    out = root / "docs_site"
    with open(root / "docs_site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (out / "build.json").exists():
                done = subprocess.CompletedProcess(
                    **json.loads((out / "build.json").read_text())
                )
            else:
                out.mkdir(exist_ok=True)
                done = _build(out)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return out / "html", done


def test_sphinx_build_is_warning_free(site):
    html, done = site
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert (html / "index.html").exists()


def test_gallery_runs_every_example_and_shows_its_output(site):
    html, done = site
    assert f"successfully executed {len(EXAMPLES)} out of {len(EXAMPLES)}" in (
        done.stdout
    ), done.stdout[-3000:]
    assert (html / "auto_examples" / "index.html").exists()
    silent = [
        name
        for name in EXAMPLES
        if "sphx-glr-script-out"
        not in (html / "auto_examples" / f"{name}.html").read_text()
    ]
    assert not silent, f"examples that printed nothing: {silent}"


def test_gallery_holds_the_examples_figures(site):
    html, _ = site
    figures = [
        p.name
        for p in (html / "_images").glob("sphx_glr_*.png")
        if re.fullmatch(r"sphx_glr_.+_\d{3}\.png", p.name)
    ]
    assert len(figures) >= 12, sorted(figures)
    # Figures come from many examples, not from one.
    drawn_by = {name.rsplit("_", 1)[0] for name in figures}
    assert len(drawn_by) >= 10, sorted(drawn_by)


def test_scikit_learn_and_keras_names_link_to_their_docs(site):
    """Through the inventories stored in docs/_inventories (no network)."""
    html, _ = site
    page = (html / "guide" / "tuning.html").read_text()
    assert "https://scikit-learn.org/stable/modules/generated/" in page
    assert "https://keras.io/api/callbacks/early_stopping/" in page


def _browser():
    """A headless Chromium driven by Selenium, or skip saying what is missing."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium absent")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip(
            "no headless browser: install Debian's chromium and chromium-driver "
            "(tools/install_browser.sh)"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=1280,1000")
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(driver))


_PAGE_STATE = """
const images = Array.from(document.images);
return {
  title: document.title,
  ready: document.readyState,
  images: images.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]),
  header: (h => h && getComputedStyle(h).position)(
    document.querySelector('.bd-header')),
};
"""


def test_pages_render_with_their_images_in_a_browser(site):
    html, done = site
    assert done.returncode == 0, "the build failed: see the build test"
    browser = _browser()
    try:
        for page in BROWSER_PAGES:
            browser.get((html / page).as_uri())
            state = browser.execute_script(_PAGE_STATE)
            assert state["ready"] == "complete", page
            assert "skdl" in state["title"], (page, state["title"])
            # The theme's header exists and its stylesheet applies (sticky).
            assert state["header"] == "sticky", (page, state["header"])
            broken = [src for src, ok, width in state["images"] if not ok or width == 0]
            assert not broken, f"{page}: images that did not load: {broken}"
            if page.startswith("auto_examples/"):
                shown = [s for s, _, _ in state["images"] if "sphx_glr_" in s]
                assert shown, f"{page}: no example image shown"
    finally:
        browser.quit()
