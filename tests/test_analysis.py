"""The theme analysis through its public surface: find_themes, ThemeFinder, the codebook."""

import random
import re

import pytest
from sklearn.metrics import adjusted_rand_score

from surveys.analysis import (
    NON_ANSWER,
    ApertiumTranslator,
    CachedTranslator,
    Codebook,
    Document,
    NullTranslator,
    ThemeFinder,
    find_themes,
)
from surveys.analysis.clean import is_non_answer
from surveys.analysis.redact import mask_personal_details

APERTIUM = ApertiumTranslator.available()
needs_apertium = pytest.mark.skipif(
    not APERTIUM,
    reason="Apertium is not installed (sudo apt-get install apertium apertium-eng-spa)",
)

# A word-for-word dictionary: enough to bridge the fixture without Apertium.
SPANISH_ENGLISH = {
    "necesitamos": "we need", "internet": "internet", "en": "at", "casa": "home",
    "el": "the", "wifi": "wifi", "no": "not", "funciona": "works", "y": "and",
    "gratis": "free", "para": "for", "las": "the", "los": "the", "familias": "families",
    "la": "the", "conexión": "connection", "de": "of", "se": "", "cae": "drops",
    "más": "more", "consejeros": "counselors", "consejero": "counselor", "un": "a",
    "estudiantes": "students", "hablar": "talk", "del": "of the", "estrés": "stress",
    "apoyo": "support", "salud": "health", "mental": "mental", "contraten": "hire",
    "ya": "now", "mis": "my", "hijos": "children", "nada": "nothing",
}  # fmt: skip
ENGLISH_SPANISH = {english: spanish for spanish, english in SPANISH_ENGLISH.items() if english}

SAME_NEEDS = {
    "internet": [
        ("en", "We need reliable wifi at home"),
        ("en", "The internet at home keeps dropping"),
        ("en", "Our wifi and internet at home do not work"),
        ("en", "Internet connection at home for homework"),
        ("en", "Free wifi for every family"),
        ("es", "Necesitamos internet en casa"),
        ("es", "El wifi en casa no funciona"),
        ("es", "Internet y wifi gratis para las familias"),
        ("es", "La conexión de internet se cae en casa"),
    ],
    "counselors": [
        ("en", "More counselors for students"),
        ("en", "A counselor to talk to about stress"),
        ("en", "Counselors and mental health support"),
        ("en", "Hire counselors now for students"),
        ("es", "Más consejeros para los estudiantes"),
        ("es", "Un consejero para hablar del estrés"),
        ("es", "Consejeros y apoyo de salud mental"),
        ("es", "Contraten consejeros ya para los estudiantes"),
    ],
}


class DictionaryTranslator:
    """Translates word by word with a small dictionary; counts the texts it is sent."""

    name = "dictionary"

    def __init__(self):
        self.sent = []

    def translate(self, texts, source, target):
        self.sent.extend(texts)
        table = SPANISH_ENGLISH if (source, target) == ("es", "en") else ENGLISH_SPANISH
        return [self._words(text, table) for text in texts]

    @staticmethod
    def _words(text, table):
        words = re.findall(r"\w+|[^\w\s]", text)
        out = [table.get(w.lower(), w) for w in words]
        return " ".join(w for w in out if w)


def documents(needs=SAME_NEEDS, community=None):
    return [
        Document(id=f"{need}-{n:02d}", text=text, lang=lang, community=community)
        for need, items in needs.items()
        for n, (lang, text) in enumerate(items)
    ]


def grouping(result, prefix):
    """The themes of the documents whose id starts with ``prefix``."""
    return {theme for doc_id, theme in result.labels.items() if doc_id.startswith(prefix)}


