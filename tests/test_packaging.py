"""An installed Voces (a wheel, not the source tree) finds everything it needs.

The wheel is built from a copy of the sources without compiled catalogs,
installed into a fresh virtual environment that borrows this one's
dependencies (no index is reached), and run from a folder outside the source
tree: migrations, the bundled survey, the Spanish catalog, static files and
the seeded codebook must all come from the installed package.
"""

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "surveys",
    "templates",
    "static",
    "translations",
    "migrations",
)
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]

CHECK = """
import sys
from pathlib import Path

import surveys
from surveys import create_app
from surveys.services import codebooks

assert Path(surveys.__file__).is_relative_to(sys.prefix), surveys.__file__
assert (codebooks.BUNDLED / "safe-return.yaml").is_file()
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite:///voces.sqlite"})
runner = app.test_cli_runner()
for args in (["db", "upgrade"], ["surveys", "load"]):
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
client = app.test_client()
style = client.get("/static/css/voces.css")
print("static", style.status_code, style.mimetype)
style.close()
page = client.get("/s/safe-return?lang=es")
print("page", page.status_code)
print(page.get_data(as_text=True))
"""


def copy_sources(target):
    """The files a release is built from, without compiled catalogs or caches."""
    skipped = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    target.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=skipped)
        else:
            shutil.copy2(source, target / name)


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, **kwargs)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_an_installed_wheel_serves_the_spanish_survey_outside_the_source_tree(tmp_path):
    copy_sources(tmp_path / "src")
    run([*PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", "dist", "./src"],
        cwd=tmp_path)  # fmt: skip
    wheel = next((tmp_path / "dist").glob("voces-*.whl"))
    run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")])
    python = tmp_path / "venv" / "bin" / "python"
    site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    # Dependencies from this environment, after the new one's own site-packages.
    Path(site.strip(), "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([*PIP, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    output = run([python, "-I", "-c", CHECK], cwd=elsewhere)

    assert "static 200 text/css" in output
    assert "page 200" in output
    assert '<html lang="es">' in output
    assert "Regreso seguro a la escuela" in output  # the survey's own text
    assert "Ir al contenido" in output  # the interface, from the compiled catalog
    assert not (ROOT / "surveys" / "_resources").exists()
