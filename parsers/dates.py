"""Dates in a customer's words, resolved against the message's own Date header.

``find_dates(text, sent)`` returns every date mention it can resolve, in text order. Resolution
is always relative to ``sent`` (the Date header's calendar date *as written*, in its own offset),
never to a clock. Policies (shared with the labelled corpus):

* a weekday name ("Friday", "vendredi", "Freitag", "next Monday", "el próximo viernes") is the
  first such day strictly after ``sent``;
* "end of (the) month" and its translations: the last day of ``sent``'s month; "end of next
  month": the last day of the following month; "next month": the last day of the following month;
* "this week" / "end of the week": the Friday of ``sent``'s week (next Friday at weekends);
  "next week" / "end of next week" / "Ende nächster Woche": the Friday of the following week;
* "in two weeks" / "dans 10 jours" / "binnen 14 dagen": ``sent`` plus that period; "in the next few
  days": plus three days;
* "early next month" / "beginning of June" / "Anfang Juni": the 7th (the end of that month's first
  week); "mid next month" / "mid-June": the 15th; "end of June" / "fin juin": the last day;
* "today", "tomorrow", "the day after tomorrow" in seven languages;
* a bare day of month ("the 15th", "le 15", "am 15.") rolls forward: this month if the day is
  still ahead (or today), otherwise next month;
* numeric dates: ISO, ``dd.mm.yyyy``, ``dd.mm.``, ``dd/mm[/yy]`` or ``mm/dd[/yy]``; when both
  readings are valid the caller's ``month_first`` hint decides (US-style senders);
* named months in seven languages ("15. Dezember", "April 3rd", "31 March", "le 13 avril",
  "15 de diciembre"); without a year, the year of ``sent``, moved one year ahead when that
  would put it more than six months in the past.

dateparser is not used on the hot path: for these short business phrases a rule table is faster
(~0.1 ms a message), deterministic, and covers the periods dateparser misses ("end of month",
"Ende nächster Woche", rolling day-of-month). It remains the fallback for month-name spellings
this table lacks (``parse_date_phrase``), always with an explicit ``languages=`` list.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["DateMention", "find_dates", "last_day_of_month", "parse_date_phrase"]

_MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class DateMention:
    """One resolved date in the text: the date, where it was written, and how it was read."""

    date: dt.date
    start: int
    end: int
    text: str
    kind: str  # "explicit" | "weekday" | "relative" | "period" | "day_of_month"


# --- vocabularies -------------------------------------------------------------------------------

_WEEKDAYS: dict[str, int] = {}
for _idx, _names in enumerate((
    "monday mon lundi montag lunes maandag segunda segunda-feira lunedì lunedi",
    "tuesday tue tues mardi dienstag martes dinsdag terça terça-feira terca martedì martedi",
    "wednesday wed mercredi mittwoch miércoles miercoles woensdag quarta quarta-feira mercoledì mercoledi",
    "thursday thu thur thurs jeudi donnerstag jueves donderdag quinta quinta-feira giovedì giovedi",
    "friday fri vendredi freitag viernes vrijdag sexta sexta-feira venerdì venerdi",
    "saturday sat samedi samstag sonnabend sábado sabado zaterdag sabato",
    "sunday sun dimanche sonntag domingo zondag domenica",
)):
    for _n in _names.split():
        _WEEKDAYS[_n] = _idx

_MONTHS: dict[str, int] = {}
for _idx, _names in enumerate((
    "january jan janvier janv januar jänner enero ene januari janeiro gennaio genn",
    "february feb febr février fevrier févr fevr februar febrero februari fevereiro fev fév febbraio",
    "march mar mars märz maerz marzo maart março marco",
    "april apr avril avr abril aprile",
    "May mai mayo mei maio maggio mag",
    "june jun juin juni junio junho giugno giu",
    "july jul juillet juil juli julio julho luglio lug",
    "august aug août aout agosto augustus ago",
    "september sep sept septembre septiembre setiembre setembro settembre set",
    "october oct octobre oktober okt octubre oct oktober outubro out ottobre ott",
    "november nov novembre noviembre novembro",
    "december dec décembre decembre déc dezember dez diciembre dic dezembro dicembre",
), start=1):
    for _n in _names.split():
        _MONTHS[_n if _n == "May" else _n.lower()] = _idx

_NUMBER_WORDS: dict[str, int] = {}
for _value, _names in {
    1: "one a an un une ein eine einer einem einen uno una één een um uma",
    2: "two deux zwei dos twee dois duas due",
    3: "three trois drei tres drie três tre",
    4: "four quatre vier cuatro quatro quattro",
    5: "five cinq fünf fuenf cinco vijf cinque",
    6: "six sechs seis zes sei",
    7: "seven sept sieben siete zeven sete sette",
    8: "eight huit acht ocho oito otto",
    10: "ten dix zehn diez tien dez dieci",
    14: "fourteen quatorze vierzehn catorce veertien catorze quattordici",
    15: "fifteen quinze fünfzehn quince vijftien quindici",
    30: "thirty trente dreißig dreissig treinta dertig trinta trenta",
}.items():
    for _n in _names.split():
        _NUMBER_WORDS.setdefault(_n, _value)

_UNIT_DAYS = {
    "day": 1, "days": 1, "jour": 1, "jours": 1, "tag": 1, "tage": 1, "tagen": 1, "día": 1, "dia": 1,
    "días": 1, "dias": 1, "dag": 1, "dagen": 1, "giorno": 1, "giorni": 1,
    "week": 7, "weeks": 7, "semaine": 7, "semaines": 7, "woche": 7, "wochen": 7, "semana": 7,
    "semanas": 7, "weken": 7, "settimana": 7, "settimane": 7,
    "business day": 1, "business days": 1, "working days": 1, "werktage": 1, "werktagen": 1,
    "hours": 0, "hrs": 0, "heures": 0, "stunden": 0, "horas": 0, "uur": 0, "ore": 0,
}
_UNIT_MONTHS = {"month": 1, "months": 1, "mois": 1, "monat": 1, "monate": 1, "monaten": 1, "mes": 1,
                "meses": 1, "maand": 1, "maanden": 1, "mês": 1, "mese": 1, "mesi": 1}


def _alt(words: object) -> str:
    items = sorted({str(w) for w in words}, key=len, reverse=True)  # type: ignore[attr-defined]
    return "|".join(re.escape(w) for w in items)


_WD = _alt(_WEEKDAYS)
_MON = _alt(k for k in _MONTHS if k != "May") + "|May"
_NUMW = _alt(_NUMBER_WORDS)
_UNITS = _alt(list(_UNIT_DAYS) + list(_UNIT_MONTHS))
_ORD = r"(?:st|nd|rd|th|er|e|ème|º|°|o|a|de)?"
_B = r"(?<![\w/.-])"  # token start
_E = r"(?![\w/])"      # token end

# Each pattern: (kind, compiled regex). Order matters only for overlaps: earlier wins.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = []


def _p(kind: str, pattern: str, flags: int = re.IGNORECASE) -> None:
    _PATTERNS.append((kind, re.compile(pattern, flags)))


# Periods first: they contain weekday/month words that must not be read alone.
_p("end_next_month", r"\b(?:end of next month|fin (?:du|de) mois prochain|ende (?:des )?nächsten monats"
   r"|finales? del? (?:mes que viene|próximo mes)|eind(?:e)? volgende maand|final do próximo m[eê]s"
   r"|fine (?:del )?mese prossimo|fine del prossimo mese|fim do m[eê]s que vem|finales? del? mes que viene)\b")
_p("end_named_month", r"\b(?:(?:the )?end of|fin(?: de| du mois de| d')?|ende|finales de|final de|fin de|eind(?:e)?|einde"
   r"|fim de|final de|fine|a fine)\s+(?P<mon>" + _MON + r")\b(?:\s+(?P<y>20\d\d))?")
_p("mid_named_month", r"\b(?:mid-?|middle of |mi-|mitte |mediados de |half |meados de |metà )(?P<mon>" + _MON + r")\b"
   r"(?:\s+(?P<y>20\d\d))?")
_p("early_next_month", r"\b(?:(?:the )?(?:beginning|start) of next month|early next month|first week of next month"
   r"|début du mois prochain|au début du mois prochain|début (?:de )?mois prochain|anfang nächsten monats|anfang des nächsten monats"
   r"|(?:a )?principios del (?:mes que viene|próximo mes)|begin volgende maand|(?:no )?início do próximo m[eê]s"
   r"|(?:ai )?primi del (?:mese prossimo|prossimo mese)|(?:a |ad )?inizio (?:del )?(?:prossimo mese|mese prossimo))\b")
_p("early_named_month", r"\b(?:(?:the )?(?:beginning|start) of|early|first week of|début|au début de|anfang|principios de"
   r"|begin|início de|inizio|primi di)\s+(?P<mon>" + _MON + r")\b(?:\s+(?P<y>20\d\d))?")
_p("mid_next_month", r"\b(?:mid[- ]next month|the middle of next month|mi-mois prochain|mitte nächsten monats"
   r"|mediados del (?:mes que viene|próximo mes)|half volgende maand|meados do próximo m[eê]s|metà del prossimo mese)\b")
_p("few_days", r"\b(?:in the (?:next|coming) (?:few|couple of) days|in a (?:few|couple of) days|within (?:a few|the next few) days"
   r"|dans les (?:prochains|tout prochains) jours|in den nächsten tagen|en los próximos días|in de komende dagen"
   r"|nos próximos dias|nei prossimi giorni)\b")
_p("end_month", r"(?:\b(?:the )?end of (?:the |this |the current )?month\b|\bmonth[- ]end\b|\bEOM\b"
   r"|\bfin (?:de |du |de ce )?mois\b|\bmonatsende\b|\bende (?:des |dieses )?monats\b|\bende monat\b"
   r"|\bfinal(?:es)? de(?:l)? mes\b|\bfin de(?:l)? mes\b|\beind(?:e)? van (?:de|deze) maand\b"
   r"|\beinde (?:van )?de maand\b|\beind(?:e)? (?:deze|de) maand\b|\beind van de maand\b|\bfi[nm] do m[eê]s\b|\bfinal do m[eê]s\b"
   r"|\bfine (?:del )?mese\b)")
_p("next_month", r"\b(?:next month|le mois prochain|nächsten monat|nächster monat|el (?:mes que viene|próximo mes)"
   r"|volgende maand|(?:o )?próximo m[eê]s|il mese prossimo|il prossimo mese)\b")
_p("next_week", r"\b(?:(?:the )?end of next week|next week|la semaine prochaine|(?:en )?fin de (?:la )?semaine prochaine"
   r"|(?:ende )?(?:der )?nächste[rn]? woche|la (?:próxima )?semana (?:que viene|próxima)|la próxima semana"
   r"|(?:eind(?:e)? )?volgende week|(?:na |a )?próxima semana|(?:la )?settimana prossima"
   r"|la prossima settimana)\b")
_p("this_week", r"\b(?:(?:the )?end of (?:the |this )?week|this week|later this week|eow|e\.o\.w\.?|end of wk|cette semaine"
   r"|(?:à la |en )?fin de (?:la )?semaine|(?:ende )?(?:dieser|diese|der) woche|esta semana"
   r"|(?:a )?finales de (?:la|esta) semana|deze week|(?:het )?einde? van (?:de|deze) week|(?:n)?esta semana"
   r"|questa settimana|fine settimana|(?:by|before) the weekend|dans la semaine|within the week|(?:innerhalb )?(?:in )?der woche"
   r"|dentro de la semana|en la semana|binnen de week|deze week nog|durante a semana|dentro da semana|in settimana"
   r"|entro la settimana)\b")
_p("in_period", r"\b(?:in|within|dans|sous|d'ici|innerhalb(?: von)?|binnen|en|dentro de|over|em|daqui a"
   r"|entro|tra|fra|en un plazo de|en el plazo de|en un máximo de|no prazo de|num prazo de|no espaço de|nel giro di"
   r"|nell'arco di|dans un délai de|binnen een termijn van)\s+(?:(?:the )?next\s+)?(?P<n>\d{1,3}|" + _NUMW + r")\s+(?P<unit>" + _UNITS + r")\b")
_p("fixed_period", r"\b(?:sous (?P<fr>huitaine|quinzaine)|(?:in|within) a (?P<en>fortnight|week)|binnen een week"
   r"|innerhalb einer woche|en una semana|dentro de una semana|entro una settimana|dentro de uma semana)\b")
_p("day_after_tomorrow", r"\b(?:(?:the )?day after tomorrow|après-demain|apres-demain|übermorgen"
   r"|pasado mañana|overmorgen|depois de amanhã|dopodomani)\b")
_p("tomorrow", r"(?<!guten )(?<!gute )(?<!goede )\b(?:tomorrow|tmrw|demain|morgen|mañana|amanhã|amanha|domani)\b(?!\s*(?:morning )?(?:meeting))")
_p("today", r"\b(?:today|later today|this (?:afternoon|evening|morning)|tonight|aujourd'hui|ce jour|ce soir|heute abend"
   r"|esta noche|esta tarde|vanavond|vanmiddag|hoje à noite|esta noite|stasera|oggi pomeriggio"
   r"|heute|hoy|vandaag|hoje|oggi|end of (?:the )?day|EOD|COB|close of business)\b")
# ISO and numeric dates.
_p("iso", r"(?<![\d.\-/])(?P<y>20\d\d)-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d])")
_p("numeric", r"(?<![\d.,/\-#])(?P<a>\d{1,2})(?P<sep>[./\-])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>(?:20)?\d\d))?"
   r"(?P<dot>\.)?(?!\d|,\d|\.\d|/\d|-\d|\s*(?:€|eur|\$|%|h\b|uhr|am\b|pm\b|:\d))")
# Named months: "15. Dezember 2026", "le 13 avril", "15 de diciembre de 2026", "31 March".
_p("day_month", _B + r"(?P<d>\d{1,2})" + _ORD + r"\.?\s*(?:de\s+|of\s+)?(?P<mon>" + _MON + r")\.?"
   r"(?:,?\s*(?:de\s+)?(?P<y>20\d\d))?" + _E, re.IGNORECASE)
# "March 30", "April 3rd", "Dec. 15, 2026"
_p("month_day", _B + r"(?P<mon>" + _MON + r")\.?\s+(?:the\s+)?(?P<d>\d{1,2})" + _ORD
   + r"(?:,?\s*(?P<y>20\d\d))?" + _E, re.IGNORECASE)
_p("weekday", r"\b(?P<wd>" + _WD + r")(?:'s)?\b\.?")
_p("day_of_month", r"\b(?:the|on the|by the|le|am|zum|bis zum|el próximo día|el proximo dia|el próximo|o próximo dia|il prossimo"
   r"|le prochain|el|el día|el dia|del día|del dia|del|op de|tegen de|tegen den|den|de|dia|il|entro il)\s+"
   r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|ste|de|e|ème|º|\.)?(?![.,]?\d|\s+\d|\s*(?:[./:\-]\d|%|€|\$|" + _UNITS + r"|h\b|uhr|hrs?\b|pm\b|am\b"
   r"|x\b|boxes|cases|units|pieces|stück|guests|hours))\b")

_p("ordinal", r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)\b")

#: Abbreviated weekday names other than the English ones ("ven", "vie", "Fr.", "vr."): read only
#: right after a payment verb ("on paie ven.", "Wir zahlen Fr.", "will pay fri"), where no other
#: reading is plausible; two-letter forms also need the dot or the end of the text.
_WEEKDAY_ABBREV: dict[str, int] = {}
for _idx, _names in enumerate((
    "lun mo ma seg", "mar di mardi ter", "mer mié mie mi wo qua", "jeu jue gio do qui",
    "ven vie fr vr sex", "sam sáb sab sa za", "dim dom so zo",
)):
    for _n in _names.split():
        _WEEKDAY_ABBREV[_n] = _idx
_WEEKDAY_ABBREV.update({"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
                        "fri": 4, "sat": 5, "sun": 6})

#: a paying verb (any person, tense ending) ending just before the weekday abbreviation.
_PAY_VERB_BEFORE = re.compile(
    r"(?:\bpay|\bpaid|\bsettle|\bwire|\bremit|\bpai\w*|\bpaye\w*|\br[éè]gl\w*|\bregl\w*|\bvir\w*|\bzahl\w*"
    r"|\büberweis\w*|\bbegleich\w*|\bpag\w*|\babon\w*|\btransf\w*|\bbetal\w*|\bovermak\w*|\bmaken .{0,20}over"
    r"|\bsald\w*|\bliquid\w*|\bversiam\w*|\bdeposit\w*)(?:\s+(?:it|this|that|them|the rest|the balance))?"
    r"(?:\s+(?:on|el|le|il|am|op|de|na|no|al|a|la|this|next|by|until|this coming))?\s+$",
    re.IGNORECASE)
_WD_ABBREV = re.compile(r"\b(?P<wd>" + _alt(_WEEKDAY_ABBREV) + r")(?P<dot>\.)?(?!\w)", re.IGNORECASE)


def _abbrev_weekdays(text: str, sent: dt.date, taken: list[tuple[int, int]]) -> list[tuple[int, int, dt.date]]:
    """Weekday abbreviations right after a paying verb, outside spans already read as dates."""
    out: list[tuple[int, int, dt.date]] = []
    for m in _WD_ABBREV.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        word = m.group("wd").lower()
        if len(word) == 2 and not (m.group("dot") or not text[m.end():].strip()):
            continue
        if not _PAY_VERB_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        out.append((m.start(), m.end(), _next_weekday(sent, _WEEKDAY_ABBREV[word])))
    return out


_WEEKDAY_NEEDS_CONTEXT = {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
                          "mar", "sabato", "set", "domingo", "segunda", "terça", "quarta", "quinta", "sexta"}


#: words that make a short weekday name ("sexta", "segunda") a day: "na sexta", "até segunda".
_WEEKDAY_CONTEXT = re.compile(r"\b(?:na|no|até|ate|próxima|próximo|proxima|nesta|neste|esta|este|a partir de|pela"
                              r"|on|by|this|next|el|le|il|entro|di|de|hasta|al|pix|ted|boleto|pagamento|transferência|depósito|pago)\s+$",
                              re.IGNORECASE)


#: "na segunda parcela" is the second instalment, not Monday.
_ORDINAL_NOUN_AFTER = re.compile(r"\s+(?!(?:que vem|de manhã|à tarde|pela manhã|feira|próxima|próximo|de\b|e\b|ou\b|o\b"
                                 r"|a\b|da\b|do\b|para\b|às\b|dia\b|pag|transf|deposit|faz|faç|vamos|vou|liquid|quit|fic|est|tud|sem\b))[a-zà-ú]", re.IGNORECASE)


def last_day_of_month(year: int, month: int) -> dt.date:
    """The last calendar day of ``year``-``month``."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _next_weekday(sent: dt.date, weekday: int) -> dt.date:
    ahead = (weekday - sent.weekday()) % 7 or 7
    return sent + dt.timedelta(days=ahead)


