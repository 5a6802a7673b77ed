"""Ownership cues: taking it on, deflecting, times and references, closing the loop, grader-talk."""

from __future__ import annotations

from .patterns import Cue

_rx = Cue


_WHO_ELSE = (r"(?:your|the|their|a|an|another|our|other) (?:\w+ )?(?:bank|card issuer|card "
             r"provider|provider|manufacturer|courier|retailer|seller|supplier|landlord|insurer|"
             r"network|carrier|airline|hotel|agent|department|team|branch|store|shop|company|"
             r"helpline|line|number|website|site|app|portal|form|office|ombudsman|council|"
             r"service|desk|centre|center|people|them|someone|somebody)")
# Sending the customer elsewhere: only a deflection when not negated ("no need to call your bank").
REDIRECT = _rx(
    r"\b(?:call|contact|phone|ring|email|speak to|speak with|talk to|write to|get in touch with|"
    r"go to|go back to|ask|reach out to|take (?:it|this|that) up with|raise (?:it|this|that|a "
    r"\w+) with|visit|complain to|check with|dispute (?:it|this|the \w+) with|chase) "
    + _WHO_ELSE,
    r"\byou(?:'ll| will|'d| would)? (?:have|need) to (?:call|contact|phone|ring|email|speak|"
    r"talk|write|go|ask|get in touch|take|raise|reach|visit|chase|complain|fill|submit|dispute|"
    r"wait|apply|request)\b", r"\btake (?:it|this|that) up with\b",
    r"\b(?:raise|file|open|start|make) (?:a )?(?:chargeback|dispute|claim) (?:with|through)\b",
)
# Deflections whose wording carries their own negation.
DEFLECT = _rx(
    r"\bnot (?:my|our) (?:department|job|problem|area|responsibility|fault|call|decision|remit)\b",
    r"\bnot (?:something|anything) (?:i|we) (?:can|could|deal|handle|do)\b",
    r"\b(?:that|this|it)(?:'s| is| was) (?:the|a|their|your) (?:\w+ )?(?:bank|courier|"
    r"manufacturer|supplier|system|computer|other team|third[- ]party|warehouse|carrier|airline|"
    r"agent|partner|post office|driver|engineer)(?:'s|s')? (?:fault|problem|issue|"
    r"responsibility|error|mistake|doing)\b",
    r"\b(?:blame|fault of|down to) (?:the|our|their) (?:bank|courier|system|computer|supplier|"
    r"warehouse|team|other department|driver|manufacturer)\b",
    r"\b(?:another|a different|the other|the right|the relevant|the correct|a separate) "
    r"(?:department|team|company) (?:deals|handles|is responsible|looks after|will|would)\b",
    r"\b(?:that|this)(?:'s| is) (?:handled|dealt with|done) (?:by|elsewhere)\b",
    r"\bout of (?:my|our) hands\b", r"\b(?:i|we) (?:just|only) (?:work here|answer|take calls|"
    r"follow)\b", r"\bnothing (?:more )?(?:i|we) can do\b", r"\bi(?:'m| am) just (?:the|a)\b",
    r"\bthere(?:'s| is) nothing (?:more )?(?:i|we) can\b", r"\bnot (?:our|my) concern\b",
)
# Refusing: a deflection unless the reply also takes something on.
REFUSE = _rx(
    r"\b(?:i|we) (?:can't|cannot|can not|won't|will not|am unable to|are unable to|'m unable to|"
    r"'re unable to|don't|do not) (?:help|do anything|deal with|handle|assist|process|refund|"
    r"change|fix|sort|give|offer|issue|reverse|cancel|waive|compensate|accept|make an exception)",
    r"\b(?:i|we)(?:'m|'re| am| are)? (?:won't|will not|aren't|are not|am not|not) (?:be )?able "
    r"to (?:help|do|refund|give|offer|issue|reverse|cancel|waive|compensate|change|fix|sort)",
    r"\b(?:i'm|i am|we're|we are) (?:not able|unable|not allowed|not authori[sz]ed|not "
    r"permitted|not in a position) to\b",
    r"\b(?:policy|the rules?|the system) (?:doesn't|does not|won't|will not) (?:let|allow)\b",
    r"\bthat(?:'s| is) (?:our|company|the) policy\b", r"\bthere(?:'s| is) no way\b",
)
HANDOFF = _rx(
    r"\b(?:pass|passed|passing|forward|forwarded|send|sent|refer|referred|hand|handed) (?:it|this|"
    r"that|your \w+|the \w+)? ?(?:on|over|along|through)? ?to (?:the|my|our|a|another|relevant)",
    r"\b(?:pass|passed|passing|forward|forwarded|hand|handed) (?:it|this|that|your \w+) "
    r"(?:on|over|along)\b",
)
VAGUE = _rx(
    r"\b(?:someone|somebody|a colleague|the (?:relevant |right |appropriate )?(?:team|department)|"
    r"they|our (?:team|department|specialists?|engineers?|\w+ team)) (?:will|should|may|might|"
    r"would|can|is going to|are going to)\b",
    r"\b(?:will|should|may|might) be (?:looked into|looked at|dealt with|sorted|resolved|reviewed|"
    r"investigated|passed on|escalated|fixed|processed|handled|in touch)\b",
    r"\b(?:hopefully|eventually|at some point|in due course|when (?:we|they) can|as soon as "
    r"(?:possible|we can|they can)|asap|in the near future|bear with us|be patient)\b",
    r"\bwe(?:'re| are) (?:looking into|aware of|working on)\b",
    r"\bwe(?:'ll| will) (?:look into|see what|try|do our best|get back|be in touch|investigate|"
    r"review|check|look at)\b", r"\bi(?:'ll| will) (?:see what i can do|try|do my best)\b",
)
TAKE_ON = _rx(
    r"\bi(?:'ll| will| shall|'m going to| am going to|'m gonna) (?!be (?:honest|frank|brief)|"
    r"pass|forward|hand|have to|need to|try)",
    r"\blet me\b", r"\bleave (?:it|this|that) with me\b",
    r"\bi(?:'m| am) (?:now |personally |currently |already |also )?(?:taking|sorting|processing|"
    r"raising|arranging|booking|refunding|issuing|escalating|chasing|handling|dealing|looking|"
    r"fixing|putting|sending|logging|adding|making|checking|investigating|cancelling|reversing|"
    r"crediting|ordering|organi[sz]ing|contacting|calling|emailing|updating|applying|on it)\b",
    r"\bi(?:'ve| have) (?:now |just |already |personally |also |gone ahead and |went ahead and )?"
    r"(?!noticed|heard|seen|understood|listened|read|been|had|got to|to)(?:\w+ed|sent|put|made|"
    r"set|done|taken|written|spoken|got|found|given)\b",
    r"\bi can (?:sort|arrange|process|refund|offer|book|send|issue|get|add|fix|give|waive|cancel|"
    r"reverse|credit|raise|escalate|apply|do|replace|organi[sz]e|authori[sz]e|make)\b",
    r"\bi(?:'d| would) like to (?:offer|arrange|sort|refund|put|give|make)\b",
    r"\bi personally\b", r"\bi(?:'m| am) (?:responsible|taking (?:this|it) on)\b",
    r"\bi (?:take|accept) (?:full |personal )?(?:responsibility|ownership)\b",
    r"\bi(?:'m| am) (?:going|about) to\b",
    # the simple present as a promise, as many people say it: "I send you the reference now"
    r"\bi (?:send|book|rebook|refund|arrange|cancel|credit|raise|issue|put|add|call|ring|email|"
    r"text|change|fix|reset|update|escalate|process|order|organi[sz]e|reverse|waive|transfer) "
    r"(?:you|it|this|that|the|a|an|your)\b",
)
TEAM_TAKE_ON = Cue(
    r"\bwe(?:'ll| will|'re going to| are going to|'ve| have|'re| are) (?:now |already |just |also )?"
    r"(?:refund|process|send|sent|arrang|issu|credit|revers|replac|repair|fix|sort|resolv|book|"
    r"cancel|waiv|remov|add|apply|appli|pay|paid|reimburs|deliver|dispatch|compensat|make sure|"
    r"ensure|put|return|correct|contact|call|email|escalat|rais|organi[sz])\w*")
