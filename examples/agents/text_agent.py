#!/usr/bin/env python3
"""A rule-based retail-support agent that speaks only free text, over rehearse's stdio protocol (PROTOCOL.md).

It plays the retail-support scenario by the book: it learns the procedures from the policy text the hello message
carries (the "## Procedures" lines: subflow names, ordered tool ids, "only if" conditions, the items each step asks
for) and the tools from their JSON schemas, reads the customer's request and answers from their text alone, and
walks the steps the way the built-in `by-the-book` agent does: ask for what the next step needs, call it, retry or
refuse on a failed check, apologise for the first demand for a human and transfer on the second, report the result,
ask "anything else?", close.

    python3 text_agent.py              text only: every utterance is {"say": TEXT}, read by rehearse's tagger
    python3 text_agent.py --with-acts  also names each utterance's act, slots, reason and intent (protocol 1)
    python3 text_agent.py --dump       also prints the procedures it parsed from the policy, to stderr

    rehearse run --scenario retail-support --agent 'cmd:python3 examples/agents/text_agent.py' \
        --episodes 10000 --out runs/text-agent --threads 2

Measured agreement with `by-the-book` (2026-12-03, default seed 7, 10,000 retail-support episodes, text only): the same
success verdict on 99.97% of episodes; 9,997 are the same move for move. The 3 that differ are username recoveries
verified without an email address: the username is then in no text the agent sees (by-the-book reads it from the
account lookup's value, which the tool's text does not show). The tagger read all 60,872 of its messages clearly (no
customer asked what it meant). Its customer cues were written from transcripts of rehearse's own customers: it
understands them, not real people.

Standard library only. Nothing here reads rehearse's source or data files; everything the agent knows about the
scenario comes from the protocol messages, plus the small hand-written tables below (each says what it is for).
"""
import json
import re
import sys

# ---------------------------------------------------------------------------------------------------------------
# Hand-written knowledge: how customers say things. Each table is a list of cue phrases; a customer message matches
# a cue when the cue's words appear in it in order (typos of one letter aside, see `fuzzy_eq`).
# ---------------------------------------------------------------------------------------------------------------

# What the customer's message does, besides giving values, checked in this order (first match wins).
CUSTOMER_CUES = [
    ("leave", ["forget it", "go elsewhere", "taking too long", "i give up", "never mind", "try another time"]),
    ("demand_human", ["real person", "speak to a manager", "get me a human", "supervisor"]),
    ("thank_bye", ["that's all", "that's it", "that's everything", "i'm all set", "nothing else",
                   "whatever bye"]),
    ("insist", ["make an exception", "really really nicely", "check again", "other stores let you",
                "not acceptable"]),
    ("ask_why", ["why can't you", "tell me why", "what's the reason", "why what's the problem"]),
    ("works", ["that worked", "works now", "that did it", "sorted it out"]),
    ("dont_know", ["don't remember", "with me right now", "not sure about", "i don't know"]),
]

# How customers put each request (the subflow ids of the hello's `intents`), as cue phrases.
INTENT_CUES = {
    "refund_initiate": ["refund for something i bought", "money back for an item", "request a refund",
                        "get a refund on my order"],
    "refund_update": ["asked for a refund earlier", "update a refund", "change my refund"],
    "refund_status": ["status of my refund"],
    "return_size": ["wrong size", "doesn't fit", "too small"],
    "return_color": ["color is not what i expected", "color looks nothing like", "don't like the color"],
    "return_stain": ["has a stain", "arrived with a stain", "came stained"],
    "recover_username": ["recover the username"],
    "recover_password": ["forgot my password", "remember my password", "reset my password"],
    "reset_2fa": ["two factor authentication", "reset my 2fa", "two step verification"],
    "manage_change_address": ["change the address on my account", "update my address", "update my shipping address"],
    "manage_change_name": ["change the name on my account", "my name is wrong", "update my last name"],
    "manage_change_phone": ["phone number on my account", "new phone number", "my phone number changed"],
    "manage_payment_method": ["change the payment method on my account", "switch my payment method",
                              "update how i pay"],
    "promo_code_invalid": ["says it's invalid", "promo code isn't working", "discount code i got doesn't work"],
    "promo_code_out_of_date": ["says it's expired", "it's out of date", "coupon code expired"],
    "bad_price_competitor": ["cheaper at another store", "a competitor is selling", "lower price somewhere else"],
    "bad_price_yesterday": ["bought something yesterday", "price dropped", "more than today's price"],
    "out_of_stock_one_item": ["one of the items i want is out of stock", "says out of stock when will it be back",
                              "but it's sold out"],
    "out_of_stock_general": ["so many items are out of stock"],
    "status_delivery_time": ["when my order will arrive", "until my package gets here", "check the delivery time"],
    "cost": ["question about shipping costs", "how much does shipping cost", "charged so much for shipping"],
    "status_service_added": ["remove a service that was added"],
    "status_service_removed": ["get back a service that was removed"],
    "status_shipping_question": ["free international shipping"],
    "status_credit_missing": ["credit that is missing"],
    "status_mystery_fee": ["unexpected fee removed"],
    "status_payment_method": ["change the payment method on my order"],
    "status_quantity": ["wrong quantity on my order"],
    "manage_upgrade": ["upgrade my order to overnight shipping"],
    "manage_downgrade": ["move my delivery to next week"],
    "manage_create": ["add another item to my existing order"],
    "manage_cancel": ["item that got ordered twice"],
    "mistimed_billing_already_returned": ["credit for a returned item"],
    "mistimed_billing_never_bought": ["bill for something never bought"],
    "status": ["check on my shipment after a confusing email"],
    "manage": ["change the address or the item on my shipment"],
    "missing": ["item that never arrived"],
    "boots": ["question about some boots"],
    "shirt": ["question about a shirt"],
    "jeans": ["question about a pair of jeans"],
    "jacket": ["question about a jacket"],
    "pricing": ["about the store's prices"],
    "membership": ["how membership at the store works"],
    "timing": ["dates and opening times"],
    "policy": ["about the store's policies"],
    "status_active": ["subscription is still active"],
    "status_due_amount": ["how much is due on my subscription"],
    "status_due_date": ["when my subscription payment is due"],
    "manage_pay_bill": ["pay my subscription bill"],
    "manage_extension": ["more time to pay my subscription"],
    "manage_dispute_bill": ["double charge on my subscription bill"],
    "credit_card": ["credit card accepted on the site"],
    "shopping_cart": ["items into my shopping cart"],
    "search_results": ["site search to find things"],
    "slow_speed": ["website to load at a normal speed"],
}

