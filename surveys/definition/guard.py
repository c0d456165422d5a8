"""Refuse texts that ask for immigration or citizenship status.

California Education Code 234.7 and district policy forbid schools from
collecting immigration or citizenship status, country of birth, Social
Security numbers or A-numbers, and families who fear enforcement stop
answering when a survey asks. The validator runs this guard over every text
of a survey in every language, with accents and case folded. It is broad on
purpose (a false alarm costs a rewording, a miss costs a family's trust) but
leaves ordinary words alone: "birthday party", "legal guardian", "social
worker", "participación ciudadana", "pick a number".

Texts that do not ask anything (the introduction, consent, notes...) may
promise that the survey never asks: a sentence without a question mark
that says "we never ask / nunca le preguntamos" before the forbidden words
is allowed there, so the bundled consent can say so.
"""

import re
import unicodedata

# A person, for Spanish questions like "¿Dónde nació el niño?" (but not "la idea").
_PERSON = (
    r"(?:usted|ustedes|el|ella|ellos|ellas|tu|su|sus|tus|mi|mis|cada|alguien|"
    r"(?:el|la|los|las|un|una)\s+(?:nin[oa]s?|hij[oa]s?|bebes?|padres?|madres?|papas?|mamas?|"
    r"estudiantes?|alumn[oa]s?|familia|familiares|abuel[oa]s?|herman[oa]s?|espos[oa]s?|"
    r"tutor(?:es)?|persona|personas|miembros?))"
)
_BORN_ES = r"nac(?:io|ieron|iste|imos|ido|ida|idos|idas)"
_US = r"(?:u\.?\s?s\.?(?:a\.?)?(?=\W|$)|united\s+states|america)"

