"""Personal details in free text, in English and Spanish, masked before anything is kept.

Each case is a form people really type; the second half are ordinary
sentences full of numbers and capitals that must come through untouched.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.analysis import Document, find_themes
from surveys.analysis.redact import mask_personal_details

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # E-mail addresses, plain and spelled out
        ("write me at maria.lopez@gmail.com", "write me at [email]"),
        ("mlopez at gmail dot com", "[email]"),
        ("mlopez [at] yahoo [dot] com please", "[email] please"),
        ("mi correo es rosa_g (arroba) hotmail punto com", "mi correo es [email]"),
        ("rosa.g arroba hotmail.com", "[email]"),
        ("escríbanme: rosa arroba gmail", "escríbanme: [email]"),
        ("my email is maria lopez at gmail dot com", "my email is [email]"),
        ("Mi correo es Ana María Ruiz arroba hotmail punto com", "Mi correo es [email]"),
        ("email me: juan perez at yahoo dot com please", "email me: [email] please"),
        # Phone numbers, US and Mexican
        ("call +1 818 555 1234 please", "call [phone] please"),
        ("(818) 555-1234", "[phone]"),
        ("818.555.1234", "[phone]"),
        ("818-555-1234", "[phone]"),
        ("8185551234", "[phone]"),
        ("1-818-555-1234", "[phone]"),
        ("mi número es 818 555 1234", "mi número es [phone]"),
        ("mi cel 55 1234 5678", "mi cel [phone]"),
        ("+52 55 1234 5678", "[phone]"),
        ("+52 1 55 1234 5678", "[phone]"),
        ("044 55 1234 5678", "[phone]"),
        ("tel. (33) 1234-5678", "tel. [phone]"),
        ("tel 33-1234-5678", "tel [phone]"),
        ("+52 222 123 4567", "[phone]"),
        # Social Security numbers
        ("SSN 123-45-6789", "SSN [id number]"),
        ("ssn 123 45 6789", "ssn [id number]"),
        ("my social is 123456789", "my social is [id number]"),
        ("my social security number: 123-45-6789", "my social security number: [id number]"),
        ("mi seguro social es 123 45 6789", "mi seguro social es [id number]"),
        ("número de seguro social 123456789", "número de seguro social [id number]"),
        # A-numbers
        ("A123456789", "[id number]"),
        ("A-123-456-789", "[id number]"),
        ("A# 12345678", "[id number]"),
        ("mi número A es 123456789", "mi número A es [id number]"),
        ("número A 123-456-789", "número [id number]"),
        ("my A number is 12345678", "my A number is [id number]"),
        ("alien number: 123 456 789", "alien number: [id number]"),
        ("the 123-456-789 on his card", "the [id number] on his card"),
        ("my son's student ID 12345678", "my son's student ID [id number]"),
        # Street addresses
        ("123 Main St", "[address]"),
        ("I live at 123 Main Street", "I live at [address]"),
        ("123 Main Ave.", "[address]"),
        ("4567 W. Van Nuys Blvd Apt 3", "[address]"),
        ("4567 W. Van Nuys Blvd. Apt. 3, near the park", "[address], near the park"),
        ("1234 main st", "[address]"),
        ("I live on Laurel Canyon Blvd", "I live on [address]"),
        ("Calle Hidalgo número 45", "[address]"),
        ("Avenida Juárez número 1200, depto 4", "[address]"),
        ("vivo en Calle 5 de Mayo 123", "vivo en [address]"),
        ("vivo en la colonia Centro, calle Morelos 12", "vivo en la colonia Centro, [address]"),
        ("vivo en Hidalgo 45 cerca de la escuela", "vivo en [address] cerca de la escuela"),
        ("vivimos en la calle Morelos", "vivimos en la [address]"),
        # Names introduced by a cue
        ("My name is Maria", "My name is [name]"),
        ("my name's Jose", "my name's [name]"),
        ("I'm Maria Lopez", "I'm [name]"),
        ("I am Jose and I worry", "I am [name] and I worry"),
        ("Hi, this is Carmen from Pacoima", "Hi, this is [name] from Pacoima"),
        ("me llamo rosa", "me llamo [name]"),
        ("mi nombre es ana maria", "mi nombre es [name]"),
        ("Soy Lupe, mamá de dos", "Soy [name], mamá de dos"),
        ("my son Diego is in 3rd grade", "my son [name] is in 3rd grade"),
        ("my daughter, Ana, has asthma", "my daughter, [name], has asthma"),
        ("my kids Luis and Ana need help", "my kids [name] and [name] need help"),
        ("mi hijo Juan Carlos tiene asma", "mi hijo [name] tiene asma"),
        ("my daughter Ama Owusu is shy", "my daughter [name] is shy"),
        ("mi hijo Van Nguyen va en tercero", "mi hijo [name] va en tercero"),
        ("mi hija María va a la escuela", "mi hija [name] va a la escuela"),
        ("mis hijos Pedro y Lucía", "mis hijos [name] y [name]"),
        ("I'm Maria and my son Diego", "I'm [name] and my son [name]"),
    ],
)
def test_personal_details_are_masked_in_english_and_spanish(text, masked):
    assert mask_personal_details(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "I am worried about the buses.",
        "I'm worried about my son",
        "I'm a mom of three",
        "I'm Latina and proud",
        "I am Not happy with the plan",
        "I'm Frustrated with the district",
        "soy madre",
        "soy Madre de tres",
        "Soy mamá de dos",
        "Soy de Guatemala",
        "Soy Guatemalteca",
        "Soy Voluntaria en la escuela",
        "my son is in 6th grade",
        "my daughter has asthma",
        "My Son Needs help",
        "mi hijo tiene 7 años",
        "mi hijo Y mi hija",
        "mis hijos Necesitan internet",
        "mi hija Quiere volver a la escuela",
        "my kids Need a laptop",
        "my kids English class is full",
        "I have 3 kids in 2nd and 5th grade",
        "tengo 4 hijos, de 6, 9, 12 y 15 años",
        "the bus at 7:30 is late",
        "at 3:15 pm the gate closes",
        "since 2021 nothing changed",
        "between 2019 and 2022, and in the 2020-2021 school year",
        "Between 10 2020 2021",
        "COVID-19 scared us",
        "we waited 45 minutes, 1 in 4 students, 12 of 30 kids",
        "room 204 has no AC",
        "grades went from 85 to 70",
        "a 10-15 minute walk",
        "call 911 or 311 if needed",
        "$1,200 rent and 1,234,567 dollars",
        "Our zip is 91331, Pacoima 91331-1234",
        "The Main St bus at 7:45 am",
        "A 10 minute walk to 5th Ave",
        "we live near 5th Street",
        "I live in Pacoima",
        "We live on a budget",
        "I live at the end of the street",
        "vivo en Pacoima cerca de la escuela",
        "vivo en Wilmington hace 10 años",
        "vivo en una casa pequeña",
        "We met at school and talked",
        "look at yahoo news today",
        "the email from school never came to us at home",
        "el correo de la escuela llega tarde",
        "Son las 7:30 y el camión no llega",
        "el 16 de septiembre hay fiesta",
    ],
)
def test_ordinary_words_and_numbers_are_left_alone(text):
    assert mask_personal_details(text) == text


SECRETS = ("Maria", "Diego", "Rosa", "Lucía", "555", "1234", "6789", "gmail", "Hidalgo")
PERSONAL = [
    ("p1", "My name is Maria and we need wifi at home, call (818) 555-1234", "en"),
    ("p2", "my son Diego has no internet at home, mlopez at gmail dot com", "en"),
    ("p3", "me llamo Rosa, no hay internet en casa, cel 55 1234 5678", "es"),
    ("p4", "mi hija Lucía necesita wifi en casa, vivo en Calle Hidalgo número 45", "es"),
    ("p5", "SSN 123-45-6789 internet at home please", "en"),
    ("p6", "A# 12345678, el internet en casa no sirve", "es"),
]


def test_no_personal_detail_reaches_the_theme_result():
    docs = [Document(id=i, text=t, lang=lang) for i, t, lang in PERSONAL]
    result = find_themes(docs, translator=None, n_themes=1)

    shown = [*result.masked_texts.values()]
    shown += [part for t in result.themes for q in t.quotes for part in (q.text, q.gloss or "")]
    shown += [term for t in result.themes for words in t.terms.values() for term in words]
    shown += [name for t in result.themes for name in t.names.values()]
    assert not [s for s in shown for secret in SECRETS if secret.lower() in s.lower()]


def test_no_personal_detail_reaches_the_files_the_analysis_writes(tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": t, "lang": lang}) for i, t, lang in PERSONAL]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"

    args = ["--out", out, "--summary", summary, "--min-cell", "1", "--themes", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "surveys.analysis", source, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    written = (out.read_text(encoding="utf-8") + summary.read_text(encoding="utf-8")).lower()
    assert "[name]" in written or "[phone]" in written
    assert not [secret for secret in SECRETS if secret.lower() in written]
