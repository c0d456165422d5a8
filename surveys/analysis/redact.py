"""Masking of personal details in free text before staff read or analyse it.

Facilitators and families are asked never to write names or contact details,
yet some slip through: an e-mail address, a phone number, an ID number, a
street address, "my name is ...". These patterns replace them with a neutral
tag. Ordinary numbers ("3 kids", "grade 10", "2021", a date) and ordinary
sentences ("I am worried", "soy madre de dos") are left alone.
"""

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Addresses spelled out to dodge filters: "rosa.g at gmail dot com", "rosa
# (arroba) hotmail punto com". Without "dot com" only "arroba" or a bracketed
# "(at)" before a well-known provider counts, so "look at yahoo news" stays.
AT = r"\s*[(\[{<]?\s*(?i:at|arroba)\s*[)\]}>]?\s*"
STRICT_AT = r"\s*(?:(?i:arroba)|[(\[{<]\s*(?i:at|arroba)\s*[)\]}>])\s*"
DOT = r"(?:\s*[(\[{<]?\s*(?i:dot|punto)\s*[)\]}>]?\s*|\.)"
LOCAL_PART = r"(?<![\w.+-])[\w.+-]+"
SPELLED_EMAIL = re.compile(
    LOCAL_PART + AT + r"(?:[\w-]+" + DOT + r")+(?i:com|net|org|edu|gov|mx|us|info)\b"
    r"|" + LOCAL_PART + STRICT_AT + r"(?i:gmail|hotmail|yahoo|outlook|icloud|aol|prodigy)\b"
)
# An address spelled with spaces ("maria lopez at gmail dot com") begins before
# the word the patterns above can see: after "my email is" / "mi correo es",
# up to three more words belong to it ("at", "to", "a"... do not).
EMAIL_CUE = (
    r"(?i:\be-?mail|\bcorreo(?:\s+electr[oó]nico)?)"
    r"(?:\s+(?i:is|es|me|address|de\s+contacto))?\s*[:=]?\s+"
)
NAME_BEFORE_EMAIL = re.compile(
    r"(" + EMAIL_CUE + r")(?:(?!(?i:at|to|a|al|en|the|is|es|me)\s)[\w.+-]+\s+){1,3}(?=\[email\])"
)
# Alien registration numbers: A123456789, A-123-456-789, A# 123456789 (8 or 9 digits).
A_NUMBER = re.compile(r"(?<![\w#])A(?:\s*#\s*|-|\s)?(?:\d{3}-?\d{3}-?\d{2,3})(?!\d)", re.IGNORECASE)
SSN = re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)")
# Nine digits in a row, or 3-3-3, are a Social Security or A-number written bare.
BARE_ID = re.compile(r"(?<![\d$.,-])(?:\d{9}|\d{3}-\d{3}-\d{3})(?![\d-]|[.,]\d)")
# Any other long number announced as an ID: "my social is ...", "número A
# 1234-5678", "student ID 12345678", "seguro social ...".
ID_CUE = (
    r"(?i:social(?:\s+security)?(?:\s+(?:number|no\.?|\#))?|ssn|ss\#|itin"
    r"|seguro\s+social|alien(?:\s+registration)?\s+(?:number|no\.?|\#)"
    r"|(?:student\s+)?id(?:\s+number)?|matr[íi]cula|green\s+card(?:\s+number)?"
    r"|n[úu]mero\s+(?:de\s+)?(?:a|alien|extranjero|seguro\s+social))|A[\s-]?(?i:number)"
)
CUED_ID = re.compile(r"\b(" + ID_CUE + r")(\s*(?i:is|es|:|\#|=)?\s*)\d(?:[\s-]?\d){6,11}(?!\d)")
# US numbers with an area code (323-555-0147, (213) 555 0199, +1 213 555 0199,
# 2135550199), Mexican ones (55 1234 5678, +52 1 55 1234 5678, 044 33 1234
# 5678) and local ones with a separator (555-0147).
PHONE = re.compile(
    r"(?<![\d+])(?:\+?1[\s.-]?|\+52[\s.-]?(?:1[\s.-]?)?|0[45]4[\s.-]?)?"
    r"(?:(?:\(\d{3}\)\s?|\d{3}[\s.-]?)\d{3}|(?:\(\d{2}\)\s?|\d{2}[\s.-]?)(?!(?:19|20)\d\d\D(?:19|20)\d\d)\d{4})"
    r"[\s.-]?\d{4}(?!\d)"
    r"|(?<![\d-])\d{3}[.-]\d{4}(?![\d-])"
)

