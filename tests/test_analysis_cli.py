"""``python -m surveys.analysis``: a file of answers in, themes and a summary out."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.analysis import NON_ANSWER, Document, find_themes

ROOT = Path(__file__).resolve().parents[1]
ANSWERS = [
    ("a1", "We need reliable wifi at home", "en", "pacoima"),
    ("a2", "The internet at home keeps dropping", "en", "pacoima"),
    ("a3", "Hotspot and wifi for every family", "en", "boyle-heights"),
    ("a4", "Necesitamos internet en casa", "es", "boyle-heights"),
    ("a5", "El wifi en casa no funciona", "es", "pacoima"),
    ("b1", "More counselors for students", "en", "pacoima"),
    ("b2", "A counselor to talk to about stress", "en", "boyle-heights"),
    ("b3", "Más consejeros para los estudiantes", "es", "pacoima"),
    ("b4", "Un consejero para hablar del estrés", "es", "boyle-heights"),
    ("b5", "Counselors and mental health support", "en", "pacoima"),
    ("c1", "n/a", "en", "pacoima"),
    ("c2", "nada", "es", "boyle-heights"),
]


def write_answers(path, rows=ANSWERS):
    lines = [
        json.dumps({"id": i, "text": t, "lang": lang, "community": c}, ensure_ascii=False)
        for i, t, lang, c in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def analysis(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "surveys.analysis", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_themes_and_summary_are_written(tmp_path):
    source = write_answers(tmp_path / "in.jsonl")
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"

    done = analysis(source, "--out", out, "--themes", 2, "--summary", summary, "--min-cell", 2)

    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == [row[0] for row in ANSWERS]
    by_id = {line["id"]: line for line in lines}
    assert by_id["c1"] == {"id": "c1", "theme": NON_ANSWER, "theme_label": "(no answer)"}
    assert {by_id[i]["theme"] for i in ("a1", "a2", "a3")} != {by_id[i]["theme"] for i in ("b1",)}
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["non_answers"] == 2
    assert isinstance(data["translated"], bool) and isinstance(data["warnings"], list)
    assert len(data["themes"]) == 2
    for theme in data["themes"]:
        assert set(theme["names"]) == {"en", "es"} and set(theme["terms"]) == {"en", "es"}
        assert theme["size"] == sum(1 for line in lines if line["theme"] == theme["id"])
        for quote in theme["quotes"]:
            assert set(quote) == {"id", "text", "lang", "gloss"}
            assert by_id[quote["id"]]["theme"] == theme["id"]
        assert by_id[theme["quotes"][0]["id"]]["theme_label"] == theme["names"]["en"]
    assert data["communities"]["min_cell"] == 2
    assert {row["community"] for row in data["communities"]["communities"]} == {
        "pacoima",
        "boyle-heights",
    }


def test_untranslated_runs_say_so(tmp_path):
    source = write_answers(tmp_path / "in.jsonl")
    summary = tmp_path / "summary.json"

    done = analysis(source, "--out", tmp_path / "o.jsonl", "--summary", summary, "--no-translate")

    data = json.loads(summary.read_text(encoding="utf-8"))
    assert done.returncode == 0 and data["translated"] is False
    assert "apt-get install apertium apertium-eng-spa" in data["warnings"][0]
    assert "untranslated" in done.stderr


def test_a_bundled_codebook_names_the_themes(tmp_path):
    source = write_answers(tmp_path / "in.jsonl")

    done = analysis(source, "--codebook", "safe-return", "--no-translate")

    labels = {json.loads(line)["theme_label"] for line in done.stdout.splitlines()}
    assert {"Internet and devices", "Counselors and mental health"} <= labels


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "text": "wifi"}\n{"id": 2, "text": \n', "line 2: not valid JSON"),
        ('{"id": 1}\n', "line 1: missing 'text'"),
        ('\n{"text": "wifi"}\n', "line 2: missing 'id'"),
        ('{"id": 1, "text": 5}\n', "line 1: 'text' must be a string"),
        ('["wifi"]\n', "line 1: expected an object"),
        ('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n', "line 2: id '1' was already used"),
    ],
)
def test_bad_input_is_a_usage_error_naming_the_line(tmp_path, content, message):
    source = tmp_path / "bad.jsonl"
    source.write_text(content, encoding="utf-8")

    done = analysis(source)

    assert done.returncode == 2
    assert message in done.stderr and done.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.jsonl"], "missing.jsonl: no such file"),
        (["in.jsonl", "--themes", "0"], "--themes: must be at least 1"),
        (["in.jsonl", "--codebook", "nope"], "no bundled codebook 'nope'"),
        ([], "the following arguments are required: input"),
    ],
)
def test_usage_errors_exit_with_status_2(tmp_path, args, message):
    write_answers(tmp_path / "in.jsonl")

    done = analysis(*args, cwd=tmp_path)

    assert done.returncode == 2 and message in done.stderr


# Any short texts, any number of themes: a result that accounts for every text.

WORDS = st.sampled_from(
    "wifi internet casa home bus camión counselor consejero nada n/a food comida "  # noqa: SIM905
    "air aire the la de y and 123 ¿ ! - . [name] ñandú Ünïcode 😊".split()
)
TEXTS = st.lists(st.lists(WORDS, max_size=6).map(" ".join), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=TEXTS, n_themes=st.one_of(st.none(), st.integers(1, 8)), seed=st.integers(0, 3))
def test_any_short_texts_give_a_complete_result(texts, n_themes, seed):
    docs = [Document(id=f"d{n}", text=text) for n, text in enumerate(texts)]

    result = find_themes(docs, n_themes=n_themes, random_state=seed, translator=None)

    assert set(result.labels) == {d.id for d in docs}
    themed = [label for label in result.labels.values() if label != NON_ANSWER]
    assert sorted(t.size for t in result.themes) == sorted(
        themed.count(t.id) for t in result.themes
    )
    assert len(themed) == sum(t.size for t in result.themes)
    assert [t.id for t in result.themes] == list(range(len(result.themes)))
    if n_themes is not None:
        assert len(result.themes) <= n_themes
