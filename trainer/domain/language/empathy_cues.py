"""Empathy cues: apologies, feelings, acknowledgement, and dismissive, blaming or negated phrasing."""

from __future__ import annotations

from .patterns import Cue

_rx = Cue


APOLOGY = _rx(r"\b(?:sorry|sorrier|apologi[sz]e[sd]?|apologi[sz]ing|apologies|apology|my bad)\b",
              r"\b(?:i|we) (?:deeply |truly |sincerely )?regret\b")
# Scripted apologies that name nothing about this customer.
GENERIC_APOLOGY = _rx(
    r"\b(?:sorry|apologi[sz]e|apologies|regret)\b[^.!?]{0,25}\b(?:any|the) (?:inconvenience|"
    r"trouble|confusion|disruption|issues?|problems?|frustration|difficult(?:y|ies)|hassle)"
    r"(?: (?:this|that|it|we|which) (?:may|might|has|have|could)[^.!?]{0,20})?(?: caused)?\s*[.!]?$",
    r"\bsorry (?:to hear (?:that|this|about that)|about that|for your (?:experience|trouble)|"
    r"for that)\s*[.!]?$",
    r"\b(?:sorry|apologi[sz]e) (?:if|that) you (?:feel|felt|think|were unhappy)",
    r"\bsorry you feel\b", r"\bsorry if (?:this|that|it|there|we|anything)\b",
    r"\bapologies for (?:any|the) (?:inconvenience|trouble|delay)",
)
FEELING = Cue(
    r"\b(?:frustrat\w*|upset\w*|annoy\w*|stress\w*|worr\w*|anxi\w*|angry|anger|furious|"
    r"disappoint\w*|distress\w*|infuriat\w*|exasperat\w*|fed up|irritat\w*|unsettl\w*|alarm\w*|"
    r"let down|tether|maddening|aggravat\w*|embarrass\w*|humiliat\w*|confus\w*|overwhelm\w*|"
    r"exhaust\w*|tiring|sick of|tired of|panic\w*|scary|frightening|hurt\w*|concern(?:ed|ing)?|"
    r"a pain|a hassle|a nightmare|awful|horrible|terrible|unacceptable|"
    r"not good enough|difficult|stressful|tough|unfair|worse|out of pocket|grim|miserable|"
    r"wretched|rough|gutting|heartbreaking|upsetting|shock\w*|fright\w*|scared|on edge|"
    r"(?:so|very|really|incredibly) hard|hard (?:for|on) (?:you|her|him|them)|"
    r"galling|infuriating|rubbish|rotten|gutted|livid|fuming|hacked off|cheesed off|lousy|"
    r"suspicious|a blow|a worry|nerve-?racking|draining|bad timing|the last straw|"
    r"at your wits' end|(?:such )?a pain)\b")