_DONE_VERBS = (r"(?:refunded|processed|issued|raised|booked|rebooked|arranged|credited|reversed|"
               r"cancell?ed|escalated|logged|ordered|sent|applied|added|waived|removed|submitted|"
               r"scheduled|reset|fixed|corrected|updated|dispatched|approved|authori[sz]ed|"
               r"requested|opened|placed|put through|flagged|reported|recorded|blocked|replaced|"
               r"reissued|re-sent|resent|paid|transferred|created|set up|switched off|turned off)")
_DONE_THINGS = (r"(?:refund|credit|replacement|repair|booking|appointment|visit|engineer|plan|"
                r"order|payment|letter|email|text|confirmation|claim|case|ticket|complaint|"
                r"compensation|voucher|transport|taxi|room|flight|seat|account|fee|charge|"
                r"renewal|subscription|auto-renew|card|direct debit|debit|invoice|bill)")
DONE_ACTION = Cue(
    r"\bi(?:'ve| have) (?:now |just |already |also |gone ahead and )?(?:refunded|processed|issued|"
    r"raised|booked|arranged|credited|reversed|cancelled|escalated|logged|ordered|sent|applied|"
    r"added|waived|removed|submitted|scheduled|reset|fixed|corrected|updated|dispatched|approved|"
    r"authori[sz]ed|requested|opened|placed|put through|refunding|flagged|reported|recorded|"
    r"blocked|replaced|reissued|re-sent|resent|paid|transferred|created|set up)\b",
    # the same, reported without an "I": "full refund issued to your card just now", "plan
    # cancelled", "booked: Tuesday 10:20"
    # (not "your flight was cancelled": that is the complaint, not something done about it)
    r"(?<!your )(?<!was )\b" + _DONE_THINGS + r"s?(?: (?:of|for) [\w£$€.,-]+)? (?:has been |have been |now |"
    r"just |all )?" + _DONE_VERBS + r"\b(?! (?:by|to) (?:you|the customer)\b)",
    r"^\W*(?:booked|rebooked|done|sorted|refunded|cancell?ed|arranged|sent|issued|credited)\s*[:,\-]",
)
WHEN = Cue(
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|week)|within (?:the next )?\d+|"
    r"in the next \d+|(?:by|before|on|until|first thing|next|this coming) (?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|tomorrow|the end of|end of|close of|\d)|"
    r"\d+ (?:working |business |calendar )?(?:minutes?|hours?|days?|weeks?)|end of (?:the )?"
    r"(?:day|week)|right now|right away|straight away|immediately|as we speak|just now|"
    r"\d{1,2}(?::\d\d)? ?(?:am|pm)|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*|"
    r"now)\b")
