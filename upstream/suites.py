"""The libraries' own test suites, stock and patched, at the released sources the patches are
written against: the sdists uv.lock pins (URL and sha256 from the lock), unpacked into the
ignored .bench-upstream/suites/, each patch applied whole (its tests included), each suite
run in a throwaway environment with the test dependencies the library's tox.ini names.
Needs the network (PyPI). One summary line per run, then the added tests on stock sources
(they must fail there: they test what the patches change).

python -m upstream.suites
"""

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from pathlib import Path

from upstream.envs import ENV_ROOT, FJE, PYJWT, REPO, Patch, uv

ROOT = ENV_ROOT / "suites"
# The test dependencies each library's tox.ini / pyproject names; the stack's own Flask,
# Werkzeug and PyJWT for Flask-JWT-Extended's suite.
TEST_DEPS = {
    "pyjwt": ["pytest>=8.4.2,<9", "cryptography>=3.4.0"],
    "flask-jwt-extended": ["pytest", "cryptography", "python-dateutil", "flask==3.1.3",
                           "werkzeug==3.1.9"],
}
ADDED_TESTS = {
    "pyjwt": ["tests/test_api_jws.py::TestJWS::"
              "test_decode_rejects_every_non_base64url_byte_in_each_segment",
              "tests/test_api_jws.py::TestJWS::"
              "test_only_base64url_matches_the_alphabet_byte_by_byte"],
    "flask-jwt-extended": ["tests/test_decode_once.py"],
}


def sdist(patch: Patch) -> tuple[str, str]:
    """(url, sha256) of the release's sdist, as uv.lock pins it."""
    name = patch.distribution.replace("-", "_")
    found = re.search(rf'sdist = {{ url = "([^"]+/{name}-{re.escape(patch.version)}\.tar\.gz)", '
                      r'hash = "sha256:([0-9a-f]{64})"', (REPO / "uv.lock").read_text())
    if not found:
        raise RuntimeError(f"uv.lock pins no sdist of {patch.distribution} {patch.version}")
    return found.group(1), found.group(2)


def unpack(patch: Patch, folder: Path, patched: bool) -> Path:
    url, sha256 = sdist(patch)
    with urllib.request.urlopen(url, timeout=60) as answer:
        data = answer.read()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RuntimeError(f"{url}: not the sdist uv.lock pins")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(folder, filter="data")
    source = next(folder.iterdir())
    if patched:
        env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(source.parent)}
        subprocess.run(["git", "apply", "-p1", str(patch.file)], cwd=source, env=env,
                       check=True)
    return source


def environment(folder: Path, packages: list[str], sources: list[Path]) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run([uv(), "venv", "--quiet", "--python", env.get("UV_PYTHON", sys.executable),
                    str(folder)], check=True, env=env)
    python = folder / "bin" / "python"
    subprocess.run([uv(), "pip", "install", "--quiet", "--python", str(python), *packages],
                   check=True, env=env)
    for source in sources:  # the library under test, from its (patched) source, no deps
        subprocess.run([uv(), "pip", "install", "--quiet", "--no-deps", "--python",
                        str(python), str(source)], check=True, env=env)
    return python


# Where each library keeps its pytest settings (Flask-JWT-Extended has none: its tox.ini,
# without a [pytest] section, stops pytest from taking this repository's settings instead).
PYTEST_CONFIG = {"pyjwt": "pyproject.toml", "flask-jwt-extended": "tox.ini"}


def pytest(python: Path, source: Path, library: str, *selection: str) -> str:
    done = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-c", PYTEST_CONFIG[library], "--rootdir", ".",
                           *(selection or ("tests",))], cwd=source, capture_output=True,
                          text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else done.stderr.strip()[-200:]
    return f"{summary} (exit {done.returncode})"


def main() -> int:
    results: list[str] = []
    sources = {}
    for patch in (PYJWT, FJE):
        for patched in (False, True):
            label = "patched" if patched else "stock"
            sources[patch.distribution, label] = unpack(
                patch, ROOT / f"{patch.distribution}-{label}", patched)
    pyjwt_deps = TEST_DEPS["pyjwt"]
    fje_deps = TEST_DEPS["flask-jwt-extended"]
    runs = [
        ("PyJWT 2.15.1 stock", "pyjwt", "stock", pyjwt_deps, []),
        ("PyJWT 2.15.1 patched", "pyjwt", "patched", pyjwt_deps, []),
        ("Flask-JWT-Extended 4.7.4 stock, PyJWT stock", "flask-jwt-extended", "stock",
         fje_deps, [sources["pyjwt", "stock"]]),
        ("Flask-JWT-Extended 4.7.4 patched, PyJWT stock", "flask-jwt-extended", "patched",
         fje_deps, [sources["pyjwt", "stock"]]),
        ("Flask-JWT-Extended 4.7.4 patched, PyJWT patched", "flask-jwt-extended", "patched",
         fje_deps, [sources["pyjwt", "patched"]]),
    ]
    for number, (title, library, label, deps, extra) in enumerate(runs):
        source = sources[library, label]
        python = environment(ROOT / f"venv-{number}", deps, [*extra, source])
        results.append(f"{title}: {pytest(python, source, library)}")
        print(results[-1], flush=True)
        if label == "stock":
            # The added tests, copied onto the stock sources: they must fail there.
            patched_source = sources[library, "patched"]
            for test in ADDED_TESTS[library]:
                file = test.split("::")[0]
                shutil.copy(patched_source / file, source / file)
            print(f"  its added tests on the stock sources: "
                  f"{pytest(python, source, library, *ADDED_TESTS[library])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
