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
        ('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n', "line 2: id 1 was already used"),
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
        (["in.jsonl", "--jobs", "0"], "--jobs: must be at least 1"),
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


# The file contract on odd input ───────────────────────────────────────────


def run_on(tmp_path, content, *args):
    """Run the analysis on ``content`` (str or bytes); the output lines, or None."""
    source = tmp_path / "in.jsonl"
    if isinstance(content, str):
        content = content.encode("utf-8")
    source.write_bytes(content)
    out = tmp_path / "out.jsonl"
    done = analysis(source, "--out", out, "--no-translate", *args)
    lines = None
    if done.returncode == 0:
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return done, lines


def test_ids_of_any_type_are_echoed_unchanged(tmp_path):
    rows = [1, "1", "x-7", -3, 2.5, 10**30, "ñandú"]
    content = "".join(
        json.dumps({"id": i, "text": f"wifi at home {n}"}, ensure_ascii=False) + "\n"
        for n, i in enumerate(rows)
    )

    done, lines = run_on(tmp_path, content)

    assert done.returncode == 0, done.stderr
    assert [line["id"] for line in lines] == rows
    assert [type(line["id"]) for line in lines] == [type(i) for i in rows]
    assert all(isinstance(line["theme"], int) and "theme_label" in line for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"id": 1, "text": "wifi"}\nnot json\n', "line 2: not valid JSON"),
        (b'{"id": 1, "text": "wifi"}\n5\n', "line 2: expected an object"),
        (b"null\n", "line 1: expected an object"),
        (b'{"id": null, "text": "wifi"}\n', "line 1: missing 'id'"),
        (b'{"id": "", "text": "wifi"}\n', "line 1: missing 'id'"),
        (b'{"id": 1, "text": ["wifi"]}\n', "line 1: 'text' must be a string"),
        (b'{"id": NaN, "text": "wifi"}\n', "line 1: not valid JSON"),
        (b'{"id": 1, "text": "wifi", "community": ["a"]}\n', "line 1: 'community' must be"),
        (b'{"id": 1, "text": "caf\xe9"}\n', "line 1: not UTF-8 text"),
        (b'{"id": 1, "text": "a"}\n\n{"id": 2, "text": "b"\n', "line 3: not valid JSON"),
    ],
)
def test_bad_lines_are_named_with_status_2_and_no_traceback(tmp_path, content, message):
    done, _lines = run_on(tmp_path, content)

    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", []),
        (b"\n\n   \n", []),
        (b'\xef\xbb\xbf{"id": 1, "text": "wifi at home"}\r\n', [1]),
        ('{"id": 1, "text": "wifi\u2028at home"}\n'.encode(), [1]),
        (b'{"id": 1, "text": null}\n{"id": 2, "text": ""}\n', [1, 2]),
        (
            b'{"id": 1, "text": "wifi", "lang": "fr"}\n{"id": 2, "text": "casa", "lang": 5}\n',
            [1, 2],
        ),
        (b'{"id": 1, "text": "wifi", "community": 7, "source": null}\n', [1]),
    ],
)
def test_odd_but_readable_files_give_one_line_per_answer(tmp_path, content, expected):
    done, lines = run_on(tmp_path, content, "--summary", tmp_path / "s.json")

    assert done.returncode == 0, done.stderr
    assert [line["id"] for line in lines] == expected
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["themes"] is not None


def test_a_huge_line_is_read(tmp_path):
    text = "wifi at home " * 40_000  # half a megabyte in one answer
    content = json.dumps({"id": 1, "text": text}) + "\n" + json.dumps({"id": 2, "text": "bus"})

    done, lines = run_on(tmp_path, content)

    assert done.returncode == 0, done.stderr
    assert [line["id"] for line in lines] == [1, 2]


@pytest.mark.parametrize(
    "texts",
    [
        ["wifi"],
        ["wifi", "bus"],
        ["wifi at home", "el bus llega tarde", "counselors", "comida", "masks"],
        ["same answer"] * 5,
        ["n/a", "nada", "-", "😊"],
    ],
)
def test_small_inputs_give_a_theme_for_every_line(tmp_path, texts):
    content = "".join(json.dumps({"id": n, "text": t}) + "\n" for n, t in enumerate(texts))

    done, lines = run_on(tmp_path, content, "--summary", tmp_path / "s.json")

    assert done.returncode == 0, done.stderr
    assert [line["id"] for line in lines] == list(range(len(texts)))
    silent = {"n/a", "nada", "-", "😊"}
    for line, text in zip(lines, texts, strict=True):
        assert (line["theme"] == NON_ANSWER) == (text in silent)
    assert len({line["theme"] for line in lines if text not in silent}) <= len(texts)


