"""The words that tell where a sentence starts in a speech transcript and which words are
fillers, as data for `spoken.py`: hesitations, the company 'like', 'so' and 'you know' keep when
they are words, what starts a sentence, what goes on from the word before."""

# Hesitations that are never words of the reply.
HESITATIONS = frozenset("um umm ummm uh uhh uhm er erm ah ahh hmm hm mm mmm mhm eh".split())
# 'you know', 'like' and 'so' are fillers unless the word beside them makes them words.
YOU_KNOW_KEPT_AFTER = frozenset("as if do don't did didn't let just what how".split())
LIKE_KEPT_AFTER = frozenset("would i'd you'd we'd they'd he'd she'd feel feels felt "
                            "feeling look looks looked looking sound sounds sounded seem seems "
                            "seemed just much more exactly don't didn't not really it's that's "
                            "feels".split())
# 'anything like that': 'like' after these only before what it compares with.
LIKE_BEFORE_KEPT_AFTER = frozenset("something anything nothing things everything".split())
COMPARED = frozenset("that this it the a an what".split())
PRONOUNS = frozenset("i you we they".split())
# 'so you can', 'so that we': a purpose, kept ('so you don't have to call again').
SO_KEPT_BEFORE_YOU = frozenset("you're you'll you've you'd".split())
PURPOSE_SUBJECTS = frozenset("you you're you'll you've you'd we i it they your".split())
SO_KEPT_BEFORE = frozenset(
    "much many far long sorry glad pleased happy bad sad upset angry annoyed late soon quickly "
    "frustrating frustrated worried worrying stressful stressed disappointing disappointed "
    "difficult hard awful sure grateful unfair wrong important annoying upsetting confusing "
    "exhausting distressing embarrassing infuriating maddening helpful kind lucky".split())
# After these words a clause goes on ('sorry that i...', 'everything we can'): no new sentence.
CONNECTIVES = frozenset(
    "and or but nor so because cause as if when whenever whether that which who whom whose what "
    "where how why than once until till unless though although while whereas since before after "
    "to for of in on at by with from into about without within through the a an my your our "
    "their his her its this these those every any some no each all both either neither not "
    "never".split())
PREPOSITIONS = frozenset("for of in on at by with from into about without within through before "
                         "after".split())
# 'i', 'we', "i'll"... are never the object of a preposition: one before them ends a clause.
NOMINATIVE = frozenset("i we i'll i've i'm i'd we'll we've we're we'd".split())
NO_BREAK_AFTER = CONNECTIVES | frozenset(
    "can could would will shall should may might must be being know knew think thought sure hope "
    "understand understood appreciate believe feel felt afraid guess mean meant promise promised see saw say said tell told "
    "realise realize realised realized notice noticed confirm confirmed check checked ensure "
    "make made glad pleased happy worried sorry apologise apologize worry just also really "
    "actually even only still else anything something everything nothing way time reason thing "
    "day moment let most best least more".split())
# 'you were told | it's your fault' is not a new sentence: what someone said or thought.
SAYING = frozenset("said told says tells saying telling claimed claims thought thinks think "
                   "suggested implied insisted heard hear mentioned".split())
NO_BREAK_AFTER = NO_BREAK_AFTER | SAYING
PREPOSITIONS_BLOCKING = NO_BREAK_AFTER - PREPOSITIONS - {"to"}
# Words that start a sentence of their own; 'you', 'it', 'they', 'this', 'there' only with a verb.
STARTERS = frozenset("i'll i've i'm i'd we we'll we've we're we'd you'll you're you've it'll "
                     "it's that's there's they'll they're they've let's thank thanks please "
                     "unfortunately apologies sorry".split())
SUBJECTS = frozenset("i we you it they this there here".split())
WH = frozenset("how what why where when who which whether".split())
# A question starts with these pairs of words ('is there', 'does that', 'would you').
QUESTIONS = {"is": frozenset("there that this everything anything".split()),
             "does": frozenset("that this it everything anything".split()),
             "would": frozenset("that this you it".split()), "could": frozenset({"you"}),
             "can": frozenset("you i we".split()), "shall": frozenset("i we".split()),
             "do": frozenset({"you"}), "did": frozenset({"you"}),
             "have": frozenset("you i".split()), "are": frozenset({"you"}),
             "how": frozenset("does is are about would can".split()),
             "what": frozenset("else time day would do can".split())}
LEAD_INS = frozenset("and so but then okay ok now right well".split())
# Before a bare subject these ask a question ('did you', 'can i'): no new sentence.
AUXILIARIES = frozenset("do does did is are was were have has had am been can could would will "
                        "shall should may might must".split())
# A relative clause after these goes on without 'that' ('anything else i can do').
HEADS = frozenset("anything something everything nothing all else".split())
CONDITIONS = frozenset("if unless once".split())
HEAD_REACH = 4  # words back to look for such a head
# A sentence may start with a noun phrase: one of these, at most PHRASE_WORDS words, a verb.
DETERMINERS = frozenset("the your our my".split())
PHRASE_WORDS = 5
PHRASE_VERBS = frozenset("will would can could should must won't can't is isn't was wasn't "
                         "has hasn't have haven't are aren't were weren't needs".split())
CONDITION_REACH = 10  # words back to look for the 'if' of a condition
# Statements a condition before them may belong to ('if it hasn't arrived i'll...').
STATEMENT_STARTS = frozenset("i i'll i'd we we'll we'd you'll it'll they'll".split())
VERBS = frozenset("will would can could should shall must may might won't can't don't didn't "
                  "doesn't isn't wasn't do did does have has had are is was were need needs "
                  "get got".split())
SORRY_KEPT_AFTER = frozenset("i'm am so really very truly terribly deeply awfully genuinely "
                              "incredibly extremely be was is are were i we're we just".split())
# Said to open or close a turn, these stand as a sentence of their own ('hi sam', 'apologies').
GREETINGS = frozenset("hi hello hey dear morning afternoon evening".split())
COURTESIES = frozenset("sorry apologies thanks cheers".split())
OBJECTS = frozenset("you me us him her them".split())
# A pronoun and its short forms: after 'you know', a new clause ('if you know | you'd rather').
PRONOUN_FORMS = frozenset("i i'll i've i'm i'd we we'll we've we're we'd you you'll you're you've "
                          "you'd it it's it'll they they'll they're they've they'd he he's she "
                          "she's".split())
# 'so you can...' says what for after a verb; these verbs after 'so you' make it a purpose.
PURPOSE_VERBS = frozenset("can can't don't won't have need get are will do feel aren't "
                          "never".split())
# Before these, a comma in typed text when a clause follows (', and i'll ring you').
JOINING = frozenset("and but so since because then".split())
# A clause said without a verb, after a noun: ', nothing wrong on your side', ', no charge'.
NEGATIVE_OPENERS = frozenset("nothing none nobody never no".split())
# After these, a noun has ended rather than a verb wanting an object ('the ticket | nothing
# wrong'): verbs and the words that lead to an object are left out by this test.
VERBISH = frozenset("do does did done doing have has had having get got gets getting say said "
                    "see saw seen hear heard know knew want wanted need needed pay paid owe owed "
                    "found find make made give gave given take took taken there it's that's "
                    "is was are were be been am oh ah well yes yeah okay ok".split())
# 'beyond that | i can't...', 'apart from that | we...': 'that' here ends a phrase.
THAT_ENDS_AFTER = frozenset("beyond besides from than after before like about on of".split())
