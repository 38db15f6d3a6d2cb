"""The distribution is one import package, ``skillpulse``, usable beside anyone's own code.

Builds the wheel from the repository, checks what it holds (only ``skillpulse/`` and its
dist-info, no test fixtures, every product module and data file), then runs the installed wheel
from a folder whose ``PYTHONPATH`` holds hostile packages named ``data``, ``models``, ``sql`` and
``dashboard`` (each raises on import): ``--version``, ``demo --no-serve`` and ``export`` must work.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FOLDERS = {"data": "skillpulse/data", "models": "skillpulse/models",
           "dashboard": "skillpulse/dashboard", "sql": "skillpulse/sql", "skillpulse": "skillpulse"}
SHIPPED_SUFFIXES = {".py", ".sql", ".csv", ".css", ".js", ".ico"}

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a copy of the source: an in-tree build writes build/ and *.egg-info into the
    # repository, and other tests running meanwhile must not race with it.
    root = tmp_path_factory.mktemp("wheel")
    src, out = root / "src", root / "dist"
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "build", "*.egg-info", ".*_cache", "*.duckdb*",
        ".mutation*"))  # bench/mutation.py's copies (and a socket while it runs)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(out), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    (whl,) = out.glob("skillpulse-*.whl")
    return whl


def _expected_files() -> set[str]:
    """Every product file under the top-level folders, as it should sit in the wheel."""
    expected = set()
    for folder, target in FOLDERS.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts:
                expected.add(f"{target}/{path.relative_to(REPO / folder).as_posix()}")
    return expected


def test_wheel_holds_one_top_level_package_and_no_fixtures(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert len(dist_info) == 1 and tops == {"skillpulse", *dist_info}, tops
    assert not [n for n in names if "fixture" in n], "test fixtures must not ship"
    files = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert files == _expected_files()
    top_level = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/top_level.txt"))).decode().split()
    assert top_level == ["skillpulse"]


def _hostile_path(root: Path) -> Path:
    hostile = root / "hostile"
    for name in ("data", "models", "sql", "dashboard"):
        pkg = hostile / name
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text(f"raise ImportError('the user package {name} was imported')\n")
    return hostile


def test_installed_wheel_works_beside_packages_named_like_its_folders(wheel: Path, tmp_path: Path
                                                                        ) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    hostile = _hostile_path(tmp_path)
    work = hostile  # the user's own folder, with their packages, is the working directory
    env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLPULSE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(hostile), str(target)])

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "skillpulse", *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=timeout)

    probe = subprocess.run([sys.executable, "-c", "import skillpulse; print(skillpulse.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(target))
    version = run("--version")
    assert version.returncode == 0, version.stderr
    assert "skillpulse" in version.stdout
    db = tmp_path / "demo.duckdb"
    demo = run("demo", "--no-serve", "--db", str(db), timeout=600)
    assert demo.returncode == 0, demo.stderr[-2000:]
    out = tmp_path / "outlook.csv"
    export = run("export", "outlook", "--db", str(db), "--out", str(out))
    assert export.returncode == 0, export.stderr[-2000:]
    assert out.read_text().splitlines()[0].startswith("skill,category,source")
    assert len(out.read_text().splitlines()) > 300
