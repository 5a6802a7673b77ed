"""Synonym families and phrase rewrites from general contact-centre English (not from any dataset)."""

from __future__ import annotations

import re

# Each family is one string of words; the first word names the family. A word belongs to the first
# family that lists it, so ambiguous words are left out rather than forced into one meaning.
FAMILIES = (
    # money moving back and forth
    "refund reimburse reimbursement repay repayment refundable",
    "charge charged charging collection collect debit debited deduct deduction withdraw "
    "withdrawal transaction bill billed billing payment pay",
    "duplicate duplicated twice double doubled second repeat repeated extra additional again",
    "full fully entire entirely whole complete completely",
    "credit credited",
    "goodwill gesture compensation compensate voucher discount",
    "fee fees penalty fine surcharge",
    "waive waived remove removed scrap",
    "price cost costs amount sum",
    "overcharge overcharged overbill",
    "invoice statement receipt",
    "account profile",
    "card method",
    "original same usual",
    "money funds cash",
    # time
    "day days",
    "working business",
    "week weeks fortnight",
    "hour hours",
    "month months",
    "within inside",
    "today tonight now immediately straight",
    "tomorrow",
    "date deadline",
    "late delay delayed overdue behind slow",
    # getting things to the customer
    "arrive arrival reach land appear show clear",
    "receive get",
    "deliver delivery delivered courier shipment dispatch dispatched ship shipped post posted "
    "postage",
    "parcel package order item goods product purchase",
    "replace replacement exchange swap",
    "repair fix fixed mend resolve sort solve rectify correct",
    "engineer technician specialist",
    "appointment booking slot visit",
    "return returned",
    "collect pickup",
    "lose missing lost disappear",
    "damage damaged broken faulty defective cracked smashed dent dented crushed squashed",
    # what went wrong and whose it was
    "error mistake mistaken wrong wrongly incorrect incorrectly fault faulty glitch bug accident "
    "accidental accidentally erroneous erroneously",
    "cause caused because due reason why",
    "system systems",
    "outage disruption interruption",
    "connection internet broadband wifi signal network",
    # talking to people
    "reference ref ticket case claim tracking",
    "number code id",
    "confirm confirmed confirmation verify verified verification check checked",
    "contact call phone ring email emailed message text write reach speak",
    "bank lender",
    "escalate escalated escalation supervisor manager senior",
    "team department colleague",
    "complaint complain",
    "explain explanation tell inform",
    "apologise apologize apology sorry",
    "promise guarantee assure",
    "offer provide give",
    "customer client",
    "follow update updates",
    "reply respond response answer answered",
    "cancel cancelled cancelling cancellation terminate termination",
    "contract plan subscription tariff package",
    "meter reading",
    "password login",
    "flight trip journey travel",
    "room stay reservation",
    "insurance policyholder cover",
    "reboot restart reset unplug",
    "equipment router modem hub device kit handset",
    "block blocked lock locked suspend suspended",
    "unblock unblocked unlock unlocked unfreeze reactivate reactivated reinstate reinstated "
    "reconnect reconnected",
    "restore restored",
    "abroad overseas foreign international",
    "trace traced locate located find found track tracked",
    "estimate estimated guess guessed approximate",
    "fraud security suspicious unusual",
    "hold held pause paused",
    "urgent urgently priority prioritise prioritize",
    "free complimentary",
    "reduction reduce reduced lower lowered",
    "borrow lend lent loan loaned",
    "freeze frozen",
    "visit branch",
    "leave holiday absence",
    "letter writing written",
    "notice notification reminder",
    "renew renewal renewed",
    "option choice alternative",
    "routine normal normally usual usually standard regular typical typically",
    "warranty guarantee",
    "mum mother mom mam",
    "dad father",
    "clothes clothing outfit",
)

# Multi-word phrases rewritten to one family word before concepts are read.
_PHRASES = (
    (r"\b(?:money|cash|the (?:amount|payment|charge|fee|cost|difference|money)|the \d+(?:\.\d+)?|"
     r"[£$€]\d+(?:\.\d+)?) back\b", "refund"),
    (r"\bpa(?:y|id|ying) (?:you|it) back\b", "refund"),
    (r"\b(?:put|puts|putting) (?:it|this|that|things) right\b", "fix"),
    (r"\bbusiness days?\b", "working days"),
    (r"\bweek ?days?\b", "working days"),
    (r"\b(?:two|2) times\b", "twice"), (r"\bmore than once\b", "twice"),
    (r"\bby mistake\b", "error"), (r"\bin error\b", "error"), (r"\bshould(?:n't| not) have\b", "error"),
    (r"\bon (?:our|my) (?:side|end)\b", "error"),
    (r"\bsame (?:card|account|method)\b", "original card"),
    (r"\b(?:card|account|method) (?:you|it was) (?:paid|used)\b", "original card"),
    (r"\bbank account\b", "account"),
    (r"\bwrit(?:e|ten|ing) off\b", "waive"), (r"\bin full\b", "full"), (r"\bevery penny\b", "full"), (r"\bthe lot\b", "full"),
    (r"\bcall(?:ing)? you back\b", "follow"), (r"\bget back to you\b", "follow"),
    (r"\bkeep you (?:posted|informed|updated)\b", "follow update"),
    (r"\bcheck in\b", "follow"),
    (r"\bfollow[- ]up\b", "follow"),
    (r"\bcase number\b", "reference number"), (r"\bticket number\b", "reference number"),
    (r"\b[a-z]{1,5}-?\d{3,}\b", "reference number"),
    (r"\b(?:free of charge|no charge|at no cost|no cost|on the house)\b", "free"),
    (r"\b(?:to say sorry|for the (?:trouble|inconvenience|hassle|delay)|as a gesture|to make "
     r"(?:up for|amends))\b", "goodwill"),
    (r"\b(?:power[- ]cycle\w*|turn(?:ing|ed)? (?:it )?off and (?:on|back on)|switch\w* (?:it )?off)\b",
     "reboot"),
    (r"\b(?:on hold|put on hold)\b", "hold"), (r"\btaken off\b", "unblock"),
    (r"\bwith you\b", "arrive"), (r"\bin your account\b", "arrive account"),
    # taking money off a bill or the rent is reducing it
    (r"\b(?:knock|knocks|knocked|knocking|take|takes|took|taking|taken) ((?:[\w'£$€.,]+ ){1,4})"
     r"off(?= (?:the|your|his|her|their|next|this)\b)", r"reduce \1"),
    # doing it again: 'resend' and 'send it again' read alike
    (r"\bre-?(send|sent|submit|submitted|enter|entered|apply|applied|register|registered|"
     r"upload|uploaded)\b", r"\1 again"),
)
# All the phrases in one pattern (no capturing groups: they would slow every search down), so a
# text is rewritten in one pass; each match is then put down to the first phrase that makes it.
_EACH = tuple((re.compile(p), r) for p, r in _PHRASES)
_ONE_PASS = re.compile(r"\b(?:" + "|".join(
    "(?:" + re.sub(r"\((?!\?)", "(?:", p.removeprefix(r"\b")) + ")" for p, _ in _PHRASES) + ")")


def _replace(m: re.Match[str]) -> str:
    """The replacement of the first phrase that makes this very match."""
    text, at = m.string, m.start()
    for pattern, replacement in _EACH:
        found = pattern.match(text, at)
        if found is not None and found.end() == m.end():
            return found.expand(replacement) if "\\" in replacement else replacement
    return m.group()


def rewrite(lower: str) -> str:
    """Phrases folded into single family words (only for reading concepts, never for quotes)."""
    return _ONE_PASS.sub(_replace, lower)
