"""Trainer as a company installs it. An sdist is made from a copy of the source (with planted
junk), a wheel is built from that sdist offline, and both must carry the templates, static files,
default library and migrations and no bytecode or editor leftovers. The wheel is installed in a
fresh virtualenv (its dependencies come from this venv through a .pth file, so nothing is
downloaded) and run from a folder outside the checkout: `trainer demo` and gunicorn serve pages
from the installed copy, never the checkout's, and TRAINER_SCENARIOS_DIR still points the app at
a company's own library."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from trainer import _instance_path, config

ROOT = Path(__file__).resolve().parent.parent
# The checkout's local state, never part of a build (the rest is copied, as a clone would have it)
LOCAL_STATE = {".venv", ".git", "instance", "build", "dist", "tmp", ".pytest_cache", ".ruff_cache"}
DATA_FOLDERS = ("templates", "static", "scenarios", "rubrics", "migrations")
JUNK = ("trainer/migrations/versions/__pycache__/0001_initial_schema.cpython-311.pyc",
        "trainer/__pycache__/config.cpython-311.pyc", "trainer/templates/base.html~",
        "trainer/static/.DS_Store", "trainer/scenarios/notes.yaml.swp", "trainer/rubrics/core.orig")
JUNK_NAME = re.compile(r"(__pycache__|\.py[co]$|~$|\.swp$|\.DS_Store$|\.orig$|\.rej$|\.bak$)")
MARKER = "<!-- served by the installed package -->"
PROBE = "packaging-probe.txt"
COMPANY_TITLE = "Packaging probe: the company kettle complaint"
STARTUP_SECONDS = 45


def _run(args: list[str | Path], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120,
                          check=False, **kwargs)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """An sdist of a copy of the checkout, junk planted in it, and the wheel built from that
    sdist (as `python -m build` does): a stale build/ folder in the checkout cannot leak in."""
    if int(version("setuptools").split(".")[0]) < 77:
        pytest.skip("building the wheel offline needs setuptools>=77 in this venv: run "
                    "`scripts/setup '[test]'` (or `.venv/bin/pip install 'setuptools>=77'`)")
    base = tmp_path_factory.mktemp("build")
    source = base / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=lambda folder, names: [
        n for n in names if Path(folder) == ROOT and (n in LOCAL_STATE or n.endswith(".egg-info"))])
    for junk in JUNK:
        (source / junk).parent.mkdir(parents=True, exist_ok=True)
        (source / junk).write_text("junk")
    build_sdist = "import setuptools.build_meta as b, sys; print(b.build_sdist(sys.argv[1]))"
    name = _run([sys.executable, "-c", build_sdist, base / "sdist"],
                cwd=source).stdout.strip().splitlines()[-1]
    sdist = base / "sdist" / name
    _run([sys.executable, "-m", "pip", "wheel", sdist, "--no-deps", "--no-build-isolation",
          "--no-index", "--disable-pip-version-check", "-q", "-w", base / "wheel"])
    (wheel,) = (base / "wheel").glob("trainer-*.whl")
    return {"source": source, "sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def venv(built, tmp_path_factory) -> Path:
    """A fresh virtualenv with the wheel installed, offline."""
    home = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", home])
    python = home / "bin" / "python"
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    deps = sysconfig.get_paths()["purelib"]  # Flask & co.: after the venv's own site-packages
    (Path(site.stdout.strip()) / "trainer_test_deps.pth").write_text(deps + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
          "--disable-pip-version-check", "-q", built["wheel"]])
    return home


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment: nothing of this test run's settings, no PYTHONPATH, no venv."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "LC_ALL", "TMPDIR"}}
    return {**keep, "HOME": str(tmp_path / "home"), "XDG_DATA_HOME": str(tmp_path / "xdg"),
            "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _outside(tmp_path: Path) -> Path:
    folder = tmp_path / "somewhere"
    folder.mkdir(exist_ok=True)
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, opener=None, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with (opener or urllib.request.build_opener()).open(url, body, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Server:
    """A command serving on a free port, started in its own process group, ready once /login
    answers. A port taken between choosing and binding it is retried with another."""

    def __init__(self, command, env: dict[str, str], cwd: Path, log: Path):
        self.command, self.env, self.cwd, self.log = command, env, cwd, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        for _ in range(3):
            self.port = _free_port()
            with self.log.open("w") as out:
                self.process = subprocess.Popen(
                    [str(a) for a in self.command(self.port)], env=self.env, cwd=self.cwd,
                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            if self._ready():
                return f"http://127.0.0.1:{self.port}"
            _stop(self.process)
            if "in use" not in self.log.read_text():  # "already in use", "Connection in use"
                break
        raise AssertionError(f"the server did not start:\n{self.log.read_text()[-3000:]}")

    def _ready(self) -> bool:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if _get(f"http://127.0.0.1:{self.port}/login")[0] == 200:
                    return True
            except OSError:  # not listening yet
                pass
            time.sleep(0.1)
        return False

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            _stop(self.process)


def _installed_package(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages/trainer"))


def test_wheel_and_sdist_carry_the_package_data_and_no_junk(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        in_wheel = set(wheel.namelist())
    with tarfile.open(built["sdist"]) as sdist:
        in_sdist = {m.name.split("/", 1)[1] for m in sdist.getmembers() if not m.isdir()}
    source = built["source"]  # the copy the build saw, planted junk included
    wanted = {str(p.relative_to(source)) for folder in DATA_FOLDERS
              for p in (source / "trainer" / folder).rglob("*")
              if p.is_file() and not JUNK_NAME.search(str(p))}
    wanted |= {str(p.relative_to(source)) for p in (source / "trainer").rglob("*.py")}
    assert {"trainer/templates/auth/login.html", "trainer/static/vendor/pico/pico.min.css",
            "trainer/scenarios/categories.yaml", "trainer/rubrics/core.yaml",
            "trainer/migrations/env.py", "trainer/migrations/versions/0001_initial_schema.py",
            "trainer/wsgi.py"} <= wanted
    assert not wanted - in_wheel, f"missing from the wheel: {sorted(wanted - in_wheel)}"
    assert not wanted - in_sdist, f"missing from the sdist: {sorted(wanted - in_sdist)}"
    assert not [n for n in in_wheel | in_sdist if JUNK_NAME.search(n)]
    assert all(n.startswith(("trainer/", "trainer-")) for n in in_wheel)
    top = {"PKG-INFO", "README.md", "LICENSE", "MANIFEST.in", "pyproject.toml", "setup.cfg"}
    assert not [n for n in in_sdist if n not in top and not n.startswith(("trainer/",
                                                                          "trainer.egg-info/"))]


def test_the_installed_package_is_imported_from_the_venv_not_the_checkout(venv, tmp_path):
    code = ("import trainer, trainer.config as c\n"
            "print(trainer.__file__); print(c.PACKAGE_DIR); print(c.default_instance_path())")
    done = _run([venv / "bin" / "python", "-c", code], env=_env(tmp_path), cwd=_outside(tmp_path))
    module, package, instance = done.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(venv) and not Path(module).is_relative_to(ROOT)
    assert Path(package) == _installed_package(venv).resolve()
    assert instance == str(tmp_path / "xdg" / "trainer")  # not the checkout's instance/


def test_trainer_demo_serves_the_installed_copy_from_any_directory(venv, tmp_path):
    package = _installed_package(venv)
    with (package / "templates" / "base.html").open("a") as base:  # only this copy has these
        base.write(MARKER + "\n")
    (package / "static" / PROBE).write_text("installed")
    trainer, cwd = venv / "bin" / "trainer", _outside(tmp_path)
    env = _env(tmp_path, TRAINER_INSTANCE_PATH=str(tmp_path / "instance"))
    assert "--port" in _run([trainer, "demo", "--help"], env=env, cwd=cwd).stdout

    with Server(lambda port: [trainer, "demo", "--port", port], env, cwd,
                tmp_path / "demo.log") as url:
        status, page = _get(f"{url}/login")
        assert status == 200 and "<h1>Log in</h1>" in page and 'name="csrf_token"' in page
        assert MARKER in page  # the templates are the installed ones
        assert _get(f"{url}/static/vendor/pico/pico.min.css")[0] == 200
        assert _get(f"{url}/static/{PROBE}") == (200, "installed")
        taken = subprocess.run([trainer, "demo", "--port", str(url.rsplit(":", 1)[1])],
                               env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert (tmp_path / "instance" / "trainer.db").is_file()
    assert taken.returncode != 0 and "already in use" in taken.stderr
    assert "scripts/demo" not in taken.stderr  # an installed trainer has no scripts/


def _company_library(tmp_path: Path) -> Path:
    """The default library plus one scenario of the company's own, in a folder of its own."""
    library = tmp_path / "company-scenarios"
    shutil.copytree(ROOT / "trainer" / "scenarios", library)
    text = (library / "store-faulty-kettle-no-receipt.yaml").read_text()
    text = text.replace("id: store-faulty-kettle-no-receipt", "id: company-kettle-probe", 1)
    text = re.sub(r"(?m)^title: .*$", f'title: "{COMPANY_TITLE}"', text, count=1)
    (library / "company-kettle-probe.yaml").write_text(text)
    return library