# The order identity items are asked in, when a step needs several and any will do (name and account first).
ASK_ORDER = ["full_name", "account_id", "username", "email", "phone", "zip_code", "order_id", "pin_number",
             "security_answer", "membership_level", "street_address", "full_address", "payment_method", "amount",
             "reason", "product", "refund_method", "order_option", "new_value", "days"]

# Words a procedure note uses for a tool parameter that its schema description does not contain.
PARAM_SYNONYMS = {"product": ["item", "brand", "type"], "heard_from": ["heard"]}

# What a tool's reported value is, when its result text does not name it ("select-faq: done ..., value entry 8"):
# the FAQ answer, and the amount due that the subscription lookup reports. Only needed to name slots in --with-acts.
REPORTED_SLOT = {"select-faq": "faq_answer", "subscription-status": "payment_amount"}

# How a reported value that no tool parameter describes is said to the customer.
REPORT_NOUNS = {"faq_answer": "the answer to your question", "subscription_status": "the status of your subscription",
                "due_in": "the time until your payment is due"}

# What to say once the last step is done, by the last tool that changed something.
RESULT_LINES = {
    "offer-refund": "Your refund has been processed; it should show up in 3-5 business days.",
    "update-order": "Your order has been updated.",
    "update-account": "Your account has been updated.",
    "make-password": "Your password has been reset, so you can log in with the new one now.",
    "send-link": "A link has been sent to your email.",
    "promo-code": "A new promo code has been issued to your account.",
    "make-purchase": "Your order has been placed.",
    "notify-team": "The team has been notified and they'll follow up with you.",
}


# ---------------------------------------------------------------------------------------------------------------
# Words and fuzzy matching.
# ---------------------------------------------------------------------------------------------------------------

def words(text):
    """Lower-case runs of letters and digits ("don't" is "don", "t")."""
    return re.findall(r"[a-z0-9]+", text.lower())


def fuzzy_eq(said, cue):
    """Whether `said` is `cue`, or `cue` with one typo of the kinds customers make (a letter dropped, doubled, or
    swapped with its neighbour, never the first); words under three letters must match exactly."""
    if said == cue:
        return True
    if len(cue) < 3 or not said or said[0] != cue[0] or abs(len(said) - len(cue)) > 1:
        return False
    if len(said) == len(cue) - 1:
        return any(cue[:i] + cue[i + 1:] == said for i in range(1, len(cue)))
    if len(said) == len(cue) + 1:
        return any(said[:i] + said[i + 1:] == cue for i in range(1, len(said)))
    diff = [i for i in range(len(cue)) if said[i] != cue[i]]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and said[diff[0]] == cue[diff[1]] and said[diff[1]] == cue[diff[0]]


def has_cue(tokens, cue_tokens):
    """Whether the cue's words occur in `tokens` contiguously, typos aside."""
    n = len(cue_tokens)
    for start in range(len(tokens) - n + 1):
        if all(fuzzy_eq(tokens[start + k], cue_tokens[k]) for k in range(n)):
            return True
    return False


def first_cue(tokens, table):
    for name, cues in table:
        if any(has_cue(tokens, words(cue)) for cue in cues):
            return name
    return None


def classify_intent(tokens, intents):
    """The request the customer states, by the longest cue it contains; None for a vague opening."""
    best, best_len = None, 0
    for intent in intents:
        for cue in INTENT_CUES.get(intent, []):
            cue_tokens = words(cue)
            if len(cue_tokens) > best_len and has_cue(tokens, cue_tokens):
                best, best_len = intent, len(cue_tokens)
    return best