# Street addresses: "1234 W 5th St", "4500 S Central Ave, Apt 3", "calle Olympic
# número 123", "avenida Cesar Chavez 2300". A house number has two digits or
# more, and a street type or "número" must follow, so "3 kids", "room 204" or
# "la calle grande" never look like one.
STREET_TYPE = (
    r"(?i:st|street|ave|avenue|blvd|boulevard|rd|road|dr|drive|way|pl|place|ln|lane"
    r"|ct|court|ter|terrace|pkwy|parkway|hwy|highway|cir|circle)"
)
UNIT = r"(?:,?\s*(?i:apt|apartment|unit|ste|suite|depto|departamento|#)\.?\s*#?\s*\w{1,5}\b)?"
DIRECTION = r"(?:(?i:[NSEW]|north|south|east|west)\.?\s+)?"
ADDRESS = re.compile(
    # Street names are capitalised or numbered ("Main", "5th"), except typed
    # all in lower case after a number of three digits or more ("1234 main st").
    r"\b\d{2,6}\s+"
    + DIRECTION
    + r"(?:[A-Z0-9][\w'.-]*\s+){1,3}?"
    + STREET_TYPE
    + r"\b\.?"
    + UNIT
    + r"|\b\d{3,6}\s+"
    + DIRECTION
    + r"(?:[a-z0-9][\w'-]*\s+){1,2}?"
    + STREET_TYPE
    + r"\b\.?"
    + UNIT
)
CALLE = r"\b(?i:calle|avenida|av\.|ave\.|bulevar|boulevard|blvd\.)"
DIRECCION = re.compile(
    CALLE
    + r"\s+(?:[\w'.-]+\s+){0,4}?(?i:n[úu]mero|n[úu]m\.|no\.|#)\s*\d+[A-Za-z]?\b"
    + UNIT
    + r"|"
    + CALLE
    + r"\s+(?:[A-ZÁÉÍÓÚÑ0-9][\w'.-]*\s+(?:(?:de|del|la|las|los|el)\s+)?){1,3}#?\d{2,6}\b"
    + UNIT
)
# "vivo en Hidalgo 45", "I live on Laurel Canyon Blvd", "vivimos en la calle
# Morelos": where someone lives, even without a house number. A town or a
# neighbourhood ("vivo en Pacoima") is left: it is what the summaries count by.
LIVE = r"\b(?i:i\s+live|we\s+live|lives?|living|vivo|vivimos|vive|viven)\s+(?i:on|at|en)\s+"
STREET_NAME = r"(?:[A-ZÁÉÍÓÚÑ0-9][\w'.-]*\s+){1,3}?"
LIVES_AT = re.compile(
    LIVE
    + r"(?:(?i:la|el)\s+)?(?:"
    + DIRECTION
    + STREET_NAME
    + STREET_TYPE
    + r"\b\.?"
    + r"|(?i:calle|avenida|av\.|privada|cerrada|callej[óo]n)\s+[A-ZÁÉÍÓÚÑ0-9][\w'.-]*"
    + r"(?:\s+(?:(?:de|del|la|los|las)\s+)?[A-ZÁÉÍÓÚÑ0-9][\w'.-]*)*"
    + r"|[A-ZÁÉÍÓÚÑ][\w'.-]*(?:\s+[A-ZÁÉÍÓÚÑ][\w'.-]*){0,2}\s+\#?\d{1,6}\b"
    + r"(?!\s*(?i:años|anos|years|yrs|meses|months|días|dias|days)))"
    + UNIT
)

