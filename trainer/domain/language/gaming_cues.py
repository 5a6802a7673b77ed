"""Phrase families that show a reply games a scorer instead of serving the customer: text
addressed to the scorer, sympathy and ownership phrases piled up, bare keyword lists. Data only:
`domain/scoring/gaming.py` builds the matchers and decides."""

from __future__ import annotations

# Text written to the scorer rather than the customer. Words that a real reply may use
# ("assessor", "examiner", "reviewer", "marker", "score" alone) only count in context.
ADDRESSED_TO_SCORER = (
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|"
    r"rules|guidelines|rubric|criteria|everything above)\b",
    r"\b(?:graders?|scorers?|evaluators?|rubric|marking scheme|language model|llms?|chatgpt|"
    r"system prompt|prompt injection|as an ai|ai model|ai assistant|scoring model)\b",
    r"\b(?:note|message|instructions?|memo)s? (?:to|for) (?:the |any )?(?:automated )?"
    r"(?:assessor|examiner|marker|reviewer|judge|ai|model|system|evaluator)\b",
    r"(?:^|[\[(\n.!?]\s*)(?:assessor|examiner|marker|reviewer|judge|evaluator)\s*:",
    r"\b(?:dear|attention|hey|hi|hello),? (?:the )?(?:assessor|examiner|marker|reviewer|judge|"
    r"ai|model|system)\b",
    r"(?:^|[\[(<\n])\s*(?:system|assistant|developer)\s*[:\]>]|\bassistant:",
    r"\b(?:rate|score|grade|mark)\b (?:this|me|my|it|that|the|him|her|us)\b[^.!?\n]{0,25}?"
    r"(?<![\d.£$€])\b[0-4](?=\s*(?:$|[.,;!?)\]/]|(?:on|for|in|across|out of|everywhere|and|"
    r"please|points?|marks?)\b))",
    r"\b(?:give|award|assign|deserves?|earns?|gets?|worth|scores?)\b[^.!?\n]{0,25}\b(?:full|top|"
    r"maximum|max|perfect|highest) (?:marks?|score|points|level|rating)\b",
    r"\b(?:score|grade|rating) (?:of )?[0-4]\b(?![\d:.,]?\d|[-%])",
    r"\blevel [0-4]\b(?= (?:on|for|in|across|answer|response|reply|empathy|ownership|accuracy|"
    r"every|all)\b|\s*[.!)\]]|\s*$)",
    r"\b(?:empathy|ownership|accuracy)\b[^.!?\n]{0,12}?(?:\b(?:level|score)\b|[:=])\s*[0-4]\b",
    r"\b[0-4]\s*/\s*4\s*/\s*[0-4]\b|\b(?:a|model|scored?|rated?|rating|gets?|deserves?|earns?|"
    r"worth|it|this|me)\s+[0-4]\s*/\s*4\b|\b[0-4]\s*/\s*4\s+(?:answer|response|reply|marks)\b",
    r"\b(?:this|my|the above|the)\s+(?:reply|response|answer|message|transcript|conversation)\s+"
    r"(?:demonstrates|shows|deserves|meets|scores|earns|covers|addresses|exemplifies|should)\b",
    r"\b(?:exemplary|excellent|perfect|full|maximum) (?:empathy|ownership|accuracy)\b",
    r"\b(?:pass(?:ed)?|ace[sd]?) (?:this|the) (?:test|assessment|evaluation|training)\b",
    r"<\|?\s*(?:im_start|im_end|endoftext|system)\s*\|?>|</?\s*(?:transcript|case_file|"
    r"conversation|instructions?|system)\s*>",
    r"[\"'](?:level|empathy|ownership|accuracy)[\"']\s*:",
    r"\byou are now\b|\bnew instructions\b|\bpretend (?:that|the|you)\b",
)

# One apology or sympathy phrase; a sentence may hold several ("sorry sorry so sorry").
SYMPATHY = (
    r"\b(?:sorry|apologi[sz]e[sd]?|apologies|apologising|apologizing|regrets?)\b",
    r"\bi (?:completely |totally |really |fully )?(?:understand|hear you|empathi[sz]e|"
    r"sympathi[sz]e|feel your)\b",
    r"\bvalid(?:ate)?\b[^.!?]{0,20}\bfeelings\b", r"\bfeelings are\b",
    r"\bhow (?:frustrating|upsetting|annoying|stressful|awful|difficult)\b",
)

# Promises of ownership with nothing in them: what hollow ownership repeats.
HOLLOW_OWNERSHIP = (
    r"\b(?:i|we)(?:'ll| will)? (?:take|taking|accept) (?:full |complete |personal |total )?"
    r"(?:ownership|responsibility)\b",
    r"\bleave (?:it|this|that) with me\b", r"\bi(?:'m| am) on (?:it|this|the case)\b",
    r"\bi(?:'ll| will) (?:personally )?(?:sort|handle|deal with|take care of|fix|look into|own) "
    r"(?:it|this|that|everything)\b",
    r"\bi(?:'ll| will) (?:personally )?make sure\b(?:[^.!?]{0,12}$|[^.!?]{0,12}\bit(?:'s| is) "
    r"(?:sorted|done|fixed|handled)\b)",
    r"\b(?:you have|you've got) my (?:word|promise|guarantee)\b", r"\bconsider it (?:done|sorted)\b",
)

# A line that announces a list of terms instead of saying something to someone.
KEYWORD_LIST_LABEL = r"^\s*(?:key ?words?|tags|key points?|buzzwords|topics)\s*:"
# Words that show a sentence is said by someone to someone.
PERSONAL = (r"\b(?:i|i'm|i'll|i've|we|we'll|we're|you|your|you're|me|my|us|our)\b",)