# ---------------------------------------------------------------------------------------------------------------
# The scenario, learnt from the hello message: tools from their schemas, procedures from the policy text.
# ---------------------------------------------------------------------------------------------------------------

STOP = {"the", "a", "an", "of", "to", "my", "your", "customer", "customer's", "s", "for", "and", "or", "as",
        "it", "is", "written", "says", "their", "they", "how", "from", "with", "in", "on"}


class Tool:
    def __init__(self, schema):
        function = schema["function"]
        self.name = function["name"]
        self.description = function.get("description", "")
        parameters = function.get("parameters", {})
        self.params = list(parameters.get("properties", {}))
        self.descriptions = {}
        self.enums = {}
        for name, spec in parameters.get("properties", {}).items():
            # "the customer's full name, written as …" is asked as "your full name".
            noun = spec.get("description", "").split(",")[0]
            self.descriptions[name] = re.sub(r"^the customer's ", "your ", noun)
            if "enum" in spec:
                self.enums[name] = spec["enum"]
        required = parameters.get("required", [])
        at_least = re.search(r"at least (\d+)", self.description)
        self.min_args = int(at_least.group(1)) if at_least else max(len(required), 1 if self.params else 0)
        # A tool the customer works on their own device ("Asks the customer to do this on their own device").
        self.instruction = "own device" in self.description
        # A check of the records that takes no values ("Checks a condition on the customer's records"): when it
        # fails there is nothing to enter again, so the request is refused.
        self.condition_check = not self.params and self.description.startswith("Checks")


class Step:
    def __init__(self, tool, args, min_args, when=("always",), optional=False):
        self.tool = tool
        self.args = args
        self.min_args = min_args
        self.when = when
        self.optional = optional

    def __repr__(self):
        return f"{self.tool}{self.args}/{self.min_args}{'' if self.when == ('always',) else self.when}" + \
            ("?" if self.optional else "")


class Procedure:
    def __init__(self, steps, discloses):
        self.steps = steps
        # ("tool", T): read out what T reports; ("username",): tell them their username.
        self.discloses = discloses
        # Steps that branch on a tool's answer: that tool's failure is an answer, not a refusal.
        self.branch_tools = {step.when[1] for step in steps if step.when[0] in ("passed", "failed")}
        # An oracle whose "no" leaves no step to take (all that follow need its yes) refuses the request.
        oracle_at = next((i for i, s in enumerate(steps) if s.tool == "ask-the-oracle"), None)
        later = steps[oracle_at + 1:] if oracle_at is not None else []
        self.oracle_no_ends = bool(later) and all(s.when == ("oracle", True) for s in later)