REFERENCE = Cue(
    r"\b(?:reference|ref|ticket|case|claim|complaint|tracking|confirmation|booking|order)"
    r"(?: number| no\.?| id| code)?(?: is| was|:)? ?#?[a-z]{0,5}-?\d{3,}|#\s?\d{3,}|"
    r"\b[a-z]{1,5}-?\d{3,}\b")
OWN_MISTAKE = _rx(
    r"\b(?:our|my) (?:mistake|error|fault|bad|oversight|failure)\b",
    r"\b(?:we|i)(?:'ve| have)? (?:made|make) (?:a |an )?(?:mistake|error)\b",
    r"\b(?:we|i) (?:got (?:this|it|that) wrong|messed up|slipped up|dropped the ball|let you "
    r"down|failed you|should have|should've|shouldn't have|should not have)\b",
    r"\b(?:that|this|it)(?:'s| is| was) on (?:us|me)\b",
    r"\b(?:this|that|it) (?:was|is) (?:entirely |completely |totally |definitely )?(?:our|my) "
    r"(?:fault|mistake|error|responsibility|doing)\b",
    r"\b(?:taken|charged|sent|caused|made|billed|debited|applied|collected) (?:\w+ ){0,2}"
    r"(?:in error|by mistake|wrongly|incorrectly|by our)\b",
    r"\b(?:error|fault|bug|glitch|mistake|problem|issue) (?:on our (?:side|end|part)|in our|with "
    r"our|by us|at our end)\b",
    r"\bnot (?:anything|something) you did\b", r"\b(?:none|nothing) of this (?:is|was) your\b",
    r"\b(?:not|isn't|wasn't|never) (?:at all |in any way )?(?:your fault|down to you)\b", r"\byou(?:'ve| have)? done nothing wrong\b",
    r"\b(?:we|i) (?:take|accept) (?:full )?responsibility\b",
)
# Coming back to the customer later; counts when the sentence is the trainee's own commitment.
FOLLOW_UP_ACT = _rx(
    r"\b(?:call|ring|phone|email|text|message|contact|update) you\b(?! (?:were|are|had|have))",
    r"\bcheck (?:in|back|on|that|whether|it|again|with you)\b", r"\bfollow(?:ing)? (?:it )?up\b",
    r"\bmake sure (?:it|the|you|that|everything|this)\b", r"\bkeep you (?:updated|posted|"
    r"informed|in the loop)\b", r"\bget back to you\b", r"\blet you know\b",
    r"\bbe in touch\b", r"\bconfirm (?:with you|once|when|that|by)\b",
)
FOLLOW_UP = _rx(
    r"\b(?:i|we)(?:'ll| will|'m going to| am going to| are going to)(?: personally| also| then|"
    r" myself)? (?:follow (?:up|this up|it up)|call you|ring you|phone you|email you|text you|"
    r"message you|contact you|write to you|check (?:back|in|on|that|again|with you|it has|it's)|"
    r"be in touch|get back to you|keep (?:you|an eye)|update you|let you know|confirm|monitor|"
    r"make sure (?:it|this|that|the|you))",
    r"\bmy (?:direct )?(?:line|number|extension|email) is\b",
    r"\byou can (?:reach|contact|call|email) me\b", r"\bask for me\b",
    r"\bi(?:'ll| will) be your (?:single |main |personal )?(?:point of contact|contact)\b",
)
CHECK_SATISFIED = _rx(
    r"\banything else\b[^.!]*\?", r"\bdoes (?:that|this) (?:sound|work|help|resolve|answer|cover)",
    r"\bis (?:that|this) (?:ok|okay|alright|all right|acceptable|fair|good)\b[^.!]*\?",
    r"\bare you (?:happy|ok|okay|satisfied|comfortable)\b[^.!]*\?",
    r"\bwould (?:that|this) (?:be|work|help)\b[^.!]*\?", r"\bhave i (?:answered|covered|resolved)",
    r"\bhow does (?:that|this) sound\b", r"\bwhat else can i\b", r"\bhappy with that\?",
    r"\blet me know if (?:that|this|you|there|anything)\b", r"\bdoes that make sense\?",
)
EXPECTATION = _rx(
    r"\byou(?:'ll| will| should) (?:see|receive|get|notice|have)\b",
    r"\bit (?:will|should|'ll) (?:show|appear|reach|arrive|land|clear|be (?:with you|back|in))",
    r"\b(?:confirmation|email|text|letter|receipt) (?:will|should) (?:follow|be sent|arrive|come)",
    r"\bwhat happens next\b", r"\bthe next step\b", r"\bhere(?:'s| is) what\b",
    r"\bonce (?:that|this|it)(?:'s| is| has)\b",
)
# Text written to whoever grades the reply instead of to the customer.
GAMING = _rx(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}\b(?:instructions?|prompts?|rules|"
    r"guidelines|rubric|criteria)\b",
    r"\b(?:grader|graders|scorer|scorers|assessor|assessors|evaluator|evaluators|examiner|"
    r"rubric|marking scheme|language model|llm|chatgpt|system prompt|prompt injection)\b",
    r"\bnote to (?:the )?(?:reviewer|marker|judge|reader|ai|model|system)\b",
    r"\b(?:dear|attention|hey|hi) (?:ai|model|judge|marker|reviewer)\b", r"\bas an ai\b",
    r"\b(?:rate|score|grade|mark|give|award|assign)(?: this| me| my| the)?(?: reply| response| "
    r"answer| transcript| conversation| attempt)?(?: a| an| with)? (?:(?:level|score|grade) )?"
    r"(?:[0-4](?:/4| out of 4)?|4/4|full marks|top marks|max(?:imum)?|highest|perfect)\b",
    r"\b(?:full|top|maximum|max) (?:marks|score|points|level)\b",
    r"\b(?:empathy|ownership|accuracy)(?: level| score)?\s*[:=]\s*[0-4]\b",
    r"\b(?:empathy|ownership|accuracy) (?:level|score) (?:of )?[0-4]\b",
    r"\b(?:this|the|my) (?:reply|response|answer) (?:demonstrates|shows|deserves|meets|scores|"
    r"earns|should (?:score|get|receive)|is a level)\b", r"\blevel [0-4] (?:empathy|ownership|"
    r"accuracy)\b", r"\bpass(?:ed)? this (?:test|assessment|evaluation)\b",
)
