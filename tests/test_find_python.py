"""bin/find-python: the Makefile finds a Python >= 3.12 by itself or says what it needs."""

import os
import subprocess

from .conftest import ROOT

SCRIPT = ROOT / "bin" / "find-python"


def fake_python(directory, name, version):
    """Write an executable `name` that behaves like a Python of `version` for the check."""
    major, minor = version
    path = directory / name
    path.write_text(
        "#!/bin/sh\n"
        f'[ "$1" = "-c" ] && exit $([ {major} -gt 3 -o {minor} -ge 12 ] && echo 0 || echo 1)\n'
        "exit 0\n"
    )
    path.chmod(0o755)
    return path


def run(path_dirs, home):
    env = {"PATH": os.pathsep.join(map(str, path_dirs)), "HOME": str(home)}
    return subprocess.run(
        ["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True, check=False
    )


def test_picks_a_new_enough_python(tmp_path):
    fake_python(tmp_path, "python3", (3, 11))
    good = fake_python(tmp_path, "python3.13", (3, 13))
    proc = run([tmp_path, "/usr/bin", "/bin"], tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == str(good)


def test_explains_what_it_needs_when_only_an_old_python_exists(tmp_path):
    fake_python(tmp_path, "python3", (3, 11))
    bins = tmp_path / "bin"
    bins.mkdir()
    for tool in ("sh", "grep", "sort", "cat"):
        os.symlink(
            f"/bin/{tool}" if os.path.exists(f"/bin/{tool}") else f"/usr/bin/{tool}", bins / tool
        )
    proc = run([tmp_path, bins], tmp_path)
    assert proc.returncode == 1
    assert "needs Python 3.12 or newer" in proc.stderr