FORBIDDEN = [
    # ---- English: status, papers, citizenship
    r"\bimmigra\w*\s+(?:status|papers|documents?|documentation|situation)\b",
    r"\b(?:citizenship|residency|residence|legal|migratory|migration|visa)\s+status\b",
    r"(?<!digital\s)(?<!global\s)\bcitizenship\b",
    rf"\b(?:are|is|were|was)\s+(?:you|they|he|she|your\s+\w+|the\s+\w+|any\s+\w+)\s+"
    rf"(?:both\s+)?(?:an?\s+)?(?:{_US}\s+|(?!senior\b)\w+\s+)?citizens?\b",
    rf"(?:\bnon-?\s?|\bnot\s+an?\s+|\b{_US}\s+|\bamerican\s+|\bnaturali[sz]ed\s+)citizens?\b",
    r"\bnaturali[sz](?:ed|ation)\b",
    r"\A\W*(?:non-?\s?)?citizens?\W*\Z",
    r"\bundocumented\b",
    r"\billegal(?:ly)?\s+(?:aliens?|immigrants?|migrants?|here|in\s+the)\b",
    r"\b(?:here|country|in\s+the\s+u\.?\s?s\.?|in\s+the\s+united\s+states)\s+legally\b",
    r"\b(?:are|is|were)\s+(?:you|they|he|she|your\s+\w+)\s+(?:an?\s+)?"
    r"(?:legal\s+|illegal\s+|undocumented\s+|recent\s+)?(?:immigrants?|migrants?|refugees?)\b",
    r"\bgreen\s*-?\s*cards?\b",
    r"\bvisas?\b",
    r"\b(?:work|residence|residency)\s+permits?\b",
    r"\b(?:legal|lawful|permanent)\s+(?:permanent\s+)?residen(?:t|ts|ce|cy)\b",
    r"\bdaca\b",
    r"\btemporary\s+protected\s+status\b",
    r"\basylum\b",
    r"\brefugee\s+status\b",
    r"\b(?:legal|immigration)\s+papers\b",
    r"\bwithout\s+papers\b",
    r"\b(?:have|has)\s+(?:legal\s+|immigration\s+)?papers\s*(?:\?|$)",
    r"\bnationality\b",
    # ---- English: birth
    r"\bcountry\s+of\s+(?:birth|origin|citizenship|nationality)\b",
    r"\b(?:place|city|town|state|country)\s+(?:of\s+)?birth\b",
    r"\bbirth\s*(?:place|country)\b",
    r"\b(?:where|(?:which|what)\s+(?:country|countries|city|town|nation|state|place))\b"
    r"[^.?!;]{0,40}\bborn\b",
    rf"\bborn\b[^.?!;]{{0,20}}\b(?:in|outside(?:\s+of)?)\s+(?:the\s+)?"
    rf"(?:{_US}|mexico|this\s+country|another\s+country|a\s+(?:different|foreign)\s+country)",
    r"\bborn\s+(?:abroad|overseas|here)\b",
    rf"\b(?:foreign|{_US}|american|native)[\s-]+born\b",
    # ---- English: numbers
    r"\bsocial\s+security\b",
    r"\bssn\b",
    r"\bitin\b",
    r"\ba\s?-\s?(?:numbers?|no\.?|#)(?=\W|$)",
    r"\ba#",
    r"\b(?:alien|uscis|immigration)\s+(?:registration\s+)?(?:numbers?|no\b|#|cards?)",
    # ---- Spanish (accents folded): status, papers, citizenship
    r"\b(?:estatus|estado|situacion|condicion|calidad)\s+"
    r"(?:migratori[oa]|de\s+(?:inmigracion|migracion|inmigrante)|legal|de\s+residencia)\b",
    r"\bciudadania\b(?!\s+(?:digital|global))",
    r"\b(?:es|son|eres|sea|sean|era|eran|fue|fueron)\s+"
    r"(?:(?:usted|ustedes|el|ella|ellos|ellas|tu)\s+|(?:su|sus|tu|tus)\s+\w+\s+)?"
    r"(?:un\s+|una\s+)?ciudadan[oa]s?\b",
    r"\bciudadan[oa]s?\s+(?:estadounidenses?|american[oa]s?|de\s+(?:los\s+)?(?:estados\s+unidos|"
    r"ee\.?\s?uu\.?|eeuu))",
    r"\bno\s+ciudadan[oa]s?\b",
    r"\A\W*ciudadan[oa]s?\W*\Z",
    r"\bindocumentad[oa]s?\b",
    r"\bsin\s+documentos\b",
    r"\bpapeles\b",
    r"\bdocumentos?\s+(?:migratori[oa]s?|de\s+(?:inmigracion|migracion))\b",
    r"\bdocumentacion\s+migratoria\b",
    r"\btarjeta\s+(?:verde|de\s+residen(?:te|cia))\b",
    r"\bresiden(?:cia|te|tes)\s+(?:legal|legales|permanente|permanentes)\b",
    r"\bpermiso\s+de\s+trabajo\b",
    r"\basilo\s+politico\b",
    r"\b(?:es|son|eres)\s+(?:usted\s+|ustedes\s+|el\s+|ella\s+)?(?:un\s+|una\s+)?"
    r"(?:inmigrantes?|migrantes?|refugiad[oa]s?)\b",
    r"\bnacionalidad\b",
    # ---- Spanish: birth
    r"\bpais\s+de\s+(?:nacimiento|origen|ciudadania|nacionalidad)\b",
    r"\b(?:lugar|ciudad|estado)\s+de\s+nacimiento\b",
    rf"\bdonde\s+{_BORN_ES}\b(?=\s*[?.!,;:)]|\s*$|\s+{_PERSON}\b)",
    rf"\b(?:que|cual|cuales)\s+(?:pais|paises|ciudad|ciudades|nacion|estado|lugar)\b"
    rf"[^.?!;]{{0,40}}\b{_BORN_ES}\b",
    rf"\b{_BORN_ES}\b[^.?!;]{{0,30}}\b(?:en|fuera\s+de)\s+(?:(?:los\s+)?estados\s+unidos|"
    r"ee\.?\s?uu\.?|eeuu|usa\b|(?:este|otro|el|su)\s+pais|el\s+extranjero|mexico|aqui)",
    # ---- Spanish: numbers
    r"\bseguro\s+social\b",
    r"\bnumero\s+a\b(?!\s+\w)",
    r"\bnumero\s+(?:de\s+)?(?:registro\s+de\s+)?extranjer[oa]s?\b",
    r"\bnumero\s+de\s+(?:inmigracion|residente|uscis)\b",
]
_PATTERN = re.compile("|".join(f"(?:{p})" for p in FORBIDDEN))

# "We never ask / do not collect / nunca le preguntamos / no pedimos ..."
_PROMISE = re.compile(
    r"(?:\b(?:never|not|no|nunca|jamas)|n't)\s+(?:\w+\s+){0,2}?"
    r"(?:ask|asks|asking|collect|collects|record|records|request|requests|require|store|"
    r"keep|want|pregunt\w*|pid\w*|pedi\w*|solicit\w*|recog\w*|guard\w*|registr\w*|anot\w*)\b"
)
# Sentence ends: ". " (not the dots of "U.S."), line breaks and the Spanish openers.
_SENTENCE_BREAK = re.compile(r"(?<=[^.\s]{2}[.!?;])\s+|\n+|[¡¿]")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "’": "'"})


def fold(text):
    """Lower-case and strip accents so 'situación' and 'situacion' match alike."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DASHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def forbidden_phrase(text, promise_allowed=False):
    """Return the forbidden phrase found in ``text``, or ``None``.

    With ``promise_allowed``, a sentence that is not a question and says the
    survey never asks (before naming what it never asks) is not counted.
    """
    folded = fold(text or "")
    if not promise_allowed:
        match = _PATTERN.search(folded)
        return match.group(0) if match else None
    for sentence in _SENTENCE_BREAK.split(folded):
        for match in _PATTERN.finditer(sentence):
            if not _is_promise(sentence, match.start()):
                return match.group(0)
    return None


def _is_promise(sentence, position):
    if "?" in sentence:
        return False
    promise = _PROMISE.search(sentence)
    return promise is not None and promise.start() < position
