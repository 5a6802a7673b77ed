"""The content of a sentence as a set of concepts: stemmed words folded into synonym families."""

from __future__ import annotations

import re
from functools import lru_cache

from .stemming import concept, stem
from .synonyms import rewrite

_WORD = re.compile(r"(?<![0-9])[a-z]+(?:'[a-z]+)?")
STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each few for from further had hadn't has hasn't have haven't having he her here
hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just
let let's me more most mustn't my myself no nor not of off on once only or other ought our ours
ourselves out over own same shan't she should shouldn't so some such than that that's the their
theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's
when when's where which while who whom why will with won't would wouldn't you you'd you'll you're
you've your yours yourself yourselves yes ok okay hi hello dear thanks thank please really so
sure well also still even just now right quite actually already very much many lot lots
one thing things something anything everything nothing someone anyone everyone way ways
either neither whether other another ever never every zero two three four five six seven
eight nine ten eleven twelve twenty thirty forty fifty hundred thousand must keep
know see look make made get got going go want need like think feel said say tell told come
time today bit able sorry apologise apologies understand hear absolutely definitely take
totally completely certainly happy glad help course mr mrs ms miss sir madam
""".split())
# Words that say what the trainee does rather than what they say (in key point texts).
META = frozenset("""
say says said state states stated tell tells told mention mentions mentioned inform informs
informed let lets customer customers client clearly correctly properly accurately specific
exactly exact actual actually trainee agent staff answer reply response confirm confirms
confirmed explain explains explained acknowledge acknowledges acknowledged offer offers offered
give gives provide provides provided ensure ensures make makes suggest suggests imply implies
implied promise promises promised tells asks ask them their they he she his her is are
member members tenant tenants patient patients passenger passengers guest guests user users
caller callers treat treats treated
""".split())


_CONTENT: dict[str, str] = {}  # word -> its concept, or '' for a word that carries none


def _content(word: str) -> str:
    found = _CONTENT.get(word)
    if found is None:
        keep = word not in STOPWORDS and len(word) > 1 and stem(word) not in STOPWORDS
        found = _CONTENT[word] = concept(word) if keep else ""
        if len(_CONTENT) > 100_000:  # words made up on the spot should not grow it for ever
            _CONTENT.clear()
    return found


@lru_cache(maxsize=4096)
def content_concepts(lower: str) -> frozenset[str]:
    """Concepts of the content words of a lower-case text (numbers are read separately)."""
    found = set(map(_content, _WORD.findall(rewrite(lower))))
    found.discard("")
    return frozenset(found)


@lru_cache(maxsize=4096)
def claim_concepts(lower: str) -> tuple[str, ...]:
    """Concepts of a key point or red flag text in order of appearance, without the words that
    only describe the act ('says', 'confirms', 'the customer')."""
    words = _WORD.findall(rewrite(lower))
    return tuple(dict.fromkeys(concept(w) for w in words
                               if w not in STOPWORDS and w not in META and len(w) > 1
                               and stem(w) not in STOPWORDS and stem(w) not in META))