def _previous_weekday(sent: dt.date, weekday: int) -> dt.date:
    back = (sent.weekday() - weekday) % 7 or 7
    return sent - dt.timedelta(days=back)


#: "last Monday", "letzten Freitag", "el lunes pasado", "lundi dernier": a day already gone.
_PAST_BEFORE_WEEKDAY = re.compile(r"\b(?:last|past|previous|this past|letzten|letzte|vergangenen|vorigen|afgelopen|vorige"
                                  r"|l'autre)\s+$", re.IGNORECASE)
_PAST_AFTER_WEEKDAY = re.compile(r"\s+(?:pasad[oa]|passad[oa]|dernier|derni[eè]re|scors[oa]|passato|l[aá] passad[oa])\b",
                                 re.IGNORECASE)


_DATE_PREPOSITION = re.compile(r"\b(?:on|by|voor|op|tegen|per|le|am|bis|zum|el|para|il|entro|até|em|no|vóór)\s+$", re.IGNORECASE)
_WEEK_AFTER = re.compile(r"\s+week\b", re.IGNORECASE)
#: "our Thursday run": the weekday names a recurring run, which is today's when the names agree
_RUN_AFTER = re.compile(r"(?:'s)?\s+(?:payment\s+|pay\s+|cheque\s+|check\s+)?(?:run|batch|cycle)\b", re.IGNORECASE)
#: "back on the 2nd", "already on the 5th", "since the 3rd": a day already gone
_PAST_BEFORE_DAY = re.compile(r"\b(?:back on|back in|already on|since|as of|ago on|earlier on)\s+(?:the\s+)?\d", re.IGNORECASE)