# Redaction ────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("My name is Maria, call me at 323-555-0147", "My name is [name], call me at [phone]"),
        ("my name is maria lopez and I worry", "my name is [name] and I worry"),
        ("me llamo Rosa, mi cel es 213 555 0199", "me llamo [name], mi cel es [phone]"),
        ("Mi nombre es Ana Gómez.", "Mi nombre es [name]."),
        ("I'm Carlos Mendez, a dad of two", "I'm [name], a dad of two"),
        ("I am Lupe and I have three kids", "I am [name] and I have three kids"),
        ("Soy Lupe y tengo tres hijos", "Soy [name] y tengo tres hijos"),
        ("Mi hija se llama Ana", "Mi hija se llama [name]"),
        ("Mrs. Lopez's class is great", "Mrs. [name]'s class is great"),
        ("la maestra Gonzalez nos ayuda", "la maestra [name] nos ayuda"),
        ("We live at 1234 W 5th St, Apt 4 near the school", "We live at [address] near the school"),
        ("4500 S Central Ave is our corner", "[address] is our corner"),
        ("Vivo en la calle Olympic número 123", "Vivo en la [address]"),
        ("en la avenida Cesar Chavez 2300 hay tráfico", "en la [address] hay tráfico"),
        ("Write to ana.lopez@example.org", "Write to [email]"),
    ],
)
def test_personal_details_are_masked(text, masked):
    assert mask_personal_details(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "I am worried about the air in the classrooms.",
        "I am Mexican and my kids are bilingual.",
        "I'm So tired of the plan changing.",
        "soy madre de dos y trabajo de noche",
        "Soy estudiante y cuido a mis hermanos.",
        "Soy maestro y el aire acondicionado no sirve.",
        "I am a teacher and my classroom has one window.",
        "Guardias de cruce en la calle grande, los carros pasan rápido.",
        "38 kids in one room, room 204, since 2021.",
        "Call me Monday about the bus.",
        "The bus stop on Main St has no shade.",
    ],
)
def test_ordinary_sentences_are_kept(text):
    assert mask_personal_details(text) == text


def test_everything_the_result_shows_is_masked():
    docs = [
        *documents(),
        Document(id="x-1", text="My name is Maria, my wifi at home fails: 323-555-0147", lang="en"),
        Document(id="x-2", text="me llamo Rosa, vivo en calle Hope #450, sin internet", lang="es"),
    ]
    result = find_themes(docs, translator=DictionaryTranslator(), n_themes=2)

    shown = list(result.masked_texts.values()) + [
        part for t in result.themes for q in t.quotes for part in (q.text, q.gloss or "")
    ]
    assert result.masked_texts["x-1"] == "My name is [name], my wifi at home fails: [phone]"
    assert result.masked_texts["x-2"] == "me llamo [name], vivo en [address], sin internet"
    assert not any(word in text for text in shown for word in ("Maria", "Rosa", "555", "Hope"))


# Non-answers ──────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "text",
    ["n/a", "N/A", "na", "None", "nothing", "No", "nada", "Nada.", "no sé", "No se", "ninguno",
     "-", ".", "no comment", "Sin comentarios", "idk", "?", "", "   ", "nothing else", "ni idea",
     "ya", "ok", "OK.", "IDK", "??", "😊", "👍👍", "🙏🏽 🙏🏽", "Gracias!", "not at this time",
     "ninguna", "N.A.", "no tengo comentarios"],
)  # fmt: skip
def test_non_answers_are_recognised(text):
    assert is_non_answer(text)


@pytest.mark.parametrize(
    "text",
    ["No internet at home", "Nada de internet", "wifi", "No bus", "nothing else, just wifi",
     "nada más, solo el wifi", "Ya no hay camión", "ok the bus is late", "no sé, tal vez wifi"],
)  # fmt: skip
def test_short_answers_are_not_non_answers(text):
    assert not is_non_answer(text)


def test_non_answers_get_no_theme_and_stay_out_of_themes():
    docs = [
        *documents(),
        Document(id="z-1", text="n/a", lang="en"),
        Document(id="z-2", text="Nada", lang="es"),
        Document(id="z-3", text="no sé", lang="es"),
    ]
    result = find_themes(docs, translator=DictionaryTranslator(), n_themes=2)

    assert [result.labels[f"z-{n}"] for n in (1, 2, 3)] == [NON_ANSWER] * 3
    assert sum(t.size for t in result.themes) == len(docs) - 3
    quoted = {q.id for t in result.themes for q in t.quotes}
    assert not quoted & {"z-1", "z-2", "z-3"}


# The bridge between languages ─────────────────────────────────────────────


