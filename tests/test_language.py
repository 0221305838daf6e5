"""HTML mode's language: ``<html lang>`` unless the article's own text clearly says otherwise."""

from __future__ import annotations

import pytest

from cleaner import Cleaner

HTML = Cleaner(mode="html", site_rules=False)

DE = [
    "Die Stadtverwaltung hat am Dienstag beschlossen, die alte Brücke über den Fluss im kommenden Frühjahr vollständig zu sanieren.",
    "Nach Angaben des Bürgermeisters werden die Arbeiten etwa acht Monate dauern, und der Verkehr wird in dieser Zeit über eine Umleitung geführt.",
    "Viele Anwohner hatten sich seit Jahren über den schlechten Zustand der Brücke beschwert, weil Teile des Geländers bereits locker waren.",
    "Die Kosten von rund vier Millionen Euro teilen sich das Land und die Stadt, wobei ein kleiner Teil aus einem Förderprogramm des Bundes stammt.",
    "Der Gemeinderat will außerdem prüfen, ob auf der Brücke künftig ein eigener Radweg eingerichtet werden kann, der mehr Sicherheit bietet.",
]
EN = [
    "The city council decided on Tuesday that the old bridge over the river will be fully repaired in the coming spring.",
    "According to the mayor, the work will take about eight months, and traffic will be diverted along a detour during that time.",
    "Many residents had complained for years about the poor state of the bridge, because parts of the railing were already loose.",
    "The cost of around four million euros is shared by the state and the city, with a small part coming from a federal funding programme.",
    "The council also wants to examine whether a separate cycle lane could be built on the bridge in future, which would offer more safety.",
]
ES = [
    "El ayuntamiento decidió el martes que el viejo puente sobre el río será reparado por completo en la próxima primavera.",
    "Según el alcalde, las obras durarán unos ocho meses, y el tráfico será desviado por una ruta alternativa durante ese tiempo.",
    "Muchos vecinos se habían quejado durante años del mal estado del puente, porque partes de la barandilla ya estaban sueltas.",
    "El coste de unos cuatro millones de euros se reparte entre la región y la ciudad, y una pequeña parte procede de un programa nacional.",
]
JA = [
    "市議会は火曜日、川に架かる古い橋を来年の春に全面的に改修することを決めました。市長によると、工事はおよそ八か月かかる見込みです。",
    "住民の多くは何年も前から橋の状態が悪いと訴えていました。手すりの一部はすでに緩んでいたということです。",
    "費用は約四百万ユーロで、県と市が分担し、一部は国の補助金でまかなわれます。自転車専用の道を設けることも検討されています。",
]


def page(lang: str | None, paragraphs: list[str]) -> str:
    declared = f' lang="{lang}"' if lang else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html{declared}><head><title>Page</title></head><body><article>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    ("declared", "paragraphs", "language"),
    [
        ("en", DE, "de"),  # a German post on an English template
        ("de", EN, "en"),  # an English page of a site marked German
        ("en-US", DE, "de"),
        ("en", JA, "ja"),  # a script no language with a stopword list is written in
        ("de", DE, "de"),  # text agrees
        ("en", EN, "en"),
        ("en", DE[:2], "en"),  # too short to overrule the declaration
        ("de", EN[:2], "de"),
        ("pt", ES, "es"),  # close languages are told apart by their function words
        ("de", DE[:3] + EN[:3], "de"),  # half and half: no clear vote, the declaration stands
        ("en", EN[:3] + DE[:3], "en"),
        ("is", EN, "is"),  # a declared language without a stopword list cannot be weighed
        ("pl", EN, "en"),  # Polish has a list: English text outvotes it
        (None, DE, "de"),  # nothing declared: the text's language
    ],
)
def test_text_outvotes_a_wrong_declaration(declared: str | None, paragraphs: list[str], language: str) -> None:
    result = HTML.clean(page(declared, paragraphs))
    assert result.ok
    assert result.metadata.language == language