class Scenario:
    def __init__(self, hello):
        self.tools = {schema["function"]["name"]: Tool(schema) for schema in hello["tools"]}
        self.intents = hello["intents"]
        self.policy = hello["policy"]
        self.limits = []  # (tool, param, max, approval tool)
        self.procedures = {}
        self.parse_policy()

    # -- parsing helpers ----------------------------------------------------------------------------------------

    def param_for(self, tool, chunk, intent):
        """The parameter of `tool` a note's chunk ("full name", "the item") names, or None."""
        chunk_words = set(words(chunk)) - STOP
        if not chunk_words:
            return None
        best, best_score = None, 0.0
        for param in tool.params:
            vocab = set(words(tool.descriptions[param])) | set(param.split("_")) | set(PARAM_SYNONYMS.get(param, []))
            vocab -= STOP
            score = len(chunk_words & vocab)
            if score and intent and set(intent.split("_")) & set(param.split("_")):
                score += 0.5  # "the customer's exact question" is the question about this intent's topic
            if score > best_score:
                best, best_score = param, score
        return best

    def args_from_note(self, tool, note, intent):
        """The parameters (and how many are needed) a step's note lists, or None if it lists none."""
        out_of = re.search(r"(\d+) out of (\d+)", note)
        note = re.sub(r"\"[^\"]*\"", "", note) if ":" in note else note
        if ":" in note:
            note = note.rsplit(":", 1)[1]
        note = re.sub(r"\([^)]*\)", "", note)
        # Enum values named: "('competitor' or 'yesterday')", "(email, spouse or news)".
        best, best_cover = None, 0.0
        note_words = set(words(note))
        for param, values in tool.enums.items():
            hits = sum(1 for value in values if set(words(value)) - STOP and set(words(value)) - STOP <= note_words)
            cover = hits / len(values)
            if hits >= 2 and cover > best_cover:
                best, best_cover = param, cover
        if best:
            return [best], 1
        chunks = [c for c in re.split(r";", note) if not re.search(r"\bonly\b|optional|\bnot\b|'\w[^']*'", c)]
        params = []
        alternatives = False
        for chunk in chunks:
            alternatives |= bool(re.search(r"\bor\b", chunk))
            for part in re.split(r",|\band\b|\bor\b|<|>|\+", chunk):
                param = self.param_for(tool, part, intent)
                if param and param not in params:
                    params.append(param)
        if not params:
            subject = re.search(r"the (current|new) value", note)
            if subject:
                return None if subject.group(1) == "current" else (["new_value"], 1)
            return None
        if out_of:
            return params, int(out_of.group(1))
        return params, 1 if alternatives else len(params)

    def subject_param(self, tool, intent):
        """The parameter an account change is about ("the current value"), by the words of the request's id."""
        intent_words = set(intent.split("_"))
        for param in tool.params:
            if set(param.split("_")) & intent_words - {"manage", "change"}:
                return param
        return None

    def parse_policy(self):
        text = self.policy.split("## Procedures", 1)[1]
        general = {}
        for tool, note in re.findall(r"`([\w-]+)` takes ([^.]*)\.", text.split("###", 1)[0]):
            general[tool] = note
        lines = []  # (names, body, section defaults, sub-bullet notes)
        section = dict(general)
        for raw in text.splitlines():
            if raw.startswith("### "):
                section = dict(general)
            elif raw.startswith("For every subflow here"):
                for tool, note in re.findall(r"`([\w-]+)` takes ([^.]*)\.", raw):
                    section[tool] = note
            elif raw.startswith("- ") and ": " in raw and "`" in raw.split(": ", 1)[1]:
                names, body = raw[2:].split(": ", 1)
                lines.append([names, body, section, {}])
            elif raw.startswith("  - ") and lines:
                # "For `verify-identity`, "They must provide 3 out of 7 of the items below": …"
                spec = re.match(r"\s+- For `([\w-]+)`, (.*)", raw)
                if spec:
                    lines[-1][3][spec.group(1)] = spec.group(2)
        limit = re.search(r"over \$(\d+) needs[^`]*`([\w-]+)` before `([\w-]+)`", self.policy)
        if limit:
            limited = self.tools[limit.group(3)]
            self.limits.append((limited.name, limited.params[0], float(limit.group(1)), limit.group(2)))
        self.match_names(lines)

    def match_names(self, lines):
        """Which policy line each intent id follows: a line's names ("Return Due to Size / Color / Stain") are
        matched to ids by their words, the closest pairs first."""
        candidates = []  # (score, intent, line index)
        claimed = {}
        for idx, (names, _, _, _) in enumerate(lines):
            listed = re.search(r"\(([^)]*)\)", names)
            if listed:
                for intent in words(listed.group(1)):
                    if intent in self.intents:
                        claimed[intent] = idx
                continue
            parts = [p.strip() for p in names.split(" / ")]
            head = parts[0].split()
            for k, part in enumerate(parts):
                name = part if k == 0 else " ".join(head[:-1] + [part])
                name_words = set(words(name.replace("-", " ")))
                for intent in self.intents:
                    intent_words = set(intent.split("_"))
                    score = len(name_words & intent_words) / len(name_words | intent_words)
                    if score > 0:
                        candidates.append((score, intent, idx, name))
        used_names = set()
        for score, intent, idx, name in sorted(candidates, key=lambda c: -c[0]):
            if intent in claimed or (idx, name) in used_names:
                continue
            claimed[intent] = idx
            used_names.add((idx, name))
        for intent, idx in claimed.items():
            self.procedures[intent] = self.parse_steps(intent, *lines[idx][1:])

    def parse_steps(self, intent, body, section, notes):
        """The steps of one procedure line, in order, with their items and conditions."""
        steps = []
        # Tool mentions outside brackets are steps; each has the text up to the next one.
        depth, mentions = 0, []
        for match in re.finditer(r"\(|\)|`([\w-]+)`", body):
            token = match.group(0)
            if token == "(":
                depth += 1
            elif token == ")":
                depth = max(depth - 1, 0)
            elif depth == 0 and match.group(1) in self.tools:
                # A step follows an arrow, a colon, a semicolon, a comma, "or" or "any order of"; a tool named in
                # a sentence ("Read out what `subscription-status` reports") is not one.
                before = body[mentions[-1].end() if mentions else 0:match.start()]
                for _ in range(2):  # brackets nest once at most: ("… (they ask again)")
                    before = re.sub(r"\([^()]*\)", "", before)
                before = before.rstrip()
                if not mentions or re.search(r"(→|:|;|,|\bor|any order of)$", before):
                    mentions.append(match)
        # "the topic toggle (`search-boots`, …)": the toggle named after this request.
        toggle = re.search(r"the topic toggle \(([^)]*)\)", body)
        sticky_unsatisfied = False
        any_order = "any order of" in body
        last_named = None
        for k, match in enumerate(mentions):
            pre = body[mentions[k - 1].end():match.start()] if k else body[:match.start()]
            post = body[match.end():mentions[k + 1].start()] if k + 1 < len(mentions) else body[match.end():]
            if toggle and toggle.start() > match.end() and (k + 1 == len(mentions) or
                                                            toggle.start() < mentions[k + 1].start()):
                post = body[match.end():toggle.start()]
            tool = self.tools[match.group(1)]
            note_match = re.match(r"\s*\(((?:[^()]|\([^)]*\))*)\)", post)
            note = note_match.group(1) if note_match else ""
            cond_text = note + " " + (post[note_match.end():] if note_match else post)
            if re.search(r"\bOnly\b[^`]*(not satisfied|keeps? pushing|ask again|still unhappy)", pre):
                sticky_unsatisfied = True
            when = ("always",)
            # "Optional Step" may be left out, and is (as by-the-book does); so is a lookup needed "only when the
            # customer does not know" a value they come knowing.
            optional = bool(re.search(r"optional", note, re.I)) or "does not know" in note
            if sticky_unsatisfied or re.match(r"\s*(\([^)]*\))?\s*only\b.*(not satisfied|keeps? pushing|still unhappy)",
                                              post, re.I):
                when = ("unsatisfied",)
            elif re.search(r"only if oracle yes", cond_text):
                when = ("oracle", True)
            elif re.search(r"only if oracle no", cond_text):
                when = ("oracle", False)
            else:
                cond = re.search(r"only if (`([\w-]+)`|it) (said no|passed)", cond_text)
                if cond:
                    named = cond.group(2) or last_named or steps[-1].tool
                    when = ("failed" if cond.group(3) == "said no" else "passed", named)
                    last_named = named
                elif any_order:
                    # "Stop as soon as the customer says it works."
                    when = ("unfixed",)
                # Otherwise ("only for bronze and guest members") the condition is on the world, which the agent
                # cannot see: the step is taken.
            args, min_args = self.step_args(tool, note, intent, section, notes)
            steps.append(Step(tool.name, args, min_args, when, optional))
            if toggle and match.end() < toggle.start() and (k + 1 == len(mentions) or
                                                            mentions[k + 1].start() > toggle.start()):
                chosen = [t for t in re.findall(r"`([\w-]+)`", toggle.group(1)) if intent in t.split("-")]
                for name in chosen:
                    steps.append(Step(name, [], 0))
        discloses = None
        reads_out = re.search(r"Read out what `([\w-]+)` reports", body)
        if reads_out:
            discloses = ("tool", reads_out.group(1))
        elif "explain the answer" in body:
            discloses = ("tool", steps[-1].tool)
        elif re.search(r"tell them their username", body):
            discloses = ("username",)
        return Procedure(steps, discloses)

    def step_args(self, tool, note, intent, section, notes):
        if not tool.params:
            return [], 0
        if len(tool.params) == 1:
            return list(tool.params), 1
        for source in (note, notes.get(tool.name), section.get(tool.name)):
            if source:
                found = self.args_from_note(tool, source, intent)
                if found:
                    return found
                if source is note and re.search(r"the current value", note):
                    return [self.subject_param(tool, intent)], 1
        return list(tool.params), tool.min_args