def test_answers_about_one_need_share_a_theme_across_languages():
    translator = DictionaryTranslator()
    result = find_themes(documents(), translator=translator, n_themes=2)

    assert result.translated and result.warnings == []
    internet, counselors = grouping(result, "internet"), grouping(result, "counselors")
    assert len(internet) == 1 and len(counselors) == 1 and internet != counselors
    assert result.glosses["internet-05"] == "we need internet at home"
    assert "Necesitamos internet en casa" in translator.sent  # Spanish goes in as written


@needs_apertium
def test_answers_about_one_need_share_a_theme_with_apertium():
    result = find_themes(documents(), translator=ApertiumTranslator(), n_themes=2)

    assert result.translated
    internet, counselors = grouping(result, "internet"), grouping(result, "counselors")
    assert len(internet) == 1 and len(counselors) == 1 and internet != counselors
    assert "counselors" in result.glosses["counselors-04"].lower()


@needs_apertium
def test_apertium_translates_each_line_on_its_own():
    texts = ["the school bus", "immigration agents", "wifi at home\nplease", "", "masks"]
    translator = ApertiumTranslator()

    together = translator.translate(texts, "en", "es")
    alone = [ApertiumTranslator().translate([text], "en", "es")[0] for text in texts]

    assert together == alone
    assert together[0].lower() == "el autobús escolar" and together[3] == ""
    assert ApertiumTranslator().translate(["Mi nombre es [name]"], "es", "en") == [
        "My name is [name]"
    ]


@needs_apertium
def test_engines_side_by_side_translate_as_one_engine_does():
    texts = [f"Necesitamos internet en casa para {n} niños" for n in range(1200)]

    one = ApertiumTranslator(jobs=1).translate(texts, "es", "en")
    two = ApertiumTranslator(jobs=2).translate(texts, "es", "en")

    assert one == two
    assert one[3].lower() == "we need internet home for 3 boys"  # Apertium's own words


def test_many_answers_are_grouped_from_a_sample_and_every_one_assigned():
    from surveys.analysis.cluster import ThemeClusterer

    docs = [
        Document(id=f"{n:04d}-{m}", text=text, lang=lang)
        for m in range(30)
        for n, (lang, text) in enumerate(item for items in SAME_NEEDS.values() for item in items)
    ]
    small = ThemeClusterer(n_clusters=2, fit_size=60)
    finder = ThemeFinder(translator=DictionaryTranslator(), clusterer=small)
    result = finder.fit(docs).result_
    shuffled = docs[:]
    random.Random(3).shuffle(shuffled)
    again = ThemeFinder(translator=DictionaryTranslator(), clusterer=small).fit(shuffled).result_

    internet = len(SAME_NEEDS["internet"])
    themes = [{result.labels[d.id] for d in docs if (int(d.id[:4]) < internet) == first}
              for first in (True, False)]  # fmt: skip
    assert len(docs) > 60 and set(result.labels.values()) == {0, 1}
    assert [len(found) for found in themes] == [1, 1] and themes[0] != themes[1]
    assert result == again


def _blob(angle, count, spread=0.05):
    """``count`` unit vectors in the plane around ``angle`` (degrees)."""
    import numpy as np

    angles = np.radians(angle + np.linspace(-spread, spread, count) * 180)
    return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)


def test_a_broad_group_is_split_and_a_cut_subject_rejoined():
    import numpy as np

    from surveys.analysis.cluster import _split_and_merge

    subjects = [_blob(0, 40), _blob(90, 40), _blob(200, 40)]
    Z = np.concatenate(subjects)
    # k-means left subjects 0 and 1 in one group and cut subject 2 in two.
    stuck = np.array([0] * 80 + [1] * 20 + [2] * 20)

    moved = _split_and_merge(Z, stuck, seed=0)

    truth = np.repeat([0, 1, 2], 40)
    assert moved is not None and adjusted_rand_score(truth, moved) == 1.0
    assert _split_and_merge(Z, truth, seed=0) is None  # nothing better to do


def test_without_a_translator_the_result_says_so_plainly():
    result = find_themes(documents(), translator=None, n_themes=2)

    assert not result.translated
    assert result.glosses == {}
    (warning,) = result.warnings
    assert "untranslated" in warning and "sudo apt-get install apertium apertium-eng-spa" in warning
    for theme in result.themes:
        assert all(q.gloss is None for q in theme.quotes)