def _friday_of_week(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=4 - day.weekday())


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _roll_year(candidate: dt.date | None, sent: dt.date, explicit_year: bool) -> dt.date | None:
    if candidate is None or explicit_year:
        return candidate
    if (sent - candidate).days > 183:
        return _safe_date(candidate.year + 1, candidate.month, candidate.day)
    return candidate


def _year(text: str | None, sent: dt.date) -> tuple[int, bool]:
    if not text:
        return sent.year, False
    value = int(text)
    return (value + 2000 if value < 100 else value), True


def _resolve(kind: str, m: re.Match[str], sent: dt.date, month_first: bool) -> tuple[dt.date | None, str]:
    g = m.groupdict()
    if kind in ("end_named_month", "mid_named_month"):
        word = g["mon"]
        month = _MONTHS.get(word) or _MONTHS.get(word.lower())
        if month is None:
            return None, ""
        year, explicit = _year(g.get("y"), sent)
        day = last_day_of_month(year, month).day if kind == "end_named_month" else 15
        return _roll_year(_safe_date(year, month, day), sent, explicit), "period"
    if kind in ("early_next_month", "mid_next_month"):
        nxt = _add_months(sent.replace(day=1), 1)
        return nxt.replace(day=7 if kind == "early_next_month" else 15), "period"
    if kind == "early_named_month":
        word = g["mon"]
        month = _MONTHS.get(word) or _MONTHS.get(word.lower())
        if month is None:
            return None, ""
        year, explicit = _year(g.get("y"), sent)
        return _roll_year(_safe_date(year, month, 7), sent, explicit), "period"
    if kind == "few_days":
        return sent + dt.timedelta(days=3), "relative"
    if kind == "end_month":
        return last_day_of_month(sent.year, sent.month), "period"
    if kind == "end_next_month" or kind == "next_month":
        nxt = _add_months(sent.replace(day=1), 1)
        return last_day_of_month(nxt.year, nxt.month), "period"
    if kind == "next_week":
        return _friday_of_week(sent) + dt.timedelta(days=7), "period"
    if kind == "this_week":
        friday = _friday_of_week(sent)
        return (friday if friday >= sent else friday + dt.timedelta(days=7)), "period"
    if kind == "in_period":
        raw = g["n"].lower()
        n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 0)
        unit = g["unit"].lower()
        if unit in _UNIT_MONTHS:
            return _add_months(sent, n), "relative"
        if _UNIT_DAYS.get(unit, 1) == 0:  # hours: the day they run out
            return sent + dt.timedelta(days=-(-n // 24)), "relative"
        return sent + dt.timedelta(days=n * _UNIT_DAYS.get(unit, 1)), "relative"
    if kind == "fixed_period":
        word = (g.get("fr") or g.get("en") or "week").lower()
        return sent + dt.timedelta(days={"huitaine": 8, "quinzaine": 15, "fortnight": 14}.get(word, 7)), "relative"
    if kind == "today":
        return sent, "relative"
    if kind == "tomorrow":
        return sent + dt.timedelta(days=1), "relative"
    if kind == "day_after_tomorrow":
        return sent + dt.timedelta(days=2), "relative"
    if kind == "iso":
        return _safe_date(int(g["y"]), int(g["m"]), int(g["d"])), "explicit"
    if kind == "numeric":
        return _resolve_numeric(m, sent, month_first), "explicit"
    if kind in ("day_month", "month_day"):
        mon_word = g["mon"]
        month = _MONTHS.get(mon_word) or _MONTHS.get(mon_word.lower())
        if month is None or (mon_word.lower() == "may" and mon_word != "May"):
            return None, ""
        year, explicit = _year(g.get("y"), sent)
        return _roll_year(_safe_date(year, month, int(g["d"])), sent, explicit), "explicit"
    if kind == "weekday":
        word = g["wd"].lower()
        if word in _WEEKDAY_NEEDS_CONTEXT and not g["wd"][0].isupper() \
                and not (_WEEKDAY_CONTEXT.search(m.string[max(0, m.start() - 12):m.start()])
                         and not _ORDINAL_NOUN_AFTER.match(m.string, m.end())):
            return None, ""  # "sexta" alone may be an ordinal; "na sexta", "até sexta" is a day
        if _PAST_BEFORE_WEEKDAY.search(m.string[max(0, m.start() - 20):m.start()]) \
                or _PAST_AFTER_WEEKDAY.match(m.string, m.end()):
            return _previous_weekday(sent, _WEEKDAYS[word]), "weekday"
        if _WEEKDAYS[word] == sent.weekday() and _RUN_AFTER.match(m.string, m.end()):
            return sent, "weekday"  # "going out today with our Thursday run", written on a Thursday
        if _WEEK_AFTER.match(m.string, m.end()):
            return _next_weekday(sent, _WEEKDAYS[word]) + dt.timedelta(days=7), "weekday"  # UK "Friday week"
        return _next_weekday(sent, _WEEKDAYS[word]), "weekday"
    if kind in ("day_of_month", "ordinal"):
        day = int(g["d"])
        if not 1 <= day <= 31:
            return None, ""
        if _PAST_BEFORE_DAY.search(m.string[max(0, m.start() - 16):m.start() + 8]):
            back = sent.replace(day=1) if day <= sent.day else _add_months(sent.replace(day=1), -1)
            return back.replace(day=min(day, calendar.monthrange(back.year, back.month)[1])), "day_of_month"
        return _roll_day_of_month(sent, day), "day_of_month"
    return None, ""


def _roll_day_of_month(sent: dt.date, day: int) -> dt.date:
    base = sent.replace(day=1)
    if day < sent.day:
        base = _add_months(base, 1)
    last = calendar.monthrange(base.year, base.month)[1]
    return base.replace(day=min(day, last))


def _resolve_numeric(m: re.Match[str], sent: dt.date, month_first: bool) -> dt.date | None:
    a, b, sep = int(m["a"]), int(m["b"]), m["sep"]
    if sep == "." and not m["y"] and not m["dot"]:
        return None  # "12.40" is a price or a time, "15.04." is a German date
    if sep == "-" and not m["y"] and not _DATE_PREPOSITION.search(m.string[max(0, m.start() - 12):m.start()]):
        return None  # "3-4" is a range; "voor 31-03", "on 15-12" is a date
    year, explicit = _year(m["y"], sent)
    candidates: list[dt.date | None]
    if sep == ".":
        candidates = [_safe_date(year, b, a)]
    elif month_first:
        candidates = [_safe_date(year, a, b), _safe_date(year, b, a)]
    else:
        candidates = [_safe_date(year, b, a), _safe_date(year, a, b)]
    for candidate in candidates:
        if candidate is not None:
            return _roll_year(candidate, sent, explicit)
    return None


def _accented_vocabulary() -> dict[str, str]:
    """Unaccented spelling -> the accented date word this module knows ("decembre" -> "décembre").

    Built from this module's own patterns and tables, so a word added there is covered here.
    """
    import pathlib

    source = pathlib.Path(__file__).read_text(encoding="utf-8")
    cut = source.find("def _accented_vocabulary")
    source = source[:cut] + source[source.find("def find_dates", cut):]  # not this helper's own examples
    words = set(re.findall(r"[^\W\d_]+", source))
    plain = str.maketrans("àáâãäåçèéêëìíîïñòóôõöùúûüýÿ", "aaaaaaceeeeiiiinooooouuuuyy")
    ascii_words = {w.lower() for w in words if w.isascii()}
    out: dict[str, str] = {}
    for word in words:
        low = word.lower()
        if low.isascii() or len(low) < 4 or low in ("àáâãäåçèéêëìíîïñòóôõöùúûüýÿ",):
            continue
        spelt = low.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
        for variant in {low.translate(plain), spelt.translate(plain)}:
            if len(variant) > 5 or variant not in ascii_words:  # "dia", "tres", "marco": other words
                out.setdefault(variant, low)
    return out


_ACCENTED = _accented_vocabulary()
_UNACCENTED_WORD = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _ACCENTED), key=len, reverse=True)) + r")\b",
                              re.IGNORECASE)


