"""make mutants: apply each mutant of the catalogue, one at a time, to a scratch copy of the
repository (never the working tree), run the narrow test subset it names, and report.

python -m tests.mutants.run [ID-or-substring ...]
KILLED: the subset went red, as it must. SURVIVED: nothing noticed the sabotage (exit 1).
BROKEN: the mutant's text is not in its file exactly once, or its subset could not run.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sidebyside.servers import venv_prefix, venv_python
from tests.mutants.catalogue import MUTANTS, Mutant

REPO = Path(__file__).resolve().parents[2]


def scratch_copy(target: Path) -> None:
    """The tracked and new files, and links to the environments beside this interpreter."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    for name in listed:
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for stack in ("v1", "v2", "fje3"):
        (target / f"{venv_prefix()}{stack}").symlink_to(REPO / f"{venv_prefix()}{stack}")


def run_one(mutant: Mutant, root: Path) -> tuple[str, float]:
    path = root / mutant.file
    original = path.read_text()
    if original.count(mutant.find) != 1:
        return f"BROKEN (text found {original.count(mutant.find)} times)", 0.0
    python = venv_python(mutant.stack, root)
    path.write_text(original.replace(mutant.find, mutant.replace))
    began = time.monotonic()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
        if mutant.time_zone:
            env["TZ"] = mutant.time_zone
        pytest = [str(python), "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                  *mutant.tests]
        # A throwaway cluster for this subset only.
        wrap = ["bash", str(root / ".ci/with-postgres")] if mutant.postgres else []
        done = subprocess.run([*wrap, *pytest], cwd=root, env=env, capture_output=True,
                              text=True, timeout=600)
    finally:
        path.write_text(original)
    elapsed = time.monotonic() - began
    if done.returncode == 0:
        return "SURVIVED", elapsed
    if mutant.postgres and "needs PostgreSQL" in done.stderr:
        return "BROKEN (no PostgreSQL server binaries here)", elapsed
    if done.returncode in (1, 2):  # tests failed, or the mutant broke collection
        return "KILLED", elapsed
    return f"BROKEN (pytest exit {done.returncode})", elapsed


def main(argv: list[str]) -> int:
    chosen = [m for m in MUTANTS if not argv or any(a in f"{m.file} {m.why}" for a in argv)]
    began, results = time.monotonic(), []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        scratch_copy(root)
        for number, mutant in enumerate(chosen, 1):
            verdict, seconds = run_one(mutant, root)
            results.append(verdict)
            print(f"{verdict:9} M{number:02} {mutant.file}: {mutant.why} ({seconds:.1f} s)",
                  flush=True)
    killed = results.count("KILLED")
    others = len(results) - killed
    print(f"mutants: {killed} of {len(results)} killed, {others} not "
          f"({time.monotonic() - began:.0f} s)")
    return 1 if others else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
