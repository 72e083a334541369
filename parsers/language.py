"""Language of a short business reply: en, fr, de, es, nl, pt, it.

A small, shipped, download-free identifier: each language scores by its frequent function words
(stopwords) plus a few characteristic letters and letter groups. Business replies are short
(often one sentence), so function words carry most of the signal; letter groups break ties
between close neighbours (es/pt/it, nl/de). Pure and bounded: only the first 4,000 characters
are looked at.
"""

from __future__ import annotations

import re

__all__ = ["LANGUAGES", "detect_language"]

LANGUAGES = ("en", "fr", "de", "es", "nl", "pt", "it")

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["the", "and", "you", "your", "we", "our", "is", "are", "was", "were", "will", "would", "this", "that", "for", "with", "have", "has", "not", "it", "be", "please", "thanks", "thank", "can", "could", "of", "to", "in", "on", "by", "as", "at", "from", "paid", "pay", "invoice", "invoices", "sent", "been", "should", "i", "me", "my", "us", "they", "there", "here", "what", "which", "when", "all", "any", "sorry", "hi", "hello", "regards"]
    ),
    "fr": frozenset(
        ["vendredi", "lundi", "prochain", "le", "la", "les", "des", "du", "un", "une", "et", "est", "sont", "nous", "vous", "votre", "vos", "notre", "nos", "pour", "avec", "pas", "ne", "que", "qui", "dans", "sur", "au", "aux", "ce", "cette", "mais", "merci", "bonjour", "cordialement", "facture", "factures", "sera", "été", "je", "il", "elle", "être", "avons", "avez", "fait", "mois", "semaine", "paiement", "virement", "réglé", "ci", "joint", "on", "hier", "demain", "ai", "payé", "paie"]
    ),
    "de": frozenset(
        ["darf", "raten", "zahlen", "bezahlen", "freitag", "montag", "der", "die", "das", "und", "ist", "sind", "wir", "sie", "ihr", "ihre", "ihnen", "unser", "unsere", "nicht", "mit", "für", "von", "zu", "den", "dem", "des", "ein", "eine", "einen", "auf", "bitte", "danke", "vielen", "dank", "rechnung", "rechnungen", "wurde", "werden", "wird", "ich", "bis", "am", "im", "zum", "zur", "auch", "noch", "gruß", "grüßen", "freundlichen", "sehr", "geehrte", "zahlung", "fehlen", "fehlt", "uns", "haben", "leider", "bereits", "schon", "gestern", "heute"]
    ),
    "es": frozenset(
        ["ayer", "mañana", "pagado", "pagada", "viernes", "lunes", "el", "la", "los", "las", "de", "del", "y", "es", "son", "nosotros", "usted", "su", "sus", "nuestro", "nuestra", "por", "para", "con", "no", "que", "en", "un", "una", "lo", "al", "se", "muy", "gracias", "hola", "saludos", "factura", "facturas", "pago", "será", "hemos", "hoy", "está", "pero", "como", "mes", "semana", "transferencia", "adjunto", "os", "podéis", "podemos", "pagar", "hacer", "tenemos", "estamos", "esta", "este", "todavía", "también", "hasta", "próximo", "próxima", "nos", "le", "les"]
    ),
    "nl": frozenset(
        ["gisteren", "vrijdag", "maandag", "de", "het", "een", "en", "is", "zijn", "wij", "we", "u", "uw", "ons", "onze", "niet", "met", "voor", "van", "te", "op", "aan", "dat", "die", "dit", "deze", "ik", "graag", "bedankt", "dank", "groet", "groeten", "vriendelijke", "factuur", "facturen", "betaald", "betalen", "wordt", "worden", "al", "nog", "maar", "naar", "hebben", "heeft", "ook", "bij", "volgende", "week"]
    ),
    "pt": frozenset(
        ["pago", "ontem", "amanhã", "feira", "sexta", "o", "a", "os", "as", "de", "do", "da", "dos", "das", "e", "é", "são", "nós", "você", "seu", "sua", "nosso", "nossa", "por", "para", "com", "não", "que", "em", "um", "uma", "ao", "se", "muito", "obrigado", "obrigada", "olá", "cumprimentos", "fatura", "faturas", "pagamento", "será", "foi", "já", "hoje", "está", "mas", "como", "mês", "semana", "transferência", "anexo", "podemos", "pagar", "fazer", "temos", "estamos", "esta", "este", "ainda", "também", "até", "próximo", "próxima", "gostaríamos", "na", "no", "pela", "pelo", "às"]
    ),
    "it": frozenset(
        ["ieri", "domani", "venerdì", "lunedì", "fatto", "da", "il", "lo", "la", "i", "gli", "le", "di", "del", "della", "dei", "e", "è", "sono", "noi", "voi", "suo", "sua", "nostro", "nostra", "per", "con", "non", "che", "in", "un", "una", "al", "si", "molto", "grazie", "buongiorno", "saluti", "cordiali", "fattura", "fatture", "pagamento", "sarà", "stato", "già", "oggi", "ma", "come", "mese", "settimana", "bonifico", "allegato", "vi", "ci", "possiamo", "potete", "potreste", "pagare", "abbiamo", "siamo", "questa", "questo", "ancora", "anche", "entro", "prossimo", "prossima", "vorremmo", "della", "delle", "nel", "nella"]
    ),
}