def _restore_accents(text: str) -> str:
    """"proxima semana", "naechste Woche", "15 decembre": the accented spelling the table reads.

    Same length where the accent is one letter; a spelt-out umlaut ("ae") is padded with a space
    before the word so offsets stay aligned.
    """
    def accent(m: re.Match[str]) -> str:
        word = _ACCENTED[m.group(0).lower()]
        if m.group(0)[:1].isupper():
            word = word[:1].upper() + word[1:]
        return " " * (len(m.group(0)) - len(word)) + word

    return _UNACCENTED_WORD.sub(accent, text)


def find_dates(text: str, sent: dt.date, month_first: bool = False) -> list[DateMention]:
    """Every date mention in ``text`` resolved against ``sent``, in text order; never raises.

    ``month_first``: read an ambiguous ``4/8`` as April 8 (US style) instead of 4 August.
    """
    text = _restore_accents(text[:_MAX_CHARS])
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            try:
                date, how = _resolve(kind, m, sent, month_first)
            except (ValueError, OverflowError, KeyError):
                continue
            if date is None:
                continue
            taken.append((start, end))
            found.append(DateMention(date, start, end, m.group(0), how))
    for start, end, day in _abbrev_weekdays(text, sent, taken):
        found.append(DateMention(day, start, end, text[start:end], "weekday"))
    found.sort(key=lambda d: d.start)
    return _merge_weekday_and_date(found)


