"""Text that was already extracted (no menus, no footers) comes back whole in text mode.

Documents like those of the turku-train sets: lines of running text, a
heading or a short list between them, in several languages. Known gaps are
strict xfails, so the day they are fixed the test says so.
"""

from __future__ import annotations

import pytest

from cleaner import Cleaner, Result

TEXT = Cleaner(mode="text", site_rules=False)

EN = [
    "The council decided on Tuesday that the old bridge over the river will be fully repaired in the coming spring.",
    "According to the mayor, the work will take about eight months, and traffic will be diverted along a detour.",
    "Many residents had complained for years about the poor state of the bridge, because the railing was loose.",
    "The cost of around four million euros is shared by the state and the city, with help from a federal fund.",
]
DE = [
    "Die Stadtverwaltung hat am Dienstag beschlossen, die alte Brücke über den Fluss im Frühjahr vollständig zu sanieren.",
    "Nach Angaben des Bürgermeisters werden die Arbeiten etwa acht Monate dauern, und der Verkehr wird umgeleitet.",
    "Viele Anwohner hatten sich seit Jahren über den schlechten Zustand der Brücke beschwert, weil das Geländer locker war.",
    "Die Kosten von rund vier Millionen Euro teilen sich das Land und die Stadt, ein kleiner Teil kommt vom Bund.",
]
ES = [
    "El ayuntamiento decidió el martes que el viejo puente sobre el río será reparado por completo en la próxima primavera.",
    "Según el alcalde, las obras durarán unos ocho meses, y el tráfico será desviado por una ruta alternativa.",
    "Muchos vecinos se habían quejado durante años del mal estado del puente, porque la barandilla estaba suelta.",
    "El coste de unos cuatro millones de euros se reparte entre la región y la ciudad, con ayuda de un fondo nacional.",
]
FI = [
    "Kaupunginvaltuusto päätti tiistaina, että joen yli kulkeva vanha silta korjataan kokonaan ensi keväänä.",
    "Pormestarin mukaan työt kestävät noin kahdeksan kuukautta, ja liikenne ohjataan sinä aikana kiertotielle.",
    "Monet asukkaat olivat valittaneet vuosien ajan sillan huonosta kunnosta, koska kaiteen osat olivat löystyneet.",
    "Kustannukset ovat noin neljä miljoonaa euroa, ja ne jaetaan valtion ja kaupungin kesken, kertoo kaupunki.",
]


def kept(result: Result) -> list[str]:
    return [b.text for b in result.blocks if b.kept]


@pytest.mark.parametrize("paragraphs", [EN, DE, ES, FI], ids=["en", "de", "es", "fi"])
def test_running_text_comes_back_whole(paragraphs: list[str]) -> None:
    result = TEXT.clean("\n".join(paragraphs))
    assert [b.text for b in result.blocks if b.kept] == paragraphs


@pytest.mark.parametrize("paragraphs", [EN, DE, ES, FI], ids=["en", "de", "es", "fi"])
def test_a_list_inside_the_text_stays(paragraphs: list[str]) -> None:
    items = ["- 2 cups water", "- 1 onion", "- 3 bay leaves"]
    lines = [*paragraphs[:2], *items, *paragraphs[2:]]
    assert kept(TEXT.clean("\n".join(lines))) == lines


@pytest.mark.xfail(strict=True, reason="known gap: hard-wrapped lines (mid-sentence breaks) score as short lines")
def test_hard_wrapped_text_stays() -> None:
    words = " ".join(DE).split()
    lines = [" ".join(words[i : i + 7]) for i in range(0, len(words), 7)]
    assert kept(TEXT.clean("\n".join(["Liebe Freunde,", *lines]))) == ["Liebe Freunde,", *lines]
