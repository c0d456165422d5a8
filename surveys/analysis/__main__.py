"""Find themes in a file of answers.

    python -m surveys.analysis IN.jsonl --out OUT.jsonl [--themes K] [--seed S]
        [--summary SUMMARY.json] [--min-cell N] [--codebook safe-return|FILE]
        [--no-translate] [--cache-dir DIR]

Each input line is a JSON object ``{"id", "text", "lang"?, "community"?,
"source"?, "role"?, "respondent"?}``. Each output line, in input order, is
``{"id", "theme", "theme_label"}``: the theme number (-1 for non-answers such
as "n/a" or "nada") and its English name. ``--summary`` writes the themes
(names and words in English and Spanish, sizes, quotes with their
translations), whether the languages were bridged, warnings, and the table
by community with small groups suppressed.

Exit status: 0 on success, 2 for a usage error (missing file, bad JSON, a
line without id or text, repeated ids), 1 for anything else.
"""

import argparse
import gc
import json
import sys
from dataclasses import replace
from pathlib import Path

from .codebook import CodebookError
from .result import NON_ANSWER, Document

NO_ANSWER_LABEL = "(no answer)"


class UsageError(Exception):
    """A problem with the command line or the input file; exit status 2."""


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UsageError as error:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a one-line message, never a traceback
        print(f"{parser.prog}: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


def run(args):
    documents, ids = read_documents(args.input)
    # The documents live to the end: the collector need not walk them again
    # (about a second saved at 100,000 answers).
    gc.freeze()
    finder_params = {
        "n_themes": args.themes,
        "random_state": args.seed,
        "translator": "none" if args.no_translate else _translator(args.cache_dir),
        "codebook": _codebook(args.codebook),
        "n_jobs": args.jobs or -1,
    }
    from .finder import find_themes  # scikit-learn loads only once the input is read

    result = find_themes(documents, **finder_params)
    write_labels(args.out, documents, result, ids)
    if args.summary:
        _write_json(args.summary, summary(documents, result, args.min_cell, ids))
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m surveys.analysis",
        description="Find themes in English and Spanish answers (one JSON object a line).",
    )
    add = parser.add_argument
    add("input", help='JSON lines file of {"id", "text", ...}; "-" for stdin')
    add("--out", default="-", help="JSON lines file for the themes (default: stdout)")
    add("--themes", type=_positive, metavar="K", help="number of themes (default: chosen)")
    add("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    add("--summary", metavar="FILE", help="also write themes, quotes and community tables")
    add(
        "--min-cell",
        type=_positive,
        default=11,
        metavar="N",
        help="smallest group of respondents the summary shows (default 11)",
    )
    add("--codebook", metavar="NAME|FILE", help='"safe-return" or a YAML/JSON codebook file')
    add("--no-translate", action="store_true", help="analyse without translation")
    add("--cache-dir", metavar="DIR", help="keep translations here across runs")
    add("--jobs", type=_positive, metavar="N", help="processes to use (default: one per core)")
    return parser


def _positive(value):
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def read_documents(path):
    """Documents from a JSON lines file, with errors that name the line, and
    each document's id as the file wrote it (1 stays 1, "1" stays "1").

    Inside the analysis a document's id is its JSON spelling, so 1 and "1"
    are two documents; the id never decides anything but ties.
    """
    documents, ids = [], {}
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_constant=_no_constant)
        except (json.JSONDecodeError, ValueError, RecursionError) as error:
            reason = getattr(error, "msg", None) or str(error)
            raise UsageError(f"{path}: line {number}: not valid JSON ({reason})") from None
        document = _document(data, path, number)
        if document.id in ids:
            raise UsageError(f"{path}: line {number}: id {data['id']!r} was already used")
        ids[document.id] = data["id"]
        documents.append(document)
    return documents, ids


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def _lines(path):
    """The file's lines; only a new line ends one (a JSON string may hold U+2028)."""
    if path == "-":
        text = sys.stdin.buffer.read()
    else:
        file = Path(path)
        if not file.is_file():
            raise UsageError(f"{path}: no such file")
        text = file.read_bytes()
    try:
        return text.decode("utf-8-sig").split("\n")
    except UnicodeDecodeError as error:
        line = text[: error.start].count(b"\n") + 1
        raise UsageError(f"{path}: line {line}: not UTF-8 text") from None