_DAY_END_WORDS = {"cob", "eod", "close of business", "end of day", "end of the day"}


def _merge_weekday_and_date(found: list[DateMention]) -> list[DateMention]:
    """"Friday 13th", "Monday, March 30": the explicit date wins over its weekday name."""
    out: list[DateMention] = []
    for mention in found:
        if out and out[-1].kind == "relative" and out[-1].text.lower() in _DAY_END_WORDS \
                and (mention.kind in ("weekday", "explicit", "day_of_month") or mention.date > out[-1].date) \
                and 0 <= mention.start - out[-1].end <= 4:
            out[-1] = DateMention(mention.date, out[-1].start, mention.end, out[-1].text + " " + mention.text,
                                  mention.kind)  # "COB Friday" is Friday, not today
            continue
        if out and out[-1].kind == "weekday" and mention.kind in ("explicit", "day_of_month") \
                and 0 <= mention.start - out[-1].end <= 6:
            out[-1] = DateMention(mention.date, out[-1].start, mention.end,
                                  out[-1].text + " " + mention.text, "explicit")
            continue
        out.append(mention)
    return out


def parse_date_phrase(phrase: str, sent: dt.date, languages: list[str]) -> dt.date | None:
    """Fallback for a single date phrase via dateparser, always with explicit ``languages``."""
    try:
        import dateparser

        base = dt.datetime.combine(sent, dt.time(12, 0))
        parsed = dateparser.parse(phrase[:100], languages=languages, settings={
            "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "STRICT_PARSING": False,
            "REQUIRE_PARTS": ["day", "month"]})
    except Exception:  # noqa: BLE001 - dateparser is a best-effort fallback
        return None
    return parsed.date() if parsed else None


