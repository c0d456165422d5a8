"""Refuse questions that ask for immigration or citizenship status.

California Education Code 234.7 and district policy forbid schools from
collecting immigration or citizenship status, country of birth, Social
Security numbers or A-numbers, and families who fear enforcement stop
answering when a survey asks. The guard reads every question's text, help
and choices in every language, with accents folded, and is deliberately
broad: a false alarm costs a rewording, a miss costs a family's trust.
"""

import re
import unicodedata

FORBIDDEN = [
    # English
    r"\bimmigra\w*\s+(status|papers|documents?)\b",
    r"\b(citizenship|residency|legal)\s+status\b",
    r"\bcitizenship\b",
    r"\bare\s+(you|they|your\s+\w+)\s+(an?\s+)?(u\.?s\.?\s+)?citizens?\b",
    r"\bundocumented\b",
    r"\bgreen\s*card\b",
    r"\bvisa\b",
    r"\bcountry\s+of\s+(birth|origin)\b",
    r"\b(place|city|country)\s+(of\s+)?birth\b",
    r"\bbirthplace\b",
    r"\bwhere\s+(were|was)\s+(you|he|she|they|your\s+\w+)\s+born\b",
    r"\bsocial\s+security\b",
    r"\bssn\b",
    r"\bitin\b",
    r"\ba-?\s?numbers?\b",
    r"\balien\s+(registration\s+)?(number|card)\b",
    # Spanish (accents folded)
    r"\b(estatus|estado|situacion|condicion)\s+(migratori[oa]|de\s+inmigracion|legal)\b",
    r"\bciudadan(ia|o|a|os|as)\b",
    r"\bindocumentad[oa]s?\b",
    r"\bpapeles\b",
    r"\btarjeta\s+verde\b",
    r"\bresidencia\s+(legal|permanente)\b",
    r"\bpais\s+de\s+(nacimiento|origen)\b",
    r"\blugar\s+de\s+nacimiento\b",
    r"\bdonde\s+(nacio|nacieron|naciste)\b",
    r"\bseguro\s+social\b",
    r"\bnumero\s+(a|de\s+extranjero|de\s+registro\s+de\s+extranjero)\b",
]
_PATTERN = re.compile("|".join(FORBIDDEN))


def fold(text):
    """Lower-case and strip accents so 'situación' and 'situacion' match alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def forbidden_phrase(text):
    """Return the forbidden phrase found in ``text``, or ``None``."""
    match = _PATTERN.search(fold(text or ""))
    return match.group(0) if match else None
