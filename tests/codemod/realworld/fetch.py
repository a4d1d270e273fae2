"""Bring each pinned tree into corpus/<owner+name>/before: from a local mirror of the repository
(CORPUS_MIRRORS: a folder of `owner+name/repo` git directories, as a snapshot store lays them
out), else by a shallow fetch of that one commit from GitHub. What cannot be had is skipped with
a message saying why; the report then has no row for it."""

import io
import os
import subprocess
import tarfile
from pathlib import Path

from tests.codemod.realworld.pins import Pin


def git_dir(mirrors: Path | None, pin: Pin) -> Path | None:
    if mirrors is None:
        return None
    repo = mirrors / pin.repo.replace("/", "+") / "repo"
    return repo / ".git" if (repo / ".git").is_dir() else repo if repo.is_dir() else None


def archive(git: Path, commit: str) -> bytes | None:
    """A tar of the commit's Python files (a snapshot may lack its big binary files, which
    `git archive` would refuse; the codemod needs none of them)."""
    listed = subprocess.run(["git", "--git-dir", str(git), "ls-tree", "-r", "-z", commit],
                            capture_output=True, timeout=300)
    if listed.returncode:
        return None
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for entry in listed.stdout.split(b"\0"):
            meta, _, name = entry.partition(b"\t")
            if not name.endswith(b".py") or meta.split()[1] != b"blob":
                continue
            blob = subprocess.run(["git", "--git-dir", str(git), "cat-file", "blob",
                                   meta.split()[2].decode()], capture_output=True, timeout=60)
            if blob.returncode:
                continue
            info = tarfile.TarInfo(name.decode(errors="replace"))
            info.size = len(blob.stdout)
            tar.addfile(info, io.BytesIO(blob.stdout))
    return buffer.getvalue()


def from_github(pin: Pin, scratch: Path) -> bytes | None:
    """A shallow fetch of the pinned commit alone (GitHub serves commits by id)."""
    scratch.mkdir(parents=True, exist_ok=True)
    git = scratch / "git"
    steps = [["git", "init", "-q", "--bare", str(git)],
             ["git", "--git-dir", str(git), "fetch", "-q", "--depth", "1",
              f"https://github.com/{pin.repo}.git", pin.commit]]
    for step in steps:
        if subprocess.run(step, capture_output=True, timeout=300,
                          env={**os.environ, "GIT_TERMINAL_PROMPT": "0"}).returncode:
            return None
    return archive(git, pin.commit)


def bring(pin: Pin, out: Path, mirrors: Path | None) -> Path | None:
    """corpus/<owner+name>/before at the pinned commit, or None (and a message)."""
    target = out / pin.repo.replace("/", "+") / "before"
    if target.is_dir():
        return target
    git = git_dir(mirrors, pin)
    tar = archive(git, pin.commit) if git else None
    if tar is None:
        tar = from_github(pin, out / ".scratch" / pin.repo.replace("/", "+"))
    if tar is None:
        where = f"no mirror under {mirrors} and " if mirrors else ""
        print(f"corpus: {pin.repo}@{pin.commit[:10]} skipped: {where}the commit could not "
              f"be fetched from GitHub")
        return None
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive_file:
        archive_file.extractall(target, filter="data")
    return target