_BACK_CUE = re.compile(
    r"\b(?:back|return(?:ing)?|returns|me incorporo|me incorporaré|incorporaré|reincorporo|de regreso|estaré de vuelta"
    r"|regresaré|a partir del|à partir du|dal|a partir de|rientrerò|rientreremo|rientra|rientro|tornerò|sarò in ufficio"
    r"|de regresso|regresso|volto a|estarei de volta|voltarei|weer op kantoor|weer bereikbaar|terug op|ben terug"
    r"|reopen(?:s|ing)?|available again|in the office (?:on|from)|de retour|retour"
    r"|rentre|reviens|wieder|zurück|ab dem|ab|terug|weer aanwezig|weer op kantoor|vanaf|de vuelta|regreso|vuelvo"
    r"|volveré|estaré de nuevo|de volta|regresso|volto|rientro|di ritorno|sarò di nuovo|torno|retorno|retornarei|retorna"
    r"|regressarei|regressa|estarei de regresso|vuelve|regresa|rientrerà|torna|tornerà|keer terug|kom terug|komt terug"
    r"|bin wieder|ist wieder|reviendrai|revient|serai de retour)\b", re.IGNORECASE)
_UNTIL_CUE = re.compile(r"\b(?:until|till|through|jusqu'au|jusqu'à|bis|hasta|tot en met|tot|até|fino al|fino a)\b",
                        re.IGNORECASE)