# ---------------------------------------------------------------------------------------------------------------
# Reading values out of a customer's message.
# ---------------------------------------------------------------------------------------------------------------

PATTERNS = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]+",
    "phone": r"\(\d{3}\) \d{3}-\d{4}",
    "order_id": r"(?<![\d$.,])\d{10}(?![\d])",
    "account_id": r"\b(?=[0-9A-Z]*[A-Z])[0-9A-Z]{10}\b",
    "username": r"\b[a-z]+\d{3}\b(?!@)",
    "full_name": r"\b[A-Z][a-z]+ [A-Z][a-z]+\b",
    "full_address": r"\b\d{1,5} [a-z0-9 ]+?, [a-z .]+?, [a-z]{2} \d{5}\b",
    "street_address": r"\b\d{1,5} [a-z0-9]+(?: [a-z0-9]+)?(?=\s*(?:[,.!?;]|$|\band\b))",
    "zip_code": r"(?<![\d$.,-])\d{5}(?![\d])",
    "pin_number": r"(?<![\d$.,-])\d{4}(?![\d])",
    "money": r"\$[\d,]+(?:\.\d{2})?",
    "days": r"\b\d+ days?\b",
}

# Capitalised words around a security answer that are not one: openers, labels and pleasantries.
NOT_ANSWERS = {"sure", "ok", "okay", "yes", "no", "nope", "of", "let", "hope", "thanks", "is", "my", "security",
               "answer", "i", "it", "the", "oh", "alright", "well", "hmm", "um", "look", "honestly", "that", "thank",
               "hi", "hello", "hey", "so", "sorry", "wait", "understood", "deal", "great", "done", "fine", "huh"}


