"""Synthetic responses for demos, screenshots and trying the analysis.

Every demo response is flagged ``is_demo`` and can be removed with
``surveys demo SLUG --clear``. Open answers come from
``surveys/bundled/<slug>-demo.yaml`` (written for demos, not real words).
"""

import random
import secrets
from datetime import UTC, datetime, timedelta

import yaml

from ..config import PACKAGE_DIR
from ..definition.model import is_shown
from ..extensions import db
from ..models import Answer, Response
from .survey_store import definition_of

DEMO_LANGUAGES = (("es", 0.55), ("en", 0.45))
SKIP_OPTIONAL = 0.2


def open_answer_bank(slug):
    path = PACKAGE_DIR / "bundled" / f"{slug}-demo.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("open_answers", {})


def generate(survey, count, seed):
    """Add ``count`` demo responses; the same seed gives the same answers."""
    rng = random.Random(seed)
    definition = definition_of(survey.current)
    bank = open_answer_bank(survey.slug)
    communities = survey.active_communities
    today = datetime.now(UTC).date()
    for _ in range(count):
        language = rng.choices(
            [lang for lang, _w in DEMO_LANGUAGES], [w for _l, w in DEMO_LANGUAGES]
        )[0]
        values = sample_answers(definition, language, bank, rng)
        community = rng.choice(communities) if communities and rng.random() > 0.1 else None
        db.session.add(
            Response(
                survey_id=survey.id,
                version_id=survey.current.id,
                community=community,
                language=language,
                role=_role(definition, values),
                submitted_on=today - timedelta(days=rng.randrange(14)),
                submission_token="demo-" + secrets.token_hex(16),
                digest="demo",
                is_demo=True,
                answers=[Answer(question_key=k, value=v) for k, v in values.items()],
            )
        )
    db.session.flush()
    return count


def clear(survey):
    demo_responses = db.session.scalars(
        db.select(Response).filter_by(survey_id=survey.id, is_demo=True)
    ).all()
    for response in demo_responses:
        db.session.delete(response)
    db.session.flush()
    return len(demo_responses)


def _role(definition, values):
    return values.get(definition.role_question) if definition.role_question else None


def sample_answers(definition, language, bank, rng):
    """Plausible answers to every question shown, as a family might give them."""
    values = {}
    for question in definition.questions:
        raw = {k: [str(v)] if not isinstance(v, list) else v for k, v in values.items()}
        if question.is_note or not is_shown(question, raw):
            continue
        if not question.required and rng.random() < SKIP_OPTIONAL:
            continue
        value = _value(question, language, bank, rng)
        if value not in (None, [], ""):
            values[question.key] = value
    return values


def _value(question, language, bank, rng):
    kind = question.type
    keys = [c["key"] for c in question.choices]
    if kind == "single_choice":
        return rng.choice(keys)
    if kind == "multiple_choice":
        return sorted(rng.sample(keys, rng.randint(1, min(3, len(keys)))), key=keys.index)
    if kind == "yes_no":
        return rng.choice(["yes", "no"])
    if kind == "rating":
        scale = question.data["scale"]
        return rng.randint(scale["min"], scale["max"])
    if kind == "number":
        low = int(question.data.get("min", 0))
        high = int(question.data.get("max", low + 5))
        return rng.randint(low, min(high, low + 5))
    texts = bank.get(question.key, {}).get(language)
    return rng.choice(texts) if texts else None
