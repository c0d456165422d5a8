"""Masking of personal details in free text before staff read or analyse it.

Facilitators and families are asked never to write names or contact details,
yet some slip through: an e-mail address, a phone number, an ID number. These
patterns replace them with a neutral tag. Ordinary numbers ("3 kids",
"grade 10", "2021", a date) are left alone.
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Alien registration numbers: A123456789, A-123-456-789, A# 123456789 (8 or 9 digits).
A_NUMBER = re.compile(r"(?<![\w#])A(?:\s*#\s*|-|\s)?(?:\d{3}-?\d{3}-?\d{2,3})(?!\d)", re.IGNORECASE)
SSN = re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)")
# US numbers with an area code (323-555-0147, (213) 555 0199, +1 213 555 0199,
# 2135550199) and local ones with a separator (555-0147).
PHONE = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}[\s.-]?\d{4}(?!\d)"
    r"|(?<![\d-])\d{3}[.-]\d{4}(?![\d-])"
)

REPLACEMENTS = (
    (EMAIL, "[email]"),
    (A_NUMBER, "[id number]"),
    (SSN, "[id number]"),
    (PHONE, "[phone]"),
)


def mask_personal_details(text):
    """``text`` with e-mail addresses, phone numbers and ID numbers replaced by tags."""
    for pattern, tag in REPLACEMENTS:
        text = pattern.sub(tag, text)
    return text
