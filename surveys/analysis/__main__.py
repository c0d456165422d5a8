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
import json
import sys
from dataclasses import asdict, replace
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


def run(args):
    documents = read_documents(args.input)
    finder_params = {
        "n_themes": args.themes,
        "random_state": args.seed,
        "translator": "none" if args.no_translate else _translator(args.cache_dir),
        "codebook": _codebook(args.codebook),
    }
    from .finder import find_themes  # scikit-learn loads only once the input is read

    result = find_themes(documents, **finder_params)
    write_labels(args.out, documents, result)
    if args.summary:
        _write_json(args.summary, summary(documents, result, args.min_cell))
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
    """Documents from a JSON lines file, with errors that name the line."""
    documents, seen = [], set()
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise UsageError(f"{path}: line {number}: not valid JSON ({error.msg})") from None
        document = _document(data, path, number)
        if document.id in seen:
            raise UsageError(f"{path}: line {number}: id {document.id!r} was already used")
        seen.add(document.id)
        documents.append(document)
    return documents


def _lines(path):
    if path == "-":
        return sys.stdin.read().splitlines()
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        return file.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None


def _document(data, path, number):
    where = f"{path}: line {number}"
    if not isinstance(data, dict):
        raise UsageError(f'{where}: expected an object like {{"id": ..., "text": ...}}')
    for key in ("id", "text"):
        if data.get(key) is None or (key == "id" and str(data[key]).strip() == ""):
            raise UsageError(f"{where}: missing {key!r}")
    if not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool):
        raise UsageError(f"{where}: 'id' must be a string or a number")
    if not isinstance(data["text"], str):
        raise UsageError(f"{where}: 'text' must be a string")
    return Document.from_dict(data)


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


def write_labels(path, documents, result):
    names = {theme.id: theme.label("en") for theme in result.themes}
    lines = []
    for document in documents:
        theme = result.labels.get(document.id, NON_ANSWER)
        label = names.get(theme, NO_ANSWER_LABEL)
        lines.append(json.dumps({"id": document.id, "theme": theme, "theme_label": label}))
    _write(path, "".join(line + "\n" for line in lines))


def summary(documents, result, min_cell):
    """Themes, translation status and warnings, and the table by community."""
    data = {
        "themes": [
            {
                "id": theme.id,
                "names": theme.names,
                "terms": theme.terms,
                "size": theme.size,
                "codebook_key": theme.codebook_key,
                "quotes": [asdict(quote) for quote in theme.quotes],
            }
            for theme in result.themes
        ],
        "non_answers": sum(1 for theme in result.labels.values() if theme == NON_ANSWER),
        "translated": result.translated,
        "warnings": result.warnings,
        "parameters": result.parameters,
    }
    try:
        from .summary import summarize
    except ImportError:  # the community tables are optional
        return data
    masked = [_masked(document, result) for document in documents]
    data["communities"] = summarize(masked, result, min_cell=min_cell)
    return data


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