def test_shuffled_lines_and_other_ids_give_the_same_themes(tmp_path):
    texts = [(t, lang) for _i, t, lang, _c in ANSWERS] * 2
    texts = [(f"{t} {'again' if n >= len(ANSWERS) else ''}".strip(), lang) for n, (t, lang) in
             enumerate(texts)]  # fmt: skip
    first = [{"id": n, "text": t, "lang": lang} for n, (t, lang) in enumerate(texts)]
    order = list(range(len(texts)))
    import random

    random.Random(3).shuffle(order)
    second = [{"id": f"other-{999 - n}", "text": texts[n][0], "lang": texts[n][1]} for n in order]

    groups = []
    for rows, name in ((first, "a"), (second, "b")):
        folder = tmp_path / name
        folder.mkdir()
        content = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        done, lines = run_on(folder, content, "--summary", folder / "s.json")
        assert done.returncode == 0, done.stderr
        by_text = {row["text"]: line for row, line in zip(rows, lines, strict=True)}
        summary = json.loads((folder / "s.json").read_text(encoding="utf-8"))
        groups.append(
            (
                {text: (line["theme"], line["theme_label"]) for text, line in by_text.items()},
                [(t["names"], t["terms"], t["size"]) for t in summary["themes"]],
            )
        )

    assert groups[0] == groups[1]


# The summary file keeps small groups hidden ───────────────────────────────

CODEBOOK = {
    "name": "two",
    "themes": [
        {
            "key": "internet",
            "names": {"en": "Internet", "es": "Internet"},
            "keywords": {"en": ["wifi"], "es": ["wifi"]},
        },
        {
            "key": "buses",
            "names": {"en": "Buses", "es": "Camiones"},
            "keywords": {"en": ["bus"], "es": ["bus"]},
        },
    ],
}


def small_groups(tmp_path, min_cell):
    rows = [("a", f"wifi at home please {n}") for n in range(8)]
    rows += [("b", "wifi for us"), ("b", "wifi is slow")]
    rows += [("a", f"the bus is late {n}") for n in range(4)] + [("a", "n/a")]
    content = "".join(
        json.dumps({"id": n, "text": t, "lang": "en", "community": c}) + "\n"
        for n, (c, t) in enumerate(rows)
    )
    codebook = tmp_path / "codebook.json"
    codebook.write_text(json.dumps(CODEBOOK), encoding="utf-8")
    summary = tmp_path / "s.json"
    args = ("--summary", summary, "--min-cell", min_cell, "--codebook", codebook)
    done, _lines = run_on(tmp_path, content, *args)
    assert done.returncode == 0, done.stderr
    data = json.loads(summary.read_text(encoding="utf-8"))
    return {t["names"]["en"]: t for t in data["themes"]}, data


def test_the_summary_hides_small_cells_and_what_would_reveal_them(tmp_path):
    themes, data = small_groups(tmp_path, 3)

    rows = {row["community"]: row for row in data["communities"]["communities"]}
    assert rows["b"]["respondents"] == "fewer than 3" and rows["b"]["quotes"] == []
    assert rows["a"]["respondents"] == "suppressed"  # else b = 15 - a
    # Theme totals and the non-answers add up to the 15 respondents shown, so
    # hiding the 1 non-answer hides the next smallest total (buses, 4) too.
    assert data["communities"]["respondents"] == 15
    assert data["non_answers"] == "fewer than 3"
    assert themes["Buses"]["size"] == "suppressed" and themes["Buses"]["quotes"] == []
    internet = next(t for t in data["communities"]["themes"] if t["names"]["en"] == "Internet")
    assert internet["by_community"] == {"a": "suppressed", "b": "fewer than 3"}
    assert themes["Internet"]["size"] == 10
    assert themes["Internet"]["quotes"] == []  # every community cell of it is hidden


def test_min_cell_1_shows_everything(tmp_path):
    themes, data = small_groups(tmp_path, 1)

    assert data["non_answers"] == 1 and themes["Buses"]["size"] == 4
    assert themes["Buses"]["quotes"] and themes["Internet"]["quotes"]


def test_without_apertium_on_the_path_the_files_say_so(tmp_path):
    source = write_answers(tmp_path / "in.jsonl")
    summary = tmp_path / "s.json"
    empty = tmp_path / "bin"
    empty.mkdir()  # a PATH where no apertium can be found

    args = ["--out", tmp_path / "o.jsonl", "--summary", summary, "--cache-dir", tmp_path / "c"]
    done = subprocess.run(
        [sys.executable, "-m", "surveys.analysis", source, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        env={"PATH": str(empty), "HOME": str(tmp_path)},
    )

    assert done.returncode == 0, done.stderr
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["translated"] is False and data["parameters"]["translator"] == "none"
    assert (
        "untranslated" in data["warnings"][0] and "apt-get install apertium" in data["warnings"][0]
    )
    assert "untranslated" in done.stderr
