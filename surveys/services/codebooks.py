"""Seeded codebooks: themes a coalition expects, with keywords in both languages.

A survey's codebook starts as a copy of the bundled one for its slug
(``surveys/analysis/codebooks/<slug>.yaml``), if any, and is then edited by
leads. Answers matching a codebook theme's keywords join that theme.
"""

import yaml

from ..config import PACKAGE_DIR
from ..extensions import db
from ..models import ThemeCodebook
from .guides import new_key

BUNDLED = PACKAGE_DIR / "analysis" / "codebooks"


def bundled_themes(slug):
    path = BUNDLED / f"{slug}.yaml"
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("themes", [])


def codebook_for(survey):
    """The survey's codebook; the first call copies the bundled one, if any."""
    codebook = db.session.scalar(db.select(ThemeCodebook).filter_by(survey_id=survey.id))
    if codebook is None:
        codebook = ThemeCodebook(survey_id=survey.id, themes=bundled_themes(survey.slug))
        db.session.add(codebook)
        db.session.flush()
    return codebook


def codebook_of(survey):
    """The codebook a run uses: the leads' edited one, else the bundled one;
    None when there are no themes. Only reads, so a run takes no write lock."""
    from ..analysis import Codebook

    stored = db.session.scalar(db.select(ThemeCodebook.themes).filter_by(survey_id=survey.id))
    themes = bundled_themes(survey.slug) if stored is None else stored
    return Codebook.from_dict({"name": survey.slug, "themes": themes}) if themes else None


def save_themes(codebook, rows):
    """Replace the themes with ``rows`` in order; known keys stay, new rows get one."""
    known = {theme["key"] for theme in codebook.themes}
    taken, kept, themes = set(known), set(), []
    for row in rows:
        key = row.get("key")
        if key not in known or key in kept:
            key = new_key(row["names"]["en"], taken)
        taken.add(key)
        kept.add(key)
        themes.append(
            {
                "key": key,
                "names": dict(row["names"]),
                "keywords": {lang: list(words) for lang, words in row["keywords"].items()},
            }
        )
    codebook.themes = themes
    db.session.flush()
    return codebook
