"""Chrome lexicons and stopword lists of languages other than English.

Each language's chrome is named in its own words; no language's patterns
fire on another's prose; adding a language never changes what English
patterns match (limits and category priority come from en.toml).
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from cleaner import Cleaner
from cleaner._classify import chrome_matcher
from cleaner._features import WORD, count_words, detect_language
from cleaner._lexicon import REFERENCE_LEXICON, default_lexicon

LANGUAGES = ("de", "fr", "es", "pt", "it", "nl", "pl", "ru", "fi")
# every language names at least these kinds of chrome
CORE_CATEGORIES = {"navigation", "related", "share", "comments", "subscription", "cookie", "legal", "tags"}
DATA = resources.files("cleaner").joinpath("data")
TEXT = Cleaner(mode="text", site_rules=False)


def _table(lang: str) -> dict[str, dict[str, object]]:
    return tomllib.loads(DATA.joinpath("lexicons", f"{lang}.toml").read_text(encoding="utf-8"))


def _label(line: str) -> str | None:
    found = chrome_matcher(default_lexicon()).match_short(line, count_words(line)[1])
    return None if found is None else found.category


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_names_the_core_categories(lang: str) -> None:
    assert set(_table(lang)) >= CORE_CATEGORIES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_other_languages_leave_the_limits_to_the_reference(lang: str) -> None:
    # merged limits take the largest value: a number here would widen English patterns too
    for name, spec in _table(lang).items():
        numbers = {k for k, v in spec.items() if not isinstance(v, list)}
        assert not numbers, f"{lang}.toml [{name}] sets {sorted(numbers)}"


def test_categories_keep_the_reference_priority() -> None:
    names = [c.name for c in default_lexicon().categories]
    reference = list(_table(REFERENCE_LEXICON))
    assert names[: len(reference)] == reference


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Zum Inhalt springen", "navigation"),
        ("Das könnte Sie auch interessieren", "related"),
        ("Alle Cookies akzeptieren", "cookie"),
        ("Aller au contenu principal", "navigation"),
        ("Tous droits réservés © 2024 Le Journal", "legal"),
        ("Laisser un commentaire", "comments"),
        ("Saltar al contenido", "navigation"),
        ("Aceptar todas las cookies", "cookie"),
        ("Pular para o conteúdo", "navigation"),
        ("Todos os direitos reservados.", "legal"),
        ("Vai al contenuto", "navigation"),
        ("Leggi anche", "related"),
        ("Iscriviti alla newsletter", "subscription"),
        ("Ga naar de inhoud", "navigation"),
        ("Plaats een reactie", "comments"),
        ("Schrijf je in voor de nieuwsbrief", "subscription"),
        ("Przejdź do treści", "navigation"),
        ("Udostępnij na Facebooku", "share"),
        ("Wszelkie prawa zastrzeżone", "legal"),
        ("Перейти к содержимому", "navigation"),
        ("Читайте также", "related"),
        ("Оставить комментарий", "comments"),
        ("Siirry sisältöön", "navigation"),
        ("Lue myös", "related"),
        ("Hyväksy kaikki evästeet", "cookie"),
        ("Avainsanat: politiikka, talous", "tags"),
        # English keeps its own categories: "Email" is a share button, not a sign-up field
        ("Email", "share"),
        ("Skip to content", "navigation"),
    ],
)
def test_chrome_is_named_in_its_language(line: str, category: str) -> None:
    assert _label(line) == category


PROSE = {
    "en": "The council decided on Tuesday that the old bridge over the river will be repaired in the spring.",
    "de": "Die Stadtverwaltung hat am Dienstag beschlossen, die alte Brücke im kommenden Frühjahr zu sanieren.",
    "fr": "Le conseil municipal a décidé mardi que le vieux pont sur la rivière sera rénové au printemps prochain.",
    "es": "El ayuntamiento decidió el martes que el viejo puente sobre el río será reparado en la próxima primavera.",
    "pt": "A câmara decidiu na terça-feira que a velha ponte sobre o rio será totalmente reparada na próxima primavera.",
    "it": "Il consiglio comunale ha deciso martedì che il vecchio ponte sul fiume sarà restaurato la prossima primavera.",
    "nl": "De gemeenteraad heeft dinsdag besloten dat de oude brug over de rivier in het voorjaar wordt gerenoveerd.",
    "pl": "Rada miasta zdecydowała we wtorek, że stary most na rzece zostanie całkowicie wyremontowany na wiosnę.",
    "ru": "Совет решил, что старый мост будет отремонтирован весной, и это не так дорого, как он думал.",
    "fi": "Kaupunginvaltuusto päätti tiistaina, että joen yli kulkeva vanha silta korjataan kokonaan ensi keväänä.",
}
# short lines of prose that are words of chrome in another language ("Home" is a page, "Menu" a menu)
SHORT_PROSE = [
    "Mehr als zehn Jahre später kam er zurück.",
    "He said plus or minus ten.",
    "Jaa, se on totta, sanoi hän hiljaa.",
]


@pytest.mark.parametrize("text", [*PROSE.values(), *SHORT_PROSE])
def test_no_lexicon_fires_on_prose(text: str) -> None:
    assert _label(text) is None


@pytest.mark.parametrize("lang", sorted(PROSE))
def test_prose_is_detected_in_its_language(lang: str) -> None:
    text = " ".join([PROSE[lang]] * 3)
    assert detect_language([WORD.findall(text.lower())], [text], default_lexicon()) == lang


def test_stopword_lists_hold_single_lower_case_words() -> None:
    for lang, words in default_lexicon().stopwords.items():
        assert words, lang
        bad = [w for w in words if w != w.lower() or not re.fullmatch(r"\w+", w)]
        assert not bad, f"{lang}: {bad[:5]}"


def test_stopword_readme_names_every_list() -> None:
    readme = DATA.joinpath("stopwords", "README.md").read_text(encoding="utf-8")
    for lang in default_lexicon().stopwords:
        assert f"`{lang}`" in readme, lang


def test_a_finnish_dump_loses_its_chrome_and_keeps_its_article() -> None:
    article = [
        "Kaupunginvaltuusto päätti tiistaina, että joen yli kulkeva vanha silta korjataan kokonaan ensi keväänä.",
        "Pormestarin mukaan työt kestävät noin kahdeksan kuukautta, ja liikenne ohjataan sinä aikana kiertotielle.",
        "Monet asukkaat olivat valittaneet vuosien ajan sillan huonosta kunnosta, koska kaiteen osat olivat löystyneet.",
        "Kustannukset ovat noin neljä miljoonaa euroa, ja ne jaetaan valtion ja kaupungin kesken, kertoo kaupunki.",
    ]
    chrome = ["Etusivu", "Kirjaudu sisään", "Jaa", "Tulosta", "Hyväksy kaikki evästeet", "Tietosuojaseloste"]
    result = TEXT.clean("\n".join([*chrome[:2], *article, *chrome[2:]]))
    assert result.metadata.language == "fi"
    assert [b.text for b in result.blocks if b.kept] == article
    assert {b.category for b in result.removed} == {"navigation", "share", "cookie", "legal"}
