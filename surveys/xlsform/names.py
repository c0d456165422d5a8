"""Names shared by the XLSForm importer and exporter.

XLSForm names may use capitals, hyphens and dots; Voces keys are lower-case
letters, digits and ``_`` starting with a letter. ``key()`` maps one to the
other the same way for questions, choices and the conditions that name them.
"""

import re

from ..definition.validator import KEY

YES_NO_LIST = "voces-yes-no"  # a hyphen: no Voces key can take this name
LANGUAGE_NAMES = {"en": "English (en)", "es": "Español (es)"}
_PAGE = re.compile(r"^page-(\d+)$")


def key(name, prefix="c"):
    if KEY.match(name) and len(name) <= 64:
        return name  # already a key: a Voces export comes back unchanged
    text = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_")
    if text and not text[0].isalpha():
        text = f"{prefix}_{text}"
    return text[:64]


def slug(name):
    text = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    return text[:64] or "imported"


def page_name(section, index):
    """The group name for a page: its key, or ``page-<n>`` when it has none.

    The hyphen keeps it apart from every key (a page may well be keyed ``page_1``).
    """
    return section.get("key") or f"page-{index + 1}"


def section_key(name, index):
    """The reverse of ``page_name``: ``page-<n>`` at position n means no key."""
    match = _PAGE.match(name)
    if match and int(match.group(1)) == index + 1:
        return None
    return key(name, prefix="s") or None