class Reader:
    """Finds the values a customer gives for the slots they were asked."""

    def __init__(self, scenario):
        self.enums = {}
        for tool in scenario.tools.values():
            for param, values in tool.enums.items():
                self.enums.setdefault(param, [])
                for value in values:
                    if value not in self.enums[param]:
                        self.enums[param].append(value)

    def kind(self, slot, subject):
        """The form a slot's values take."""
        if slot == "new_value":
            return self.kind(subject or "full_name", None)
        if slot in self.enums:
            return "enum"
        if slot in ("amount", "payment_amount"):
            return "money"
        if slot in ("days", "days_waited"):
            return "days"
        return slot

    def read(self, text, asked, subject):
        """The asked slots' values in `text`, as written."""
        found = {}
        kinds = {slot: self.kind(slot, subject) for slot in asked}
        # Every span that reads as a value: of the kinds asked, and of the kinds that are unmistakable whether asked
        # or not (so a zip code inside an address or a PIN inside an order ID is not read on its own). Longer spans
        # win; on a tie, the kind asked for.
        spans = []
        for kind in sorted(set(kinds.values()) | {"full_address", "email", "phone", "order_id", "account_id"}):
            if kind in PATTERNS:
                for match in re.finditer(PATTERNS[kind], text):
                    spans.append((match.end() - match.start(), kind in kinds.values(), match.start(), match.end(), kind))
        taken = []
        for _, _, start, end, kind in sorted(spans, key=lambda span: (-span[0], not span[1], span[2], span[4])):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            for slot, slot_kind in kinds.items():
                if slot_kind == kind and slot not in found:
                    found[slot] = text[start:end].strip()
                    break

        def free(start, end):
            return all(end <= s or start >= e for s, e in taken)

        for slot, kind in kinds.items():
            if slot in found:
                continue
            if kind == "enum":
                values = self.enums[slot if slot != "new_value" else subject]
                for value in sorted(values, key=len, reverse=True):
                    match = re.search(r"(?<![a-z])" + re.escape(value) + r"(?![a-z])", text, re.I)
                    if match and free(*match.span()):
                        found[slot] = match.group(0)
                        taken.append(match.span())
                        break
            elif kind == "security_answer":
                # A single capitalised word that ends its clause ("Alexander", "answer: Alexander, thanks"); the
                # words around it may be misspelt, the value never is.
                for match in re.finditer(r"\b[A-Z][a-z]+\b(?=\s*(?:[,.!?]|$))", text):
                    word = match.group(0).lower()
                    if free(*match.span()) and not any(fuzzy_eq(word, other) for other in NOT_ANSWERS):
                        found[slot] = match.group(0)
                        taken.append(match.span())
                        break
        return found


# ---------------------------------------------------------------------------------------------------------------
# One episode: the case as the agent sees it, and its next move.
# ---------------------------------------------------------------------------------------------------------------

class Case:
    def __init__(self):
        self.intent = None
        self.known = {}          # slot -> value as the customer wrote it
        self.unknown = set()     # slots the customer does not know
        self.burned = set()      # slots of a failed check, until a check passes
        self.known_wrong = set() # slots whose value alone failed a check
        self.done = set()        # step indexes done
        self.oracle = None
        self.pending = None      # (step index, slots used) of the call in flight
        self.phase = "working"   # working, declined, asked_else
        self.demands = 0
        self.denials = 0
        self.deny_reason = None
        self.pushed = False
        self.reported = False
        self.username = None     # from the email the customer gave, once their identity is verified
        self.succeeded = set()
        self.approvals_tried = set()
        self.last_passed = set()
        self.last_failed = set()
        self.reported_values = {}  # tool -> (slot, value) it reported
        self.fixed = False
        self.asked = []          # the slots of the agent's last question