_INCLUSIVE = re.compile(r"\b(?:inclusive|included|inclus|inclusivement|einschließlich|incluido|inclusive"
                        r"|tot en met|incluso|compreso)\b", re.IGNORECASE)


def find_return_date(text: str, sent: dt.date, month_first: bool = False) -> dt.date | None:
    """When an out-of-office says the person is back; ``None`` when it does not say.

    A date after a "back"/"de retour"/"wieder"/"terug" cue wins; otherwise "until X" gives X,
    or the next working day after X when the absence is "inclusive".
    """
    try:
        mentions = [d for d in find_dates(text[:4000], sent, month_first) if d.date >= sent]
    except Exception:  # noqa: BLE001 - a hint only
        return None
    if not mentions:
        return None
    for m in _BACK_CUE.finditer(text):
        after = [d for d in mentions if 0 <= d.start - m.end() <= 60]
        if after:
            return after[0].date
    for m in _UNTIL_CUE.finditer(text):
        after = [d for d in mentions if 0 <= d.start - m.end() <= 40]
        if after:
            day = after[0].date
            tail = text[after[0].end:after[0].end + 20]
            if _INCLUSIVE.search(text[m.start():after[0].start]) or _INCLUSIVE.search(tail):
                day += dt.timedelta(days=1)
                while day.weekday() >= 5:
                    day += dt.timedelta(days=1)
            return day
    return None
