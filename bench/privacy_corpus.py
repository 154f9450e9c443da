"""A corpus of realistic Dutch reflection snippets for the privacy scan (issue 14).

Written for this product (no real people; names, numbers and addresses are made up; BSNs and
IBANs are made to pass their check digits). Half of the snippets hold data that identifies a
client, each marked [[like this]]; the other half are clean but tricky: amounts, meeting dates,
article numbers, times, hours, course ids and colleagues' first names in a team context.

`precision_recall(scan)` scores a scan function: recall = marked items that a finding
overlaps; precision = findings that overlap a marked item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

IDENTIFYING = [
    "Vandaag had ik een huisbezoek bij [[mevrouw Jansen]]. Ze vertelde dat haar uitkering al twee maanden niet is betaald.",
    "[[Pieter]] ([[17]]) wilde eerst niet praten. Na een half uur taute hij wat op en vertelde over school.",
    "Zijn BSN is [[123456782]], dat heb ik in het dossier gezet zodat de aanvraag door kon.",
    "De moeder gaf me haar telefoonnummer, [[010 - 123 45 67]], voor als er iets met de kinderen is.",
    "Ik mocht het nummer van de vader bellen: [[(06) 12345678]]. Hij nam niet op.",
    "Het gezin woont op de [[Dorpsstraat 14]] in een te kleine flat, met vijf kinderen op twee kamers.",
    "We spraken af dat het geld wordt overgemaakt naar [[NL91 ABNA 0417 1643 00]], de rekening van de bewindvoerder.",
    "Cliënt [[J.]] ([[15]]) is voor de derde keer van huis weggelopen; ik twijfel of ik Veilig Thuis moet bellen.",
    "Meneer [[De Vries]] is [[82 jaar]] en vereenzaamt sinds zijn vrouw is overleden.",
    "Ze is geboren op [[3 april 2009]] en zit nu in de tweede klas van het vmbo.",
    "Het adres is [[3011 AB 12]], op de derde verdieping zonder lift.",
    "Hij stuurde me een mail vanaf [[k.bakker77@gmail.com]] met de vraag of ik wilde bemiddelen.",
    "Het BSN staat er met streepjes: [[111-222-333]]. Ik heb het uit mijn aantekeningen gehaald.",
    "[[Mevrouw El Amrani]] vertelde over de schulden; de deurwaarder staat bijna voor de deur.",
    "Ik sprak [[Sanne de Boer]] na school, ze zei dat haar stiefvader drinkt.",
    "Bij de familie [[Yilmaz]] is het huis vochtig en de kinderen zijn vaak ziek.",
    "De jongen, [[Mohammed]] ([[14]]), heeft een taakstraf gekregen voor winkeldiefstal.",
    "Zijn rekeningnummer [[NL44RABO0123456789]] stond op het formulier dat hij liet zien.",
    "Mevrouw woont aan de [[Kerkweg 3a]] in [[Zwolle]] en durft de straat niet meer op.",
    "Ze belde me op [[+31 6 2345 6789]] om te zeggen dat ze de afspraak niet haalde.",
    "Het dossiernummer is [[2023-04578]]; daarmee kan de collega van de gemeente het terugvinden.",
    "[[T. Visser]] ([[42]]) is vader van drie kinderen en heeft net zijn baan verloren.",
    "Ik schreef in het verslag dat [[meneer Hoekstra]] geen contact meer wil met zijn zoon.",
    "De [[16-jarige]] dochter zorgt voor haar broertjes omdat moeder psychisch ziek is.",
    "Geb. [[12-05-1987]], twee kinderen, sinds kort gescheiden en dakloos.",
    "Ik heb [[Fatima]] doorverwezen naar het maatschappelijk werk van de wijk.",
    "Het telefoonnummer van oma is [[0513-123456]], zij vangt de kinderen soms op.",
    "Hij woont in de [[Lange Nieuwstraat 88]] boven de bakker en heeft geen verwarming.",
    "[[Mevrouw Bakker]] ([[67]]) gaf aan dat haar buurman haar bedreigt.",
    "Mail van moeder kwam binnen via [[anja.smit@hotmail.nl]] met foto's van de kamer.",
]

CLEAN = [
    "In de intervisie bespraken we een casus over grenzen stellen; Anouk bracht de casus in.",
    "Mijn collega Mark gaf me feedback op hoe ik het gesprek had geopend.",
    "De training duurde 6 uur, inclusief 1,5 uur oefenen met acteurs.",
    "Het budget voor het project is 12.500 euro voor het hele jaar.",
    "Volgens artikel 24 van de beroepscode is collegiale toetsing onderdeel van mijn vak.",
    "We hebben op 14 maart 2024 om 10.30 uur de teamvergadering gehad.",
    "Ik werk 28 uur per week en wil mijn uren in de wijk uitbreiden.",
    "De cursus heeft accreditatienummer 123456 bij SKJ en telt voor 8 punten.",
    "Met teamleider Sandra besprak ik mijn leerdoelen voor dit jaar.",
    "In 2023 heb ik 60 uur reflectie gedaan; dit jaar wil ik meer supervisie.",
    "Tijdens de supervisie vroeg mijn supervisor Jeroen wat mijn eigen aandeel was.",
    "De casus ging over een gezin met schulden en een uithuiszetting die dreigde.",
    "Ik las het artikel van Movisie over outreachend werken, 12 pagina's.",
    "Ons team heeft 9 medewerkers en we werken vanuit de wijkpost.",
    "Het verslag telt 1.200 woorden en gaat naar de kwaliteitscommissie.",
    "Ik heb de training motiverende gespreksvoering gevolgd op 3 oktober.",
    "Mijn leerpunt: eerst vragen stellen en pas daarna advies geven.",
    "De wachttijd voor schuldhulp is 6 tot 8 weken in onze gemeente.",
    "Bij het moreel beraad met Lisa en Tom kwamen we niet tot een besluit.",
    "Ik merkte dat ik te snel wilde helpen; dat herken ik uit eerdere casussen.",
    "Ons kantoor is van 9.00 tot 17.00 uur open, op vrijdag tot 12.00 uur.",
    "Het project loopt van 1 januari tot 31 december en heeft 3 fasen.",
    "In de werkbegeleiding met Ellen keken we naar mijn planning.",
    "We gebruiken de meldcode bij vermoedens van huiselijk geweld, stap 1 tot en met 5.",
    "De gemeente Utrecht financiert het wijkteam voor 2 jaar.",
    "Ik gaf een presentatie van 45 minuten voor 30 collega's op de themadag.",
    "Mijn stagiaire Noor heeft haar eerste huisbezoek zelfstandig gedaan.",
    "De scholing kostte 350 euro en werd betaald uit het loopbaanbudget (1,5 procent).",
    "Mijn SKJ-registratie loopt tot 2027; ik moet nog 20 punten scholing halen.",
    "Na overleg met mijn leidinggevende Ahmed besloot ik het gesprek opnieuw te plannen.",
]


@dataclass(frozen=True)
class Sample:
    """One snippet without its marks, and the spans of the marked items."""

    text: str
    marked: tuple[tuple[int, int], ...]


_MARK = re.compile(r"\[\[(.+?)\]\]")


def sample(raw: str) -> Sample:
    """Strip the [[marks]] and remember where the marked items are."""
    text, spans, at = "", [], 0
    for match in _MARK.finditer(raw):
        text += raw[at : match.start()]
        spans.append((len(text), len(text) + len(match.group(1))))
        text += match.group(1)
        at = match.end()
    text += raw[at:]
    return Sample(text, tuple(spans))


SAMPLES: tuple[Sample, ...] = tuple(sample(raw) for raw in IDENTIFYING + CLEAN)


@dataclass(frozen=True)
class Score:
    """How a scan did on the corpus."""

    precision: float
    recall: float
    found: int
    marked: int
    false_alarms: tuple[tuple[str, str], ...]
    missed: tuple[tuple[str, str], ...]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def precision_recall(scan: Callable[[str], list], samples: tuple[Sample, ...] = ()) -> Score:
    """Score `scan` (text -> findings with start/end) on `samples` (default: the corpus)."""
    hits = findings = marked = 0
    false_alarms: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    for item in samples or SAMPLES:
        found = scan(item.text)
        findings += len(found)
        marked += len(item.marked)
        for f in found:
            if not any(_overlaps((f.start, f.end), span) for span in item.marked):
                false_alarms.append((f.kind, f.excerpt))
        for span in item.marked:
            if any(_overlaps((f.start, f.end), span) for f in found):
                hits += 1
            else:
                missed.append((item.text[span[0] : span[1]], item.text))
    true_findings = findings - len(false_alarms)
    return Score(
        precision=true_findings / findings if findings else 1.0,
        recall=hits / marked if marked else 1.0,
        found=findings,
        marked=marked,
        false_alarms=tuple(false_alarms),
        missed=tuple(missed),
    )


# Written after the scan was tuned on the snippets above and never tuned on: an honest check.
HELD_OUT_IDENTIFYING = [
    "Gisteren belde [[mevrouw Pinas]] in paniek: haar zoon was niet thuisgekomen.",
    "[[Daan]] ([[12]]) zit sinds de zomer niet meer op school.",
    "De vader woont op de [[Stationsweg 7]] en wil de kinderen vaker zien.",
    "Haar nummer is [[06-98765432]], ze wil liever gebeld dan gemaild worden.",
    "Ik sprak [[Kees van Dijk]] over zijn schulden bij de energieleverancier.",
    "Het BSN [[123.456.782]] stond per ongeluk in mijn aantekeningen.",
    "Meneer [[Öztürk]] is [[58 jaar]] en heeft sinds zijn ontslag geen inkomen.",
    "Ze is geboren op [[21-11-2011]] en woont bij haar oma.",
    "Mail: [[p.hendriks@ziggo.nl]], graag terugbellen na vijf uur.",
    "Het gezin van [[Ahmed]] ([[9]]) slaapt met zijn vieren op één kamer.",
]
HELD_OUT_CLEAN = [
    "In de casuïstiekbespreking bracht Sophie een vraag in over loyaliteit.",
    "De training kostte 495 euro en duurde 2 dagen van 7 uur.",
    "We hebben artikel 8 en artikel 13 van de beroepscode besproken.",
    "Mijn werkbegeleider Ingrid vroeg wat ik anders zou doen.",
    "Het spreekuur is op dinsdag van 13.00 tot 15.00 uur.",
    "In 2024 kwamen 312 nieuwe aanmeldingen binnen bij ons team.",
    "Ik heb 4 uur vakliteratuur gelezen over schuldhulpverlening.",
    "De teamdag is op 6 juni; collega Bas organiseert de lunch.",
    "Het beleidsplan 2025-2028 vraagt meer preventief werken.",
    "Na 3 maanden evalueren we het plan met de wijkcoach.",
]
HELD_OUT: tuple[Sample, ...] = tuple(sample(raw) for raw in HELD_OUT_IDENTIFYING + HELD_OUT_CLEAN)


def held_out_score(scan: Callable[[str], list]) -> Score:
    """The score on the held-out snippets only."""
    return precision_recall(scan, HELD_OUT)
