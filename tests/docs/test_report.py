"""make report: the page is whole, self-contained, and works in a real browser (Debian's
chromium, headless): every scenario is there and the filters run."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from sidebyside.demo import STORY
from sidebyside.scenarios import CATALOGUE
from sidebyside.servers import REPO

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    done = subprocess.run([sys.executable, "-m", "sidebyside.report", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(out)  # the last line is the page's path
    return out


def test_the_page_has_every_scenario_and_needs_no_network(report: Path):
    page = report.read_text()
    keys = re.findall(r"data-key='([^']+)'", page)
    assert keys == [sc.key for sc in CATALOGUE]
    assert "UNEXPECTED" not in page  # every scenario answered as declared
    assert not re.search(r"""(src|href)=["']?https?://""", page)  # nothing loaded from outside
    assert "<svg" in page and "token lifetimes" in page and "v2 sequence" in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page


def test_the_report_is_numbered_like_the_demo_with_anchors(report: Path):
    """report.html#step-18 is the demo's step 18; what the demo leaves out is 'more'."""
    page = report.read_text()
    sections = re.findall(r"<section class='scenario' id='([^']+)' data-key='([^']+)'", page)
    steps = {sc.key: n for n, sc in enumerate(STORY, 1)}
    assert len(sections) == len(CATALOGUE)
    for anchor, key in sections:
        assert anchor == (f"step-{steps[key]}" if key in steps else key)
        label = f"Step {steps[key]}" if key in steps else "more"
        assert f"<a class='anchor' href='#{anchor}'>{label}</a>" in page


def test_the_lifetime_picture_is_to_scale_and_claims_read_as_times(report: Path):
    page = report.read_text()
    svg = page.split('aria-label="token lifetimes">', 1)[1].split("</svg>", 1)[0]
    bars = [(float(w), int(s)) for w, s in
            re.findall(r'width="([\d.]+)" height="22"[^>]*data-seconds="(\d+)"', svg)]
    assert {s for _, s in bars} >= {300, 900, 1800}  # v1's 5 min, v2's 15 min, the scale's end
    per_second = {round(w / s, 2) for w, s in bars if s >= 300}
    assert len(per_second) == 1, bars  # one scale: v1's bar a third of v2's access bar
    assert "not to scale" in svg and "30 days" in svg  # the refresh bar's break says so
    claims = re.findall(r"<span title='[\d.]+'>(exp|iat|nbf): ([^<]+)</span>", page)
    assert claims and all(re.fullmatch(r"(expired )?[\w ]+ (left|ago)|in [\w ]+", t)
                          for _, t in claims), claims
    assert re.search(r"exp: expired [5-8] s ago", page) and not re.search(r"exp: \d{9}", page)


PHONE = """<!doctype html><html><body style="margin:0">
<iframe id="phone" src="REPORT" style="width:390px;height:844px;border:0"></iframe><script>
var phone = document.getElementById("phone");
phone.onload = function () {
  var drawn = phone.contentDocument.body.dataset;
  document.body.dataset.width = drawn.width; document.body.dataset.columns = drawn.columns;
};</script></body></html>"""


def chromium(*args: str, user_data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={user_data}", *args],
        capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian: apt-get install "
                                              "chromium; .ci/run installs it)")
def test_a_real_browser_shows_every_scenario_and_filters_them(report: Path, tmp_path: Path):
    dom = chromium("--dump-dom", report.as_uri(), user_data=tmp_path / "a").stdout
    assert len(re.findall(r'class="scenario"', dom)) == len(CATALOGUE)
    assert f'data-shown="{len(CATALOGUE)}"' in dom  # the script ran
    differs = sum(sc.verdict == "differs" for sc in CATALOGUE)
    filtered = chromium("--dump-dom", f"{report.as_uri()}?verdict=differs",
                        user_data=tmp_path / "b").stdout
    assert f'data-shown="{differs}"' in filtered
    # A link to one chapter (?topic=, as a reader shares it) opens on that chapter alone.
    topic = "account safety"
    in_topic = [sc.key for sc in CATALOGUE if sc.chapter == topic]
    linked = chromium("--dump-dom", f"{report.as_uri()}?topic={quote(topic)}",
                      user_data=tmp_path / "d").stdout
    assert f'data-shown="{len(in_topic)}"' in linked
    visible = re.findall(r'<section class="scenario" id="[^"]+" data-key="([^"]+)"[^>]*?'
                         r'data-topic="[^"]+"(?! style="display: none;")', linked)
    assert visible == in_topic
    # A 390-px phone: nothing wider than the screen, the pairs in one column. (Headless
    # chromium's window is 500 px at least: the page is laid out in a 390-px frame instead.)
    phone = tmp_path / "phone.html"
    phone.write_text(PHONE.replace("REPORT", report.as_uri()))
    dom = chromium("--dump-dom", "--allow-file-access-from-files", phone.as_uri(),
                   user_data=tmp_path / "e").stdout
    width = int(re.search(r'data-width="(\d+)"', dom).group(1))
    assert width <= 390 and 'data-columns="1"' in dom, dom[-500:]
    wide = chromium("--dump-dom", "--window-size=1280,900", report.as_uri(),
                    user_data=tmp_path / "f").stdout
    assert 'data-columns="2"' in wide  # side by side where there is room
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,2400", report.as_uri(),
             user_data=tmp_path / "c")
    assert shot.stat().st_size > 50_000  # a page was drawn, not a blank one


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian: apt-get install "
                                              "chromium; .ci/run installs it)")
def test_the_report_shows_both_pages_as_the_browser_drew_them(report: Path):
    """Screenshots of /app on both apps, taken in chromium after a login, an added item and
    the "injected script" (sidebyside/screenshots.py)."""
    import base64

    text = report.read_text()
    section = text.split("<h2>In the browser</h2>", 1)[1].split("<h2>", 1)[0]
    shots = [base64.b64decode(s) for s in
             re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", section)]
    assert len(shots) == 2 and all(s.startswith(b"\x89PNG\r\n\x1a\n") for s in shots)
    assert all(len(s) > 20_000 for s in shots)  # a drawn page, not a blank one
    assert "localStorage" in section and "httpOnly" in section
