"""Telling a reply in another language from a terse English one: the commonest function words of
the languages staff most often switch to, leaving out those that are English words too."""

from __future__ import annotations

import re

from .spoken import is_spoken, read_spoken

OTHER_LANGUAGES = {
    "spanish": "el la los las del que y en un una por con para es lo le les su sus se mi muy "
               "pero como más este esta usted ustedes nosotros yo hoy ya hay fue sido será "
               "gracias siento lamento",
    "french": "le les des du et est une pour que qui dans je vous nous pas ne votre vos sur "
              "avec mais très nous sommes suis être été sera aujourd'hui désolé merci",
    "german": "der das und ist nicht ich sie wir ein eine zu mit für auf ihr ihre ihnen den dem "
              "des es sich auch sind wird wurde heute leid danke bitte",
    "italian": "il lo gli della che di e è un una per con non sono mi ci siamo questo questa "
               "oggi grazie dispiace molto",
    "portuguese": "o os as da do que e é um uma para com não em seu sua você nós hoje obrigado "
                  "desculpe muito",
    "dutch": "de het een en van ik je u wij niet met voor op zijn dat dit ook heel vandaag "
             "sorry bedankt",
    "polish": "i w z na nie się jest to że do jak ale czy pan pani jestem bardzo dzisiaj "
              "przepraszam dziękuję",
}
FOREIGN_WORDS = frozenset(w for words in OTHER_LANGUAGES.values() for w in words.split())
ENGLISH_WORDS = frozenset(
    "i you we it this that he she they me us him her them my your our their its is are was "
    "were be been am will would can could shall should may might must have has had do does did "
    "the a an to for of in on at by with from about as if so then there here please let not no "
    "and or but i'm i'll i've i'd we'll we've we're you're you've it's that's sorry".split())
MIN_WORDS = 6  # fewer words than this cannot show which language a reply is in
# Another language only when its common words are at least this share of the reply's words and
# English ones under ENGLISH_MAX_SHARE: a terse English reply ("Refund done, ref RF-1") stays
# English, since precision comes first.
FOREIGN_MIN_SHARE = 0.2
ENGLISH_MAX_SHARE = 0.1
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def is_other_language(text: str) -> bool:
    said = read_spoken(text) if is_spoken(text) else text  # a transcript's fillers left out
    words = _WORD.findall(said.lower().replace("\u2019", "'"))
    if len(words) < MIN_WORDS:
        return False
    foreign = sum(1 for w in words if w in FOREIGN_WORDS and w not in ENGLISH_WORDS)
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    return foreign >= FOREIGN_MIN_SHARE * len(words) and english < ENGLISH_MAX_SHARE * len(words)
