"""make report: the page is whole, self-contained, and works in a real browser (Debian's
chromium, headless): every scenario is there and the filters run."""

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

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
    visible = re.findall(r'<section class="scenario" data-key="([^"]+)"[^>]*?'
                         r'data-topic="[^"]+"(?! style="display: none;")', linked)
    assert visible == in_topic
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,2400", report.as_uri(),
             user_data=tmp_path / "c")
    assert shot.stat().st_size > 50_000  # a page was drawn, not a blank one
