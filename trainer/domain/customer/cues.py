"""Word lists the scripted customer listens for beyond the rule scorer's reading (acts.py builds
the matchers). Data, kept apart so it can be tuned without reading code."""

from __future__ import annotations

# A reply opening with one of these says yes to what the customer just asked.
AFFIRMATIONS = ("yes", "yeah", "yep", "yup", "correct", "exactly", "absolutely", "definitely",
                "certainly", "of course", "that's right", "that is right", "that's correct",
                "that's it", "that's the plan", "confirmed", "i confirm", "i can confirm",
                "i promise", "i will", "i'll do that", "will do", "sure")
# A question with one of these asks the customer to tell it all again.
ASKS_TO_EXPLAIN = ("what happened", "tell me", "explain", "describe", "go through", "remind me",
                   "details", "can you give", "could you give", "what is your", "what's your")
# A reply naming none of these, nothing the customer said, and no act is about something else.
ABOUT_THE_COMPLAINT = ("it", "its", "it's", "this", "that", "these", "those", "thing", "things",
                       "issue", "problem", "matter", "case", "complaint", "account", "order",
                       "payment", "money", "refund", "claim", "delivery", "booking", "situation")
