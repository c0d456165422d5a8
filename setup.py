"""One build step beyond pyproject.toml: ship the folders that sit beside the package.

``templates/``, ``static/``, ``translations/`` and ``migrations/`` live at the top
of the source tree (CONVENTIONS.md). A wheel copies them into
``surveys/_resources/``, where ``surveys.config.resource_dir`` looks first, and
compiles the Spanish catalog there, so an installed Voces needs no source tree.
An editable install keeps reading them from the source tree.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ("templates", "static", "translations", "migrations")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")


def compile_catalogs(translations):
    """Each ``messages.po`` to the ``messages.mo`` that Flask-Babel reads."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in translations.rglob("*.po"):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "surveys" / "_resources"
        for name in RESOURCES:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(ROOT / name, target / name, ignore=SKIPPED)
        compile_catalogs(target / "translations")


setup(cmdclass={"build_py": BuildWithResources})
