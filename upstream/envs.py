"""Throwaway copies of the v2 environment, stock or with the upstream patches applied.

Each is `uv sync --locked --group v2` into an ignored folder (`.bench-upstream/<variant>`),
with files copied rather than linked from uv's cache (a patch applied to a hard-linked file
would change the cache, and every environment linked to it, .venv-v2 included); the patches'
library hunks are then applied to the copy's site-packages. The project's own environments
are never touched. A variant is rebuilt when uv.lock or a patch changes.

python -m upstream.envs [stock] [patched-fje] [patched-fje-pyjwt]   (prints each interpreter)
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "upstream"
ENV_ROOT = REPO / ".bench-upstream"


@dataclass(frozen=True)
class Patch:
    distribution: str  # as uv.lock names it
    version: str  # the release the patch is written against
    file: Path
    package: str  # the import package: only its hunks go into site-packages


FJE = Patch("flask-jwt-extended", "4.7.4",
            HERE / "flask-jwt-extended-4.7.4-decode-once.patch", "flask_jwt_extended")
PYJWT = Patch("pyjwt", "2.15.1", HERE / "pyjwt-2.15.1-fast-base64url-check.patch", "jwt")
VARIANTS: dict[str, tuple[Patch, ...]] = {
    "stock": (),
    "patched-fje": (FJE,),
    "patched-fje-pyjwt": (FJE, PYJWT),
}


def uv() -> str:
    """The pinned uv the Makefile uses (UV=...), else the one on PATH, else .tools/bin/uv."""
    found = os.environ.get("UV") or shutil.which("uv") or str(REPO / ".tools" / "bin" / "uv")
    if not Path(found).exists() and not shutil.which(found):
        raise RuntimeError("no uv: run `make venvs` first (it installs the pinned uv)")
    return found


def interpreter() -> str:
    """The Python the copies are built with: the Makefile's (UV_PYTHON), else this one."""
    return os.environ.get("UV_PYTHON") or sys.executable


def fingerprint(variant: str) -> str:
    """What a copy is built from: the lock, the patches, the interpreter asked for."""
    digest = hashlib.sha256((REPO / "uv.lock").read_bytes())
    digest.update(interpreter().encode())
    for patch in VARIANTS[variant]:
        digest.update(patch.file.read_bytes())
    return digest.hexdigest()


def python_of(variant: str) -> Path:
    return ENV_ROOT / variant / "bin" / "python"


def site_packages(python: Path) -> Path:
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def apply(patch: Patch, python: Path) -> None:
    """The patch's hunks for its package (not its tests) into the environment's copy."""
    installed = library_versions(python)[patch.distribution]
    if installed != patch.version:
        raise RuntimeError(f"{patch.file.name} is for {patch.distribution} {patch.version}; "
                           f"uv.lock installs {installed}")
    target = site_packages(python)
    # Outside any repository (the ceiling stops git's search), `git apply` patches files.
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(target.parent)}
    subprocess.run(["git", "apply", "-p1", f"--include={patch.package}/*", str(patch.file)],
                   cwd=target, env=env, check=True)


def build(variant: str) -> Path:
    """The interpreter of the variant's throwaway environment, built if missing or stale."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}: one of {', '.join(VARIANTS)}")
    folder, python = ENV_ROOT / variant, python_of(variant)
    stamp = folder / ".built-from"
    if python.exists() and stamp.exists() and stamp.read_text() == fingerprint(variant):
        return python
    shutil.rmtree(folder, ignore_errors=True)
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(folder), "UV_LINK_MODE": "copy",
           "UV_PYTHON_DOWNLOADS": "never"}
    env["UV_PYTHON"] = interpreter()
    subprocess.run([uv(), "sync", "--locked", "--group", "v2", "--quiet"], cwd=REPO, env=env,
                   check=True)
    for patch in VARIANTS[variant]:
        apply(patch, python)
    stamp.write_text(fingerprint(variant))
    return python


def library_versions(python: Path) -> dict[str, str]:
    """{distribution: version} of the two patched libraries in an environment."""
    code = ("import json; from importlib.metadata import version; "
            "print(json.dumps({d: version(d) for d in ('flask-jwt-extended', 'pyjwt')}))")
    return json.loads(subprocess.run([str(python), "-c", code], check=True,
                                     capture_output=True, text=True).stdout)


def main(argv: list[str] | None = None) -> int:
    for variant in (argv if argv is not None else sys.argv[1:]) or list(VARIANTS):
        print(build(variant))
    return 0


if __name__ == "__main__":
    sys.exit(main())
