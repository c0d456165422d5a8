"""The record that the preparation stages pass along, one per document."""

from typing import NamedTuple


class Record(NamedTuple):
    """A document on its way to analysis (a named tuple: 100,000 copies are cheap).

    ``text`` is what people may read (tidied, personal details masked);
    ``analysis_text`` is what the vectorizer reads, when it is not ``text``
    itself (the machine translation into English), and ``analysis_lang``
    its language.
    """

    id: str
    text: str
    lang: str | None = None
    non_answer: bool = False
    analysis_text: str | None = None
    analysis_lang: str | None = None
    gloss: str | None = None  # machine translation, when one was made

    @classmethod
    def from_document(cls, document):
        return cls(id=document.id, text=document.text, lang=document.lang)