ACKNOWLEDGE = _rx(
    r"\bi (?:can )?(?:completely |totally |fully |really |absolutely |certainly |do )?"
    r"(?:understand|see|hear|appreciate|realise|realize|recognise|recognize|imagine|get)\b"
    r"(?! (?:a|any|no) (?:record|note|trace))",
    r"^\W*(?:oh no|oh dear|oh gosh|oh goodness|goodness|ugh|oof|ouch|yikes|gosh|wow)\b",
    r"\b(?:understood|got it|fair (?:question|point|enough)|i hear you|i get it)\b",
    r"\b(?:that|it|this)(?:'s| is| was) (?:not|no|hardly) (?:great|right|fair|on|acceptable|how)",
    r"\bi (?:know|can tell) (?:how|that|what|this|it)\b",
    r"\b(?:that|this|it) must (?:have )?(?:been|be|feel)\b",
    r"\b(?:that|this|it) (?:would|will|can't|cannot|could) (?:have )?(?:been|be|feel) (?:so |really "
    r"|very |incredibly |extremely |a bit |quite )?(?:frustrat|annoy|upset|stress|worr|awful|"
    r"horrible|difficult|hard|infuriat|disappoint|madd|a shock|galling|exasperat)",
    r"\byou(?:'ve| have) (?:been|had|waited|chased|paid|tried|done)\b",
    r"\byou(?:'re| are) (?:absolutely |completely |quite |totally )?right\b",
    r"\b(?:understandabl[ey]|no wonder|of course you|you have every right|rightly so)\b",
    r"\b(?:it|that|this)(?:'s| is| was) (?:not|no|simply not) (?:good enough|ok|okay|acceptable|"
    r"fair|on|the service you)",
    r"\byou (?:shouldn't|should not|should never) have (?:had )?to\b",
    r"\bthat(?:'s| is) (?:not|no) (?:the )?(?:service|experience|way)\b",
    r"\b(?:completely|totally|entirely) (?:understandable|fair|reasonable)\b",
    r"\bi(?:'m| am) (?:so |really |very )?(?:sorry|sad|disappointed) (?:to (?:hear|see|learn)|that)",
)
# Why it matters to this customer, and adapting to their situation.
# Saying their reaction is justified, which names the feeling without a feeling word: "that
# should never have happened", "you're right to be angry", "no wonder you're fed up".
VALIDATE = _rx(
    r"\b(?:that|this|it) (?:should(?:n't| not)|should never) have (?:happened|been)\b",
    r"\byou (?:shouldn't|should not|should never) have (?:had|needed) to\b",
    r"\b(?:that|this|it)(?:'s| is| was) (?:just )?(?:not (?:ok|okay|right|fair|good enough|"
    r"acceptable|on)|wrong|unacceptable|a lot (?:to deal with|at once)|such bad timing)\b",
    r"\byou(?:'re| are) (?:quite |completely |absolutely )?right to\b",
    r"\bno wonder\b", r"\bi(?:'d| would) (?:be|feel) (?:\w+ )?(?:the same|too|as well)\b",
    r"\bof course you(?:'re| are)\b", r"\b(?:understandably|rightly) (?:so|upset|angry|annoyed)\b",
)
MATTERS = _rx(
    r"\b(?:especially|particularly) (?:when|as|since|with|because|given)\b",
    r"\b(?:i|we) (?:know|understand|realise|realize|appreciate) (?:how|that|what) (?:important|"
    r"much|stressful|worrying|difficult|hard)\b",
    r"\b(?:matters?|means?) (?:so much |a lot )?to you\b", r"\bimportant (?:it is )?to you\b",
    r"\b(?:counting|relying|depend\w*|rely) on\b", r"\bhard enough\b",
    r"\bthe (?:one|last) (?:\w+ )?(?:you|thing)\b", r"\bshouldn't (?:have to )?be part of\b",
    r"\b(?:the (?:last|worst) thing|of all (?:times|weeks|days))\b",
    r"\b(?:meant|needed|earmarked|set aside|budgeted|planned) for\b",
    r"\bleft you (?:short|without|out of pocket|struggling|worried|stuck|unable|in|overdrawn|"
    r"with(?:out)?|having to|paying|facing|waiting|chasing)\b",
    r"\bout of pocket\b", r"\bon top of\b", r"\bthe last thing you need\b",
    r"\bat (?:such )?a (?:difficult|busy|hard|stressful|worrying) time\b",
    r"\bwhen (?:money|time|things?|budgets?) (?:is|are|'s) tight\b",
    r"\b(?:which|that|this) (?:means|meant) you\b", r"\bcaused you\b",
)
ADAPT = _rx(
    r"\b(?:since|as|because|given that|now that) you(?:'ve| have| had|'re| are)? "
    r"(?:need|rely|mentioned|said|told|use|pay|are|have|work|live|were|had|already)\b",
    r"\bso (?:that )?you (?:don't|won't|do not|will not|never) (?:have|need)\b",
    r"\bto save you\b", r"\bso you can\b", r"\bno need for you to\b",
    r"\byou (?:won't|will not|don't|do not) (?:have|need) to\b",
    r"\b(?:prioriti[sz]ed?|priority|expedited?|fast[- ]track(?:ed)?|rushed|urgent)\b",
    r"\bso you(?:'re| are| can| won't| don't| have| feel)\b", r"\bin the meantime\b",
    r"\bi(?:'ll| will) stay (?:on the line|with you)\b",
    r"\b(?:at a time|whichever|whatever|however) (?:that )?(?:suits|works)\b",
    r"\bwould you (?:prefer|rather)\b", r"\bif you(?:'d| would) (?:prefer|rather|like)\b",
    r"\binstead of (?:you|waiting|having)\b",
)
COURTESY = _rx(
    r"\bthank(?:s| you)\b", r"\b(?:i|we) (?:really |do )?(?:appreciate|value)\b",
    r"\b(?:happy|glad|pleased|here) to help\b", r"\bvalued customer\b",
    r"\b(?:i|we) understand (?:your|the) (?:frustration|concerns?|feelings?|situation)\b",
    r"\bi understand how you feel\b", r"\bi hear you\b", r"\bhave a (?:great|good|nice|lovely)\b",
    r"\b(?:we|i) take (?:this|your \w+|complaints?|it) (?:very )?seriously\b",
    r"\b(?:kind|best|warm) regards\b", r"\bhope (?:this|that) helps\b", r"^(?:hi|hello|dear)\b",
    r"\bsorry\b", r"\bapologi", r"\bplease\b",
)
DISMISSIVE = _rx(
    r"\bcalm down\b", r"\bno need to (?:shout|be rude|get (?:upset|angry|worked up)|raise)",
    r"\b(?:don't|do not) (?:shout|raise your voice|take that tone)\b",
    r"\byou(?:'re| are) (?:overreacting|wrong|mistaken|being (?:rude|unreasonable|difficult|"
    r"ridiculous|silly|dramatic|emotional))", r"\bthat(?:'s| is) (?:simply )?not true\b",
    r"\b(?:that|it)(?:'s| is) (?:not (?:our|my) problem|your problem|just how it is|the way it "
    r"is|life)\b",
    # 'it's only £5', not 'it's only 5 minutes away'
    r"\b(?:it|that)(?:'s| is| was) (?:only|just) (?:£|\$|€)?\d+(?:\.\d+)?\b(?! ?(?:working "
    r"|business |calendar )?(?:minutes?|mins?|hours?|days?|weeks?|months?|am|pm|%|percent|"
    r"miles?)\b)",
    r"\b(?:only|just) (?:a few|\d+(?:\.\d+)?) (?:pounds|quid|dollars|euros)\b",
    r"\b(?:as|like) i (?:already |just )?(?:said|told you|explained|mentioned)\b",
    r"\bi (?:already|just) told you\b", r"\bobviously you\b", r"\bwhatever you (?:say|think|want)\b",
    r"^\W*whatever\W*$", r"(?<!'ll )(?<!will )(?<!to )(?<!me )\bdeal with it\b",
    r"\b(?:not|hardly) (?:a big deal|the end of the world)\b", r"\bno big deal\b",
    r"\bget over it\b", r"\b(?:policy is policy|rules are rules)\b", r"\btake it or leave it\b",
    r"\bif you don't like it\b", r"\bread the (?:terms|small print|t&cs|t's and c's)\b",
    r"\bstop (?:complaining|shouting|moaning)\b", r"\byou people\b",
    r"\bwith (?:all )?due respect\b", r"\bi(?:'ve| have) (?:got )?(?:other|better) (?:things|"
    r"customers)\b", r"\bnot (?:worth|a reason) (?:getting|to get) (?:upset|worked up)\b",
)
BLAME_CUSTOMER = _rx(
    r"\byour (?:own )?(?:fault|mistake|error|doing|responsibility)\b(?! (?:reference|ref|number|"
    r"report|ticket|id|code|log))",
    r"\byou (?:must|might|may|could) have (?:\w+ ){0,2}(?:made|entered|typed|clicked|pressed|"
    r"set|paid|done|caused|forgotten|missed|put|given|used|authori[sz]ed|signed|submitted|"
    r"selected|chosen|ordered|requested|agreed|accepted|ticked|changed|deleted|ignored|misread)\b",
    r"\byou (?:probably|likely|obviously|clearly|accidentally|mistakenly) (?!have been|were|"
    r"what|how|that|when|where|why|which|who|if)",
    r"\byou (?:didn't|did not|failed to|forgot to|neglected to) (?:\w+ ){0,2}(?:read|check|"
    r"update|tell|inform|notify|cancel|follow|provide|set up|submit|keep|look|notice|"
    r"authori[sz]e)\b", r"\b(?:because|since) you (?:didn't|did not|failed|forgot|entered|"
    r"clicked|made|set|chose|ordered|agreed|signed|missed|let|ignored)\b",
    r"\bif you(?:'d| had) (?:\w+ )?(?:read|checked|called|paid|told|updated|contacted|noticed|"
    r"followed|set|looked)\b", r"\bhad you (?:read|checked|called|paid|told|not|looked)\b",
    r"\b(?:it|this|that)(?:'s| is| was) (?:on )?your end\b", r"\buser error\b",
    r"\byou (?:caused|made) (?:this|the|it)\b", r"\byou(?:'re| are| were) (?:responsible|to blame)\b",
    r"\bdid you (?:\w+ ){0,3}(?:twice|by mistake|accidentally|correctly|properly|wrong)\b",
    r"\byou should(?:'ve| have) (?:read|checked|known|called|noticed|looked|been|told|"
    r"cancelled|paid)\b", r"\byou need to be more careful\b",
    # implied: misuse or carelessness given as the usual cause
    r"\b(?:when|if|because|since|as|after|once|unless)\b[^.!?;]{0,40}\b(?:overload\w*|misus\w*|"
    r"mishandl\w*|tamper\w*|(?:not|never) (?:been )?(?:used|set up|installed|maintained|looked "
    r"after|stored|handled|cleaned|serviced) (?:properly|correctly|right|as)|(?:used|handled|"
    r"installed|stored|set up) (?:incorrectly|wrongly|badly|improperly))\b",
    r"\b(?:tends?|tended) to (?:\w+ ){0,2}(?:when|if|after)\b[^.!?;]{0,30}\b(?:overload|misus|"
    r"drop|knock|mishandl)",
    r"\b(?:because|when|if|since) (?:some |most )?(?:people|customers|users|tenants|members|guests|"
    r"passengers|patients|callers|clients|folk) (?:\w+ ){0,2}(?:don't|do not|didn't|forget|fail|"
    r"check in|arrive|leave|book|enter|type|send|use|ignore|miss|choose|click|press|order|overload|"
    r"misuse)\b",
    r"\b(?:it's|it is|that's|that is)(?: really| ultimately| always)? (?:up to|the responsibility "
    r"of|down to) (?:the )?(?:customers?|members?|tenants?|guests?|passengers?|users?|patients?|"
    r"callers?|clients?|account holders?|people) to\b",
    # speculation that it went wrong on the customer's side
    r"\b(?:may|might|could|must|possibl\w*|probabl\w*|likely)\b[^.!?;]{0,30}\b(?:damaged|broken|"
    r"dropped|knocked|opened|moved|tampered|lost|mislaid|misplaced)\b[^.!?;]{0,30}\b(?:after "
    r"(?:delivery|it (?:was delivered|arrived|was left))|once (?:it was |it's |they're |they were )?"
    r"(?:inside|indoors|delivered|in your|left)|(?:at|on) your (?:end|side|home|house|property))",
    r"\b(?:get|got|gets|getting) (?:knocked|damaged|broken|dropped|bashed|thrown)\b[^.!?;]{0,30}"
    r"\b(?:once|after|when) (?:they're|it's|they are|it is|they've been|it's been) (?:indoors|"
    r"inside|delivered|in the house|home)",
    r"\b(?:might|may|could|must) have been (?:entered|typed|input|keyed|set up|selected|chosen|"
    r"ticked|clicked|filled in|given|written) (?:in )?(?:incorrectly|wrongly|wrong|by mistake)",
    r"\byou did (?:arrive|book|order|sign|agree|choose|select|tick|click|enter|leave|miss|forget|"
    r"cancel)\b", r"\b(?:did|has|had|could|might) (?:anyone|someone|somebody|anybody)(?: else)? "
    r"(?:in|at|from) (?:the|your) (?:house|home|household|family|flat|office)",
    r"\b(?:records?|system|notes|logs?|history) (?:show|shows|says|say|indicates?) (?:that )?(?:you|"
    r"your|the) (?:\w+ ){0,3}(?:arrived|came in|was sent|was received|was made|was submitted|was "
    r"placed|reached us) (?:too late|late|after the (?:deadline|renewal|cut-?off|date|closing))",
)
NEGATED_EMPATHY = _rx(
    r"\bi(?:'m| am) (?:\w+ )?not (?:sorry|apologi[sz]ing|going to (?:apologi[sz]e|say sorry))",
    r"\b(?:i|we) (?:won't|will not|refuse to|don't|do not|shouldn't|should not|can't) "
    r"(?:have to )?(?:apologi[sz]e|say sorry|be apologi[sz]ing)\b",
    r"\b(?:i|we) have nothing to apologi[sz]e for\b", r"\bnot sorry\b",
    r"\bno (?:need|reason) for (?:me|us) to (?:apologi[sz]e|be sorry)\b",
    r"\bi (?:don't|do not|can't|cannot|fail to) (?:really )?(?:understand|see|get) (?:why|what|"
    r"how) (?:you|you're|anyone|this is|it's|that's|the problem|the issue|the fuss)",
    r"\bi (?:don't|do not|couldn't|could not) care\b",
    r"\bwhy (?:are|would) you (?:be )?(?:so )?(?:upset|angry|annoyed|worked up|bothered)",
    r"\bthere(?:'s| is) no (?:need|reason) (?:for you )?to (?:be )?(?:upset|angry|annoyed|"
    r"worked up|complain)", r"\bnot (?:my|our) (?:fault|problem) (?:that )?you(?:'re| are)\b",
)
# Stakes a customer may name; mirrored back, they show why it matters to them.
STAKES = Cue(
    r"\b(?:rent|mortgage|bills|wages?|salary|payday|family|child(?:ren)?|kids?|son|daughter|"
    r"baby|wedding|holiday|funeral|birthday|christmas|business|clients?|health|medication|"
    r"elderly|disabled|interview|exam|budget|overdraft|pension|benefits|food|groceries|"
    r"heating|living|livelihood|income|deadline|mum|dad|mother|father|wife|husband|partner|"
    r"sister|brother|surgery|recovery|illness|operation|pregnan\w*|carer|school)\b")
