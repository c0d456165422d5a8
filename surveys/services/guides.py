"""Facilitation guides: the prompts a survey's focus groups follow.

A survey's guide starts as a copy of ``surveys/bundled/<slug>-guide.yaml``
(or empty) and is then edited by coalition leads. Prompt keys never change
once given, because saved notes point at them.
"""

import re

import yaml

from ..config import PACKAGE_DIR
from ..extensions import db
from ..models import FacilitationGuide
from ..models.focus_group import OBSERVATIONS

KEY_LENGTH = 40


def bundled_prompts(slug):
    path = PACKAGE_DIR / "bundled" / f"{slug}-guide.yaml"
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("prompts", [])


def guide_for(survey):
    """The survey's guide; the first call creates it from the bundled file, if any."""
    guide = db.session.scalar(db.select(FacilitationGuide).filter_by(survey_id=survey.id))
    if guide is None:
        guide = FacilitationGuide(survey_id=survey.id, prompts=bundled_prompts(survey.slug))
        db.session.add(guide)
        db.session.flush()
    return guide


def save_prompts(guide, rows):
    """Replace the prompts with ``rows`` (``{"key", "text"}``, in order).

    A row keeps its key when it names a prompt of this guide; new rows get a
    fresh key made from their English text.
    """
    known = {prompt["key"] for prompt in guide.prompts}
    taken = known | {OBSERVATIONS}
    kept = set()
    prompts = []
    for row in rows:
        key = row.get("key")
        if key not in known or key in kept:
            key = new_key(row["text"]["en"], taken)
        taken.add(key)
        kept.add(key)
        prompts.append({"key": key, "text": {"en": row["text"]["en"], "es": row["text"]["es"]}})
    guide.prompts = prompts
    db.session.flush()
    return guide


def new_key(text, taken):
    """``"what_would_help_you"``-style key from the first words, unique among ``taken``."""
    base = "_".join(re.findall(r"[a-z0-9]+", text.lower())[:4])[:KEY_LENGTH] or "prompt"
    key, suffix = base, 2
    while key in taken:
        key, suffix = f"{base}_{suffix}", suffix + 1
    return key