def test_gunicorn_serves_the_installed_app_with_a_company_library(venv, tmp_path):
    library = _company_library(tmp_path)
    env = _env(tmp_path, SECRET_KEY="packaging-test-secret",
               TRAINER_AUDIT_KEY="packaging-test-audit-key",
               DATABASE_URL=f"sqlite:///{tmp_path / 'trainer.db'}",
               TRAINER_INSTANCE_PATH=str(tmp_path / "instance"),
               TRAINER_SCENARIOS_DIR=str(library))
    trainer, cwd = venv / "bin" / "trainer", _outside(tmp_path)
    _run([trainer, "init-db"], env=env, cwd=cwd)
    _run([trainer, "users", "create", "--email", "pat@example.com", "--name", "Pat Doe",
          "--role", "trainee", "--department", "retail-stores",
          "--password", "a long packaging test passphrase"], env=env, cwd=cwd)

    gunicorn = [venv / "bin" / "python", "-m", "gunicorn", "--workers", "1", "--timeout", "60"]
    with Server(lambda port: [*gunicorn, "--bind", f"127.0.0.1:{port}", "trainer.wsgi:app"],
                env, cwd, tmp_path / "gunicorn.log") as url:
        assert _get(f"{url}/static/css/app.css")[0] == 200
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, page = _get(f"{url}/login", browser)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        status, dashboard = _get(f"{url}/login", browser, {
            "csrf_token": token, "email": "pat@example.com",
            "password": "a long packaging test passphrase"})
    assert status == 200 and 'action="/logout"' in dashboard, dashboard[-2000:]
    assert COMPANY_TITLE in dashboard  # the company's library, not only the packaged one


def test_the_instance_folder_outside_a_checkout(monkeypatch, tmp_path):
    """No pyproject.toml beside the package: the user's data folder (XDG), never the current
    directory; a relative TRAINER_INSTANCE_PATH is made absolute for Flask."""
    monkeypatch.setattr(config, "ROOT", tmp_path / "site-packages")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert config.default_instance_path() == str(tmp_path / "data" / "trainer")
    for ignored in ("relative/data", ""):  # the XDG spec: a relative path is ignored
        monkeypatch.setenv("XDG_DATA_HOME", ignored)
        assert config.default_instance_path() == str(tmp_path / "home/.local/share/trainer")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TRAINER_INSTANCE_PATH", "instance-here")
    assert _instance_path() == str(tmp_path / "instance-here")
    monkeypatch.setattr(config, "ROOT", Path(config.__file__).resolve().parent.parent)
    monkeypatch.delenv("TRAINER_INSTANCE_PATH")
    assert _instance_path() == str(ROOT / "instance")  # this checkout's