# Names. After "my name is", "me llamo", "se llama" the next word is a name
# whatever its case (phones type "me llamo rosa"); after "I am", "soy", "call
# me" or a title ("Mrs.", "maestra") only a capitalised word is, and not a
# nationality, a role or a feeling ("I am Mexican", "Soy Maestra", "I'm So").
NAME = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?:[-'’][A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)?"
WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)?"
SURNAMES = r"((?:\s+" + NAME + r"){0,2})"
PLAIN_CUE = re.compile(
    r"\b(?i:name\s+is|name's|nombre\s+es|me\s+llamo|se\s+llaman?)\s+(" + WORD + r")"
    r"((?:\s+" + WORD + r"){0,2})"
)
CAPITAL_CUE = re.compile(
    r"\b(?i:i\s*['’]?\s*m|i\s+am|soy|call\s+me|ll[áa]m[ae]nme|this\s+is|habla)\s+("
    + NAME
    + r")"
    + SURNAMES
)
TITLE = re.compile(
    r"\b((?:Mr|Mrs|Ms|Mx|Dr|Sr|Sra|Srta)\.?|Miss|Don|Doña|Coach|Principal"
    r"|(?i:maestr[oa]|profesora?|profe|señora?|señorita|director|directora|teacher))"
    r"\s+(" + NAME + r")" + SURNAMES
)
# "my son Diego", "mi hija María José", "my kids Luis and Ana": a capitalised
# word right after a child or relative is a name ("my son is", "mi hijo
# tiene" stay).
KIN = re.compile(
    r"\b((?i:my|mi|mis|our|nuestr[oa]s?)\s+(?i:son|daughter|child|kid|boy|girl|grandson"
    r"|granddaughter|nephew|niece|stepson|stepdaughter|sons|daughters|kids|children"
    r"|grandchildren|hij[oa]s?|hijit[oa]s?|niet[oa]s?|sobrin[oa]s?|niñ[oa]s?|nin[oa]s?"
    r"|hijastr[oa]s?)(?:\s*,)?\s+)("
    + NAME
    + r"(?:\s+"
    + NAME
    + r")?(?:\s*(?:,|(?i:and|y|e|&))\s*"
    + NAME
    + r"(?:\s+"
    + NAME
    + r")?)*)"
)
KIN_NAME = re.compile(NAME + r"(?:\s+" + NAME + r")?")
NOT_NAMES = frozenset(
    """
    not no a an the so just very really here there from in at on with to and or but
    if when back later please after before tomorrow today anytime anyone someone
    worried scared afraid happy sad tired sure glad thankful grateful concerned
    confused sorry ok okay fine good ready able unable going trying writing asking
    also still only new one two three
    monday tuesday wednesday thursday friday saturday sunday lunes martes miércoles
    miercoles jueves viernes sábado sabado domingo
    mexican mexicana mexicano latina latino latinx latine hispanic hispana hispano
    american americana americano african asian black white native indigenous
    salvadoran salvadoreña salvadoreño guatemalan guatemalteca guatemalteco
    honduran hondureña hondureño nicaraguan peruvian colombian cuban korean
    filipino filipina chinese armenian catholic católica católico christian
    cristiana cristiano muslim jewish english spanish inglés español bilingual
    mom dad mother father parent grandmother grandfather grandma grandpa guardian
    student teacher nurse counselor single immigrant undocumented
    madre padre mamá papá mama papa abuela abuelo tía tío tia tio estudiante
    alumna alumno maestra maestro tutor tutora consejera consejero enfermera
    enfermero inmigrante una un uno muy de del la el los las que y en con por para
    need needs needed want wants love loves like likes hate hates miss misses go goes
    went have has had are is was were get gets got could do does did cannot
    feel feels felt struggle struggles study studies attend attends learn learns
    necesita necesitan necesitaba quiere quieren quería extraña extrañan
    fue fueron tiene tienen tenía está están estaba es son era eran puede pueden
    pudo estudia estudian asiste asisten aprende aprenden odia odian
    siente sienten sufre sufren no sí si ya todavía también
    sin su sus mi mis nuestra nuestro
    volunteer neighbor resident member worker leader caregiver foster stepmom
    stepdad veteran senior junior freshman sophomore graduate homeowner renter
    tenant proud excited hopeful frustrated disappointed upset angry nervous
    anxious thankful blessed is has was will can does did had goes went needs
    voluntaria voluntario vecina vecino residente ama trabajadora trabajador
    miembro parte líder lider representante cuidadora cuidador abuelita
    abuelito inquilina inquilino originaria originario nacida nacido también
    tambien bien feliz contenta contento preocupada preocupado nueva nuevo sola
    solo esposa esposo viuda viudo casada casado soltera soltero tiene va está
    esta estudia fue tenía necesita
    """.split()  # noqa: SIM905
)


def _mask_cued(match):
    if match.group(1).lower() in NOT_NAMES:
        return match.group(0)
    cue = match.group(0)[: match.start(1) - match.start(0)]
    return cue + "[name]" + _after_name(match.group(2) or "")


def _after_name(rest):
    """What follows a name: surnames are masked too, up to the first common word."""
    words = rest.split()
    while words and words[0].lower() not in COMMON_WORDS:
        words.pop(0)
    return "".join(" " + word for word in words)


