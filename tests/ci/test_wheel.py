"""Installing tagaudit from a wheel: the build carries the package, the built-in rules and the
demo site (pyproject's force-include), and an installed wheel works outside the checkout.

Offline: the wheel is built with --no-build-isolation (hatchling comes with the test extra),
and installed with --no-deps into a fresh venv that borrows this environment's dependencies
through a .pth file, so only the wheel's own files stand for tagaudit there."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.ci.action_script import REPO

DIST_NAME = "tagaudit-web"
TIMEOUT = 120


def shipped(folder: Path, prefix: str) -> set[str]:
    """Wheel paths for every file under `folder` (caches left out)."""
    return {
        f"{prefix}/{path.relative_to(folder).as_posix()}"
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        # PYTHONPATH would put a checkout before the wheel under test
        env={**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, **env}
        | {"PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    run([*pip_wheel, "--no-index", "--quiet", "-w", str(out), str(REPO)], cwd=out)
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_carries_the_package_the_rules_and_the_demo_site(wheel: Path) -> None:
    assert wheel.name.startswith("tagaudit_web-")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        fields = email.message_from_string(archive.read(metadata).decode())
        scripts = archive.read(entry_points).decode()
    expected = (
        shipped(REPO / "src" / "tagaudit", "tagaudit")
        | shipped(REPO / "rules", "tagaudit/_builtin_rules")
        | shipped(REPO / "fixtures" / "demo-site", "tagaudit/_demo_site")
    )
    assert expected - names == set()
    assert "tagaudit/providers/catalog.yaml" in names  # data the decoders need at run time
    assert fields["Name"] == DIST_NAME
    assert "tagaudit = tagaudit.cli:main" in scripts


def test_the_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path
    )
    borrowed = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(site.stdout.strip(), "borrowed-deps.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    run([*install, "--no-deps", "--no-index", str(wheel)], cwd=tmp_path)

    command = venv / "bin" / "tagaudit"
    assert "audit" in run([str(command), "--help"], tmp_path).stdout
    rules = run([str(command), "rules"], tmp_path).stdout
    assert "duplicate-conversion" in rules
    where = run(
        [
            str(python),
            "-c",
            "import tagaudit; from tagaudit.rules.loader import builtin_rules_dir;"
            "from tagaudit.runner.api import demo_site_root;"
            "print(tagaudit.__file__); print(builtin_rules_dir()); print(demo_site_root())",
        ],
        tmp_path,
    ).stdout.split()
    package = Path(where[0]).parent
    assert package.is_relative_to(venv), "tagaudit came from the checkout, not the wheel"
    assert [Path(p) for p in where[1:]] == [package / "_builtin_rules", package / "_demo_site"]