class Agent:
    def __init__(self, hello, with_acts):
        self.scenario = Scenario(hello)
        self.reader = Reader(self.scenario)
        self.with_acts = with_acts
        self.cases = {}

    # -- reading the customer -----------------------------------------------------------------------------------

    def subject(self, case):
        """For an account change, the slot being changed (what `new_value` looks like)."""
        if case.intent is None:
            return None
        for step in self.scenario.procedures[case.intent].steps:
            if step.tool == "record-reason" and len(step.args) == 1:
                return step.args[0]
        return None

    def hear(self, case, text):
        """What the customer's message does: (kind, the values it gives, the request it states)."""
        tokens = words(text)
        if case.asked:
            values = self.reader.read(text, case.asked, self.subject(case))
            if values:
                return "inform", values, None
        kind = first_cue(tokens, CUSTOMER_CUES)
        if kind == "dont_know" and not case.asked:
            kind = None
        intent = None
        if kind in (None, "insist") and case.intent is None:
            # An opening, or a request pressed again, names what the customer wants.
            intent = classify_intent(tokens, self.scenario.intents)
            kind = kind or ("state_need" if intent else None)
        return kind, None, intent

    def observe(self, case, obs):
        """Takes in the customer's message and the last tool result; returns the call feedback."""
        heard = None
        if obs.get("customer"):
            heard, value, intent = self.hear(case, obs["customer"])
            case.intent = case.intent or intent
            if heard == "insist":
                case.pushed = True
            elif heard == "inform":
                for slot, given in value.items():
                    case.known[slot] = given
                    case.unknown.discard(slot)
            elif heard == "dont_know":
                case.unknown |= set(case.asked)
            elif heard == "demand_human":
                case.demands += 1
            elif heard == "works":
                case.fixed = True
        feedback = None
        result = obs.get("tool_result")
        if result:
            tool, passed = result["name"], bool(result["passed"])
            reported = re.search(r", (?:value|(\w+)) (.+)\.$", result.get("text") or "")
            if reported and passed:
                slot = reported.group(1) or REPORTED_SLOT.get(tool)
                case.reported_values[tool] = (slot, reported.group(2))
            if passed:
                case.succeeded.add(tool)
                case.last_passed.add(tool)
                case.last_failed.discard(tool)
            else:
                case.last_failed.add(tool)
                case.last_passed.discard(tool)
            if case.pending is not None:
                step_idx, used = case.pending
                case.pending = None
                procedure = self.scenario.procedures[case.intent]
                step = procedure.steps[step_idx]
                if tool == "ask-the-oracle":
                    case.oracle = passed
                if tool == "verify-identity" and passed and "email" in case.known:
                    # An account's email address is its username at the store's mail domain
                    # ("cminh730@email.com"): the only place the agent can read the username from.
                    case.username = case.known["email"].split("@")[0]
                if tool == "ask-the-oracle" or tool in procedure.branch_tools:
                    case.done.add(step_idx)
                    feedback = "passed"
                elif passed:
                    case.done.add(step_idx)
                    case.burned = set()
                    feedback = "passed"
                else:
                    case.burned |= used
                    if len(used) == 1:
                        case.known_wrong |= used
                    feedback = ("failed", step_idx)
        return heard, feedback

    # -- deciding -----------------------------------------------------------------------------------------------

    def applies(self, case, when):
        kind = when[0]
        if kind == "always":
            return True
        if kind == "oracle":
            return case.oracle == when[1]
        if kind == "passed":
            return when[1] in case.last_passed
        if kind == "failed":
            return when[1] in case.last_failed
        if kind == "unsatisfied":
            return case.pushed
        if kind == "unfixed":
            return not case.fixed
        return True

    def can_gather(self, case, step):
        usable = [s for s in step.args if s not in case.unknown | case.burned | case.known_wrong]
        return len(usable) >= min(step.min_args, len(step.args))

    def deny(self, case, reason):
        case.phase = "declined"
        case.denials += 1
        case.deny_reason = reason or case.deny_reason
        return ("say", "deny", case.deny_reason)

    def decide(self, case, heard, feedback):
        if heard in ("thank_bye", "leave"):
            return ("say", "close")
        if case.demands >= 2:
            return ("say", "transfer")
        if heard == "demand_human":
            return ("say", "apologize")
        if heard == "ask_why" and case.denials > 0:
            return self.deny(case, None)
        procedure = self.scenario.procedures.get(case.intent) if case.intent else None
        if case.phase == "asked_else" and heard == "insist" and case.denials == 0 and procedure:
            more = any(step.when == ("unsatisfied",) and not step.optional and idx not in case.done
                       for idx, step in enumerate(procedure.steps))
            if more:
                case.phase = "working"
                case.reported = False
        if case.phase == "asked_else":
            if heard != "insist":
                return ("say", "close")
            if 0 < case.denials < 2:
                return self.deny(case, None)
            return ("say", "transfer")
        if case.phase == "declined":
            if heard == "insist":
                return self.deny(case, None) if case.denials < 2 else ("say", "transfer")
            case.phase = "asked_else"
            return ("say", "anything_else")
        if procedure is None:
            return ("say", "ask_need")
        steps = procedure.steps
        if isinstance(feedback, tuple):
            step = steps[feedback[1]]
            tool = self.scenario.tools[step.tool]
            # A failed check refuses when nothing can be entered again (a condition check, or every usable value
            # tried); what the customer could not do on their device is tried again.
            if not tool.instruction and (tool.condition_check or not self.can_gather(case, step)):
                return self.deny(case, step.tool)
        if procedure.oracle_no_ends and case.oracle is False:
            return self.deny(case, "ask-the-oracle")
        nxt = next(((idx, step) for idx, step in enumerate(steps)
                    if not step.optional and idx not in case.done and self.applies(case, step.when)), None)
        if nxt is None:
            if not case.reported:
                case.reported = True
                disclosure = self.disclosure(case, procedure)
                if disclosure:
                    return ("say", "disclose", disclosure)
                return ("say", "inform_result")
            case.phase = "asked_else"
            return ("say", "anything_else")
        idx, step = nxt
        unusable = case.burned | case.known_wrong
        have = [s for s in self.ordered(step.args) if s in case.known and s not in unusable]
        need = min(step.min_args, len(step.args))
        if len(have) >= need:
            args = {slot: case.known[slot] for slot in have[:4]}
            approval = self.approval_needed(case, step.tool, args)
            if approval == "refused":
                refused = next((t for t in self.scenario.tools if t in case.approvals_tried and t in case.last_failed),
                               None)
                return self.deny(case, refused)
            if approval:
                case.approvals_tried.add(approval)
                return ("call", approval, {})
            case.pending = (idx, set(args))
            return ("call", step.tool, args)
        if not self.can_gather(case, step):
            if step.tool in case.last_failed:
                return self.deny(case, step.tool)
            # A refusal must rest on a failed check: run it with what the customer could give.
            args = {slot: case.known[slot] for slot in have[:4]}
            case.pending = (idx, set(args))
            return ("call", step.tool, args)
        candidates = [s for s in self.ordered(step.args) if s not in case.known and s not in case.unknown
                      and s not in unusable]
        ask = candidates[:min(need - len(have), 3)]
        return ("say", "ask", ask)

    def ordered(self, slots):
        return sorted(slots, key=lambda s: ASK_ORDER.index(s) if s in ASK_ORDER else len(ASK_ORDER))

    def approval_needed(self, case, tool, args):
        """None if no limit stands in the way; else the approval tool to press, or "refused"."""
        for limited, param, maximum, approval in self.scenario.limits:
            if limited != tool or param not in args or approval in case.succeeded:
                continue
            amount = re.sub(r"[^\d.]", "", args[param])
            try:
                over = float(amount) > maximum
            except ValueError:
                over = False
            if over:
                return "refused" if approval in case.approvals_tried else approval
        return None

    def disclosure(self, case, procedure):
        """The facts to tell: [(slot, value)]."""
        if procedure.discloses is None:
            return None
        if procedure.discloses[0] == "username":
            return [("username", case.username)] if case.username else None
        tool = procedure.discloses[1]
        if (tool in case.last_passed or tool in case.last_failed) and tool in case.reported_values:
            return [case.reported_values[tool]]
        return None

    # -- speaking -----------------------------------------------------------------------------------------------

    def slot_phrase(self, slots, case):
        """The asked slots in the words of their schema descriptions: "your full name and account ID"."""
        nouns, previous = [], None
        for slot in slots:
            noun = self.noun(slot, case)
            determiner = noun.split(" ", 1)[0]
            # "your username, email address and order ID": a determiner is said once for a run of them.
            nouns.append(noun.split(" ", 1)[1] if determiner == previous else noun)
            previous = determiner
        if len(nouns) == 1:
            return nouns[0]
        return ", ".join(nouns[:-1]) + " and " + nouns[-1]

    def noun(self, slot, case):
        for tool in self.scenario.tools.values():
            if slot in tool.descriptions:
                noun = tool.descriptions[slot]
                break
        else:
            noun = slot.replace("_", " ")
        if slot == "new_value":
            subject = self.subject(case)
            if subject:
                # "the new address", "the new name", "the new phone number", "the new payment method".
                noun = "the new " + re.sub(r"your |street |full ", "", self.noun(subject, case))
        if noun.startswith(("the ", "your ")):
            return noun
        return "your " + noun

    def speak(self, case, plan):
        kind = plan[1]
        act = {"act": kind}
        if kind == "ask_need":
            say = "How can I help you today?"
        elif kind == "ask":
            say = f"Could I have {self.slot_phrase(plan[2], case)}?"
            act["slots"] = {slot: None for slot in plan[2]}
            case.asked = list(plan[2])
        elif kind == "deny":
            reason = plan[2]
            say = "I'm sorry, but I can't approve your request"
            say += f": our {reason} check says no." if reason else "."
            act["intent"] = case.intent
            if reason:
                act["reason"] = reason
        elif kind == "apologize":
            say = "I'm so sorry about the trouble, I understand it's frustrating."
        elif kind == "transfer":
            say = "Let me transfer you to a member of our team who can help further."
        elif kind == "anything_else":
            say = "Is there anything else I can help you with?"
        elif kind == "close":
            say = "Thanks for contacting us, have a great day!"
        elif kind == "disclose":
            parts = []
            act["slots"] = {}
            for slot, value in plan[2]:
                noun = REPORT_NOUNS.get(slot) or self.noun(slot, case)
                parts.append(f"{noun[0].upper()}{noun[1:]} is {value}.")
                act["slots"][slot] = value
            say = " ".join(parts)
            act["intent"] = case.intent
        else:  # inform_result
            say = self.result_line(case)
            act["intent"] = case.intent
        if kind != "ask":
            case.asked = []
        out = {"say": say}
        if self.with_acts:
            out.update(act)
        return out

    def result_line(self, case):
        if case.fixed:
            return "Great, I'm glad that's working for you now."
        procedure = self.scenario.procedures[case.intent]
        for step in reversed(procedure.steps):
            if step.tool in case.succeeded and step.tool in RESULT_LINES:
                return RESULT_LINES[step.tool]
        return "I've checked everything on my side, and that is how it stands."

    def act(self, obs):
        episode = obs["episode"]
        case = self.cases.setdefault(episode, Case())
        heard, feedback = self.observe(case, obs)
        plan = self.decide(case, heard, feedback)
        if plan[0] == "call":
            case.asked = []
            return {"call": plan[1], "arguments": plan[2]}
        return self.speak(case, plan)


def main():
    with_acts = "--with-acts" in sys.argv[1:]
    agent = None
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "hello":
            agent = Agent(message, with_acts)
            if "--dump" in sys.argv[1:]:
                for intent in agent.scenario.intents:
                    proc = agent.scenario.procedures.get(intent)
                    print(intent, proc and proc.steps, proc and proc.discloses, proc and proc.oracle_no_ends,
                          file=sys.stderr)
            reply = {"type": "hello", "protocol": 1, "name": "text-agent"}
        elif message["type"] == "turns":
            for episode in message["ended"]:
                agent.cases.pop(episode, None)
            reply = {"type": "actions", "actions": [agent.act(obs) for obs in message["batch"]]}
        else:
            continue
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