def _mask_titled(match):
    if match.group(2).lower() in NOT_NAMES:
        return match.group(0)
    return match.group(1) + " [name]"


COMMON_WORDS = NOT_NAMES | frozenset(
    """
    i me my we our you your he she it they them his her is am are was be been have
    has had do does did will would can could should call text write email phone
    cell number live lives work son daughter kids children y e o pero porque
    vivo vive tengo tiene soy es son mi cel celular número numero llamen
    hablen escriban hijo hija hijos
    """.split()  # noqa: SIM905
)


def _mask_kin(match):
    names = [m for m in KIN_NAME.finditer(match.group(2))]
    if _ordinary(names[0].group(0)):
        return match.group(0)
    out, end = match.group(1), 0
    for name in names:
        out += match.group(2)[end : name.start()]
        out += name.group(0) if _ordinary(name.group(0)) else "[name]"
        end = name.end()
    return out + match.group(2)[end:]


def _ordinary(words):
    """True for capitalised ordinary words ("Needs", "Y"); a common word followed
    by a surname is still a name ("Ama Owusu", "Can Yilmaz")."""
    return all(word.lower() in NOT_NAMES for word in words.split())


def mask_names(text):
    """``text`` with names introduced by "my name is", "soy", "Mrs.", "my son" ... masked."""
    text = PLAIN_CUE.sub(_mask_cued, text)
    text = CAPITAL_CUE.sub(_mask_cued, text)
    text = KIN.sub(_mask_kin, text)
    return TITLE.sub(_mask_titled, text)


def mask_addresses(text):
    """``text`` with street addresses replaced by ``[address]``."""
    text = DIRECCION.sub("[address]", ADDRESS.sub("[address]", text))
    return LIVES_AT.sub(_mask_lived_at, text)


def _mask_lived_at(match):
    return LIVE_CUE.match(match.group(0)).group(0) + "[address]"


LIVE_CUE = re.compile(LIVE + r"(?:(?i:la|el)\s+)?")


NUMBERS = (
    (A_NUMBER, "[id number]"),
    (CUED_ID, r"\1\2[id number]"),
    (PHONE, "[phone]"),
    (SSN, "[id number]"),
    (BARE_ID, "[id number]"),
)


DIGIT = re.compile(r"\d")
# Seven digits or more, in groups: the least any phone or ID number has.
LONG_NUMBER = re.compile(r"\d(?:[^\d\n]{0,3}\d){6}")
# Words without which no name pattern can match: most answers skip the patterns.
CUE_HINTS = ("name", "nombre", "llam")
NAME_HINTS = (
    "i'm", "i’m", "im ", "i m ", "i am", "soy", "call me", "this is", "habla", "mr", "ms",
    "mx", "dr", "sr", "miss", "don", "coach", "principal", "maestr", "profe", "señor",
    "director", "teacher", "son", "daughter", "kid", "child", "boy", "girl", "nephew",
    "niece", "hij", "niet", "sobrin", "niñ", "nin",
)  # fmt: skip
ADDRESS_HINTS = ("live", "living", "viv", "calle", "avenida")
# Bounded: an unbounded ".*" after each "at" is quadratic on a long answer.
SPELLED_HINT = re.compile(r"arroba|[(\[{<]\s*at\s*[)\]}>]|\bat\b.{0,80}?(?:\bdot\b|\.[a-z]{2,4}\b)")


def _may_name(text, low):
    """Cheap checks first: only cues like "my name is" match a word in lower case."""
    if any(hint in low for hint in CUE_HINTS):
        return True
    rest = text[1:]
    return rest != rest.lower() and any(hint in low for hint in NAME_HINTS)


def mask_personal_details(text):
    """``text`` with e-mail addresses, phone and ID numbers, street addresses
    and names replaced by tags."""
    low = text.lower()
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    if (" at " in low or "arroba" in low or "at)" in low or "at]" in low) and SPELLED_HINT.search(
        low
    ):
        text = SPELLED_EMAIL.sub("[email]", text)
    if "[email]" in text:
        text = NAME_BEFORE_EMAIL.sub(r"\1", text)
    if LONG_NUMBER.search(text):
        for pattern, tag in NUMBERS:
            text = pattern.sub(tag, text)
    if DIGIT.search(text) or any(hint in low for hint in ADDRESS_HINTS):
        text = mask_addresses(text)
    return mask_names(text) if _may_name(text, low) else text