def test_the_default_falls_back_to_no_translation_when_apertium_is_missing(monkeypatch):
    monkeypatch.setattr(ApertiumTranslator, "available", staticmethod(lambda command="": False))
    finder = ThemeFinder(n_themes=2).fit(documents())

    assert isinstance(finder.translator_, NullTranslator)
    assert not finder.result_.translated and "apertium" in finder.result_.warnings[0]


def test_one_language_needs_no_warning():
    english = {need: [i for i in items if i[0] == "en"] for need, items in SAME_NEEDS.items()}
    result = find_themes(documents(english), translator=None, n_themes=2)

    assert result.warnings == [] and not result.translated


def test_a_failing_engine_leaves_the_analysis_untranslated():
    class Broken:
        def translate(self, texts, source, target):
            from surveys.analysis.translate import TranslationError

            raise TranslationError("engine crashed")

    result = find_themes(documents(), translator=Broken(), n_themes=2)

    assert not result.translated
    assert "engine crashed" in result.warnings[0]


def test_translations_are_cached_across_runs(tmp_path):
    first = DictionaryTranslator()
    find_themes(documents(), translator=CachedTranslator(first, tmp_path), n_themes=2)
    second = DictionaryTranslator()
    again = CachedTranslator(second, tmp_path)
    result = find_themes(documents(), translator=again, n_themes=2)

    assert len(first.sent) > 0
    assert second.sent == [] and again.calls == 0
    assert result.glosses["internet-05"] == "we need internet at home"


def test_each_distinct_text_is_translated_once():
    inner = DictionaryTranslator()
    translator = CachedTranslator(inner)

    translator.translate(["Nada de wifi", "Nada de wifi", "casa"], "es", "en")
    translator.translate(["casa", "Nada de wifi"], "es", "en")

    assert sorted(inner.sent) == ["Nada de wifi", "casa"]


# Determinism and order ────────────────────────────────────────────────────


def test_the_same_input_and_seed_give_the_same_result():
    runs = [find_themes(documents(), translator=DictionaryTranslator()) for _ in range(2)]

    assert runs[0] == runs[1]


def test_shuffled_input_gives_the_same_themes():
    docs = documents()
    baseline = find_themes(docs, translator=DictionaryTranslator())
    shuffled = docs[:]
    random.Random(7).shuffle(shuffled)
    again = find_themes(shuffled, translator=DictionaryTranslator())

    ids = sorted(baseline.labels)
    labels = [baseline.labels[i] for i in ids], [again.labels[i] for i in ids]
    assert adjusted_rand_score(*labels) == 1.0
    assert baseline.themes == again.themes


def test_themes_are_numbered_by_size():
    result = find_themes(documents(), translator=DictionaryTranslator(), n_themes=3)

    sizes = [t.size for t in result.themes]
    assert [t.id for t in result.themes] == list(range(len(result.themes)))
    assert sizes == sorted(sizes, reverse=True)
    for theme in result.themes:
        assert theme.size == sum(1 for label in result.labels.values() if label == theme.id)


# Small and odd inputs ─────────────────────────────────────────────────────


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["wifi"],
        ["wifi", "wifi"],
        ["n/a", "nada", "-"],
        ["wifi at home", "counselors", "buses", "food", "masks"],
        ["same answer"] * 6,
        ["!!!", "123", "..."],
        ["a", "b", "c", "d"],
    ],
)
@pytest.mark.parametrize("n_themes", [None, 1, 3, 10])
def test_tiny_inputs_give_a_result(texts, n_themes):
    docs = [Document(id=str(n), text=t) for n, t in enumerate(texts)]
    result = find_themes(docs, n_themes=n_themes, translator=None)

    assert set(result.labels) == {d.id for d in docs}
    assert sum(t.size for t in result.themes) == sum(
        1 for label in result.labels.values() if label != NON_ANSWER
    )
    if n_themes:
        assert len(result.themes) <= n_themes
    for theme in result.themes:
        assert theme.names["en"] is not None and 1 <= len(theme.quotes) <= 3


def test_repeated_ids_are_refused():
    with pytest.raises(ValueError, match="unique"):
        find_themes([Document(id="1", text="a"), Document(id="1", text="b")])


def test_dicts_are_read_as_documents():
    result = find_themes(
        [{"id": 1, "text": "wifi at home", "lang": "en"}, {"id": 2, "text": "nada"}],
        translator=None,
    )

    assert result.labels == {"1": 0, "2": NON_ANSWER}