#: month and weekday names: short replies are often little more than a verb and a date, and these
#: names are among the few words that belong to one language only ("dicembre", "diciembre", "dezembro")
_CALENDAR: dict[str, str] = {
    "en": "january february march april june july august september october november december monday tuesday"
          " wednesday thursday friday saturday sunday",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre lundi mardi mercredi"
          " jeudi vendredi samedi dimanche",
    "de": "januar februar märz april mai juni juli august september oktober november dezember montag dienstag"
          " mittwoch donnerstag freitag samstag sonntag",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre lunes"
          " martes miércoles jueves viernes sábado domingo",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december maandag dinsdag"
          " woensdag donderdag vrijdag zaterdag zondag",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro segunda terça"
          " quarta quinta sexta sábado domingo",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre lunedì"
          " martedì mercoledì giovedì venerdì sabato domenica",
}
#: more everyday words of one language each (adverbs, pronouns, courtesy), written for short replies
_MORE_WORDS: dict[str, str] = {
    "en": "just now then soon also only still yet already next last week month today tomorrow yesterday thx pls"
          " asap cheers kind best dear team sure ok okay",
    "fr": "merci bien aussi encore déjà puis ensuite bientôt aujourd'hui maintenant alors donc chez très votre"
          " leur leurs cet ces nous vous sommes avons allons pouvez pourriez veuillez svp madame monsieur salutations",
    "de": "auch noch schon jetzt dann bald heute morgen gestern also doch nur sehr gerne bitte ihnen euch wäre"
          " könnten können möchten würden sollte herr frau liebe grüße freundliche mfg vg lg",
    "es": "también todavía ya ahora luego pronto hoy ayer mañana entonces pues muy usted ustedes vosotros estimado"
          " estimada atentamente saludos cordial quedamos envíen escriba gracias",
    "nl": "ook nog al nu dan snel vandaag morgen gisteren dus wel erg graag jullie hun u uw geachte beste"
          " vriendelijke groet mvg alvast bedankt",
    "pt": "também ainda já agora depois logo hoje ontem amanhã então pois muito vocês senhor senhora prezado"
          " prezada atenciosamente obrigado cumprimentos abraço favor",
    "it": "anche ancora già ora adesso poi presto oggi ieri domani allora quindi molto vostro vostra gentile"
          " spett cordiali distinti saluti grazie scrivete inviate mandate dopo questo quella ecco",
}
_STOPWORDS = {lang: words | frozenset(_CALENDAR[lang].split()) | frozenset(_MORE_WORDS[lang].split())
              for lang, words in _STOPWORDS.items()}

_CHARS: dict[str, tuple[str, ...]] = {
    "fr": ("é", "è", "ê", "à", "ç", "œ", "eau", "oux", "qu'", "d'", "l'"),
    "de": ("ä", "ö", "ü", "ß", "sch", "ung", "cht", "tz"),
    "es": ("ñ", "¿", "¡", "ción", "ó", "á", "í", "ll"),
    "nl": ("ij", "oe", "aa", "ee", "uu", "sch", "cht"),
    "pt": ("ã", "õ", "ç", "ção", "lh", "nh", "ê"),
    "it": ("zion", "gli", "cch", "ò", "ù", "à", "tt", "iamo", "zz"),
    "en": ("th", "wh", "ing", "'ll", "'s", "n't"),
}

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_MAX_CHARS = 4000


def language_scores(text: str) -> dict[str, float]:
    """Score of each supported language for ``text`` (higher is more likely)."""
    sample = text[:_MAX_CHARS].lower()
    words = _WORD.findall(sample)
    scores = {lang: 0.0 for lang in LANGUAGES}
    for word in words:
        owners = [lang for lang, stop in _STOPWORDS.items() if word in stop]
        for lang in owners:
            # a word only one language uses ("ontem", "gisteren") breaks a tie of shared ones ("pago")
            scores[lang] += 1.1 if len(owners) == 1 else 1.0
    for lang, grams in _CHARS.items():
        for gram in grams:
            hits = sample.count(gram)
            if hits:
                scores[lang] += 0.15 * min(hits, 6)
    return scores


def detect_language(text: str, default: str | None = None) -> str | None:
    """The most likely language code of ``text``, or ``default`` when there is too little text.

    Never raises. Returns one of :data:`LANGUAGES` or ``default``.
    """
    try:
        scores = language_scores(text)
    except Exception:  # noqa: BLE001 - failing open: language is a hint, never fatal
        return default
    best = max(scores, key=lambda lang: (scores[lang], lang == (default or "en")))
    if scores[best] < 1.0:
        return default
    return best