FIELDS = ("lang", "community", "source", "role", "respondent")
# One encoder each, not one per call: json.dumps with options builds a new one.
ID_SPELLING = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
LINE = json.JSONEncoder(ensure_ascii=False)


def _document(data, path, number):
    where = f"{path}: line {number}"
    if not isinstance(data, dict):
        raise UsageError(f'{where}: expected an object like {{"id": ..., "text": ...}}')
    if data.get("id") is None or data["id"] == "":
        raise UsageError(f"{where}: missing 'id'")
    if "text" not in data:
        raise UsageError(f"{where}: missing 'text'")
    if data["text"] is not None and not isinstance(data["text"], str):
        raise UsageError(f"{where}: 'text' must be a string")
    for key in FIELDS:
        if isinstance(data.get(key), (dict, list)):
            raise UsageError(f"{where}: {key!r} must be a string")
    fields = {key: _text_or_none(data.get(key)) for key in FIELDS}
    return Document.from_dict(
        {**fields, "id": ID_SPELLING.encode(data["id"]), "text": data["text"] or ""}
    )


def _text_or_none(value):
    return None if value is None or value == "" else str(value)


def _translator(cache_dir):
    if cache_dir is None:
        return "auto"
    from .translate import ApertiumTranslator, NullTranslator

    if ApertiumTranslator.available():
        return ApertiumTranslator(cache_dir=cache_dir)
    return NullTranslator()


def _codebook(name):
    if name is None:
        return None
    from .codebook import Codebook

    try:
        if Path(name).is_file():
            return Codebook.from_file(name)
        return Codebook.bundled(name)
    except CodebookError as error:
        raise UsageError(str(error)) from None


def write_labels(path, documents, result, ids=None):
    """One line per document, in input order, with its id as given."""
    names = {theme.id: theme.label("en") for theme in result.themes}
    ids = ids or {}
    lines = []
    for document in documents:
        theme = result.labels.get(document.id, NON_ANSWER)
        label = names.get(theme, NO_ANSWER_LABEL)
        original = ids.get(document.id, document.id)
        lines.append(LINE.encode({"id": original, "theme": theme, "theme_label": label}))
    _write(path, "".join(line + "\n" for line in lines))


def summary(documents, result, min_cell, ids=None):
    """Themes, translation status and warnings, and the table by community.

    Everything in it follows the small-cell rules of ``summary.summarize``:
    a theme's size is hidden when its count of respondents is, and its
    quotes are only those from cells that are shown (``--min-cell 1`` shows
    all). The per-document themes in the ``--out`` file are not a summary.
    """
    from .summary import summarize

    masked = [_masked(document, result) for document in documents]
    communities = summarize(masked, result, min_cell=min_cell)
    _original_ids(communities, ids or {})
    protected = {entry["theme"]: entry for entry in communities["themes"]}
    data = {
        "themes": [
            {
                "id": theme.id,
                "names": theme.names,
                "terms": theme.terms,
                "size": _size(theme, protected[theme.id]),
                "codebook_key": theme.codebook_key,
                "quotes": [_quote(q) for q in protected[theme.id]["quotes"]],
            }
            for theme in result.themes
        ],
        "non_answers": communities["non_answers"],
        "translated": result.translated,
        "warnings": result.warnings,
        "parameters": result.parameters,
        "communities": communities,
    }
    return data


def _size(theme, protected):
    return theme.size if isinstance(protected["total"], int) else protected["total"]


def _quote(quote):
    return {key: quote[key] for key in ("id", "text", "lang", "gloss")}


def _original_ids(communities, ids):
    """Quotes name their document by the id the input file gave it."""
    rows = communities["themes"] + communities["communities"]
    for quote in (q for row in rows for q in row["quotes"]):
        quote["id"] = ids.get(quote["id"], quote["id"])


def _masked(document, result):
    text = result.masked_texts.get(document.id, document.text)
    return document if text == document.text else replace(document, text=text)


def _write_json(path, data):
    _write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _write(path, text):
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write ({error.strerror})") from None


if __name__ == "__main__":
    sys.exit(main())