# Codebook ─────────────────────────────────────────────────────────────────

CODEBOOK = {
    "name": "test",
    "themes": [
        {
            "key": "internet",
            "names": {"en": "Internet and devices", "es": "Internet y computadoras"},
            "keywords": {"en": ["wifi", "internet", "hotspot"], "es": ["wifi", "internet"]},
        },
        {
            "key": "meals",
            "names": {"en": "Food", "es": "Comida"},
            "keywords": {"en": ["lunch", "breakfast"], "es": ["desayuno", "almuerzo"]},
        },
    ],
}


def test_answers_matching_a_codebook_theme_join_it():
    docs = [
        *documents(),
        Document(id="m-1", text="Breakfast for everyone", lang="en"),
        Document(id="m-2", text="Que den desayuno y almuerzo", lang="es"),
    ]
    result = find_themes(
        docs, codebook=Codebook.from_dict(CODEBOOK), translator=DictionaryTranslator()
    )

    by_key = {t.codebook_key: t for t in result.themes}
    internet, meals = by_key["internet"], by_key["meals"]
    assert grouping(result, "internet") == {internet.id}
    assert grouping(result, "m-") == {meals.id}
    assert meals.names == {"en": "Food", "es": "Comida"}
    counselors = grouping(result, "counselors")
    assert len(counselors) == 1 and result.theme(counselors.pop()).codebook_key is None


def test_a_codebook_survives_a_round_trip(tmp_path):
    codebook = Codebook.from_dict(CODEBOOK)
    path = tmp_path / "codebook.yaml"
    import yaml

    path.write_text(yaml.safe_dump(codebook.to_dict(), allow_unicode=True), encoding="utf-8")

    assert Codebook.from_file(path).to_dict() == codebook.to_dict() == CODEBOOK


def test_codebook_keywords_match_stems_and_phrases():
    codebook = Codebook.bundled("safe-return")

    assert codebook.match("Our computers are broken", "en") == "internet-devices"
    assert codebook.match("Pongan filtros de aire nuevos", "es") == "ventilation-air"
    assert codebook.match("la consejera no está todos los días", "es") == (
        "counselors-mental-health"
    )
    assert codebook.match("Thank you for asking", "en") is None


def test_the_bundled_codebook_names_every_theme_in_both_languages():
    codebook = Codebook.bundled("safe-return")

    assert len(codebook.themes) == 14
    for theme in codebook.themes:
        assert theme.names["en"] and theme.names["es"] and theme.names["en"] != theme.names["es"]
        assert theme.keywords["en"] and theme.keywords["es"]


@pytest.mark.parametrize(
    "data",
    [{}, {"themes": "x"}, {"themes": [{"names": {"en": "A"}}]}, {"themes": [{"key": "a"}]}],
)
def test_a_malformed_codebook_is_refused(data):
    with pytest.raises(ValueError):
        Codebook.from_dict(data)


# Labels and quotes ────────────────────────────────────────────────────────


def test_labels_are_given_in_each_language():
    result = find_themes(documents(), translator=DictionaryTranslator(), n_themes=2)
    internet = result.theme(grouping(result, "internet").pop())
    counselors = result.theme(grouping(result, "counselors").pop())

    assert {"internet", "wifi"} <= set(internet.terms["en"][:4])
    assert {"internet", "casa"} <= set(internet.terms["es"][:4])
    assert "counselors" in counselors.terms["en"][:3] and "consejeros" in counselors.terms["es"][:3]
    assert internet.names["en"] == ", ".join(internet.terms["en"][:3])
    assert internet.names["es"] == ", ".join(internet.terms["es"][:3])


def test_quotes_come_from_both_languages_with_glosses():
    result = find_themes(documents(), translator=DictionaryTranslator(), n_themes=2)

    for theme in result.themes:
        assert len(theme.quotes) == 3
        assert {q.lang for q in theme.quotes} == {"en", "es"}
        for quote in theme.quotes:
            assert quote.text == result.masked_texts[quote.id]
            assert result.labels[quote.id] == theme.id
            table = SPANISH_ENGLISH if quote.lang == "es" else ENGLISH_SPANISH
            assert quote.gloss == DictionaryTranslator._words(quote.text, table)
