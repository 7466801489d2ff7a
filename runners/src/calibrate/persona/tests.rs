//! Reactions counted by hand from the customer-text fixture, and a fitted persona file that loads with them.

use std::path::Path;

use sim_core::act::ActKind;
use sim_core::spec::{Chance, Response};

use super::{MIN_ROW, Reactions, persona_file, reactions};
use crate::customer_text::{DEFAULT_TAGGER, prepare, rules};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../calibration-data/fixtures/customer-text/star-hotel.jsonl"
);

/// The fixture's three conversations (two of hotel_book, one of weather), message by message: h1 opens "yo" and w1 "hey" (vague), h2 "I
/// want to book a hotel room" (a need); the needs of h1 and w1 answer the wizard's "hello" (asking what they need); eight answers to
/// questions give values (h1 four, h2 two, w1 two); "kthx" takes in a result (the booking), "oh well, kthx anyway" a
/// refusal (hotel_unavailable, "no room available") and "sweet" a disclosure (the forecast); "ya book it" takes the
/// offer; the three answers to "anything else?" say goodbye.
#[test]
fn the_fixtures_reactions_as_counted_by_hand() {
    let conversations = crate::calibrate::tests::star_hotel_fixture();
    let counted = reactions(&conversations, &rules());
    assert_eq!(counted.openings, (2, 1));
    assert_eq!(counted.needs, (0, 3), "no need in the fixture names its hotel or days");
    assert_eq!(counted.unanswered, (0, 3), "the wizard answers every conversation");
    let by_intent: Vec<(&str, u64)> =
        counted.conversations_of.iter().map(|(label, n)| (label.as_str(), *n)).collect();
    assert_eq!(by_intent, [("hotel_book", 2), ("weather", 1)]);
    let answers = |agent: ActKind| -> Vec<(ActKind, u64)> {
        counted
            .answers
            .get(&agent)
            .map_or(Vec::new(), |row| row.iter().map(|(a, n)| (*a, *n)).collect())
    };
    assert_eq!(answers(ActKind::Ask), [(ActKind::Inform, 8)]);
    assert_eq!(answers(ActKind::InformResult), [(ActKind::Acknowledge, 1)]);
    assert_eq!(answers(ActKind::Deny), [(ActKind::Acknowledge, 1)]);
    assert_eq!(answers(ActKind::Disclose), [(ActKind::Acknowledge, 1)]);
    assert_eq!(answers(ActKind::AskNeed), [(ActKind::StateNeed, 2)]);
    assert_eq!(answers(ActKind::Offer), [(ActKind::Accept, 1)]);
    assert_eq!(answers(ActKind::AnythingElse), [(ActKind::ThankBye, 3)]);
    assert!(counted.unread.is_empty(), "{:?}", counted.unread);
}

#[test]
fn a_fitted_persona_loads_with_its_shares_and_keeps_the_rest_of_its_base() {
    let mut counted =
        Reactions { openings: (1, 3), needs: (1, 4), unanswered: (1, 8), ..Reactions::default() };
    let ask = counted.answers.entry(ActKind::Ask).or_default();
    // 30 answers and 10 asides; taking an offer is no answer to a question a table can give, so it is left out.
    ask.insert(ActKind::Inform, 30);
    ask.insert(ActKind::OffTopic, 10);
    ask.insert(ActKind::Accept, 5);
    // After a result, 15 take it in and 5 give values nobody asked for ("what about Sunday?"), an aside.
    let result = counted.answers.entry(ActKind::InformResult).or_default();
    result.extend([(ActKind::Acknowledge, 15), (ActKind::Inform, 5)]);
    // Offers: 30 taken, 5 declined, 15 asides; whether they take it is the built-in model's, the asides' share is
    // fitted: 15 of 50.
    let offer = counted.answers.entry(ActKind::Offer).or_default();
    offer.extend([(ActKind::Accept, 30), (ActKind::Reject, 5), (ActKind::OffTopic, 15)]);
    // After a forecast, 6 ask the same about another day, 9 take it in, 3 talk of something else: asking again is
    // 6 of 18; the rest are too few for a row.
    let disclose = counted.answers.entry(ActKind::Disclose).or_default();
    disclose.extend([(ActKind::StateNeed, 6), (ActKind::Acknowledge, 9), (ActKind::OffTopic, 3)]);
    // 10 weather conversations told a forecast: 3 asked nothing more, 4 asked again once, 2 twice, 1 three times or
    // more. After the first forecast 7 of 10 asked again, after the second 3 of 7, after the third 1 of 3.
    counted.told = [3, 4, 2, 1];
    // First needs by intent: 25 weather needs, 20 with values, are enough for a share of their own; 5 of hotel_book
    // are not.
    counted.needs_of.insert("weather".to_owned(), (20, 5));
    counted.needs_of.insert("hotel_book".to_owned(), (1, 4));
    // Refusals: 8 say goodbye ("oh well, thanks anyway, bye"), 4 talk of something else, 28 take it in or push
    // back, which is the built-in model's: goodbyes 8 of 40, asides 4 of 40.
    let deny = counted.answers.entry(ActKind::Deny).or_default();
    deny.extend([(ActKind::ThankBye, 8), (ActKind::OffTopic, 4), (ActKind::Acknowledge, 28)]);
    // Asked the day they arrive, 15 of 20 gave the day they leave too; asked the hotel, 1 of 5 (too few).
    counted.gives_more.insert("arrival_day".to_owned(), (15, 20));
    counted.gives_more.insert("hotel_name".to_owned(), (1, 5));
    // 30 conversations of weather, 10 of hotel_book: three in four come for a forecast.
    counted.conversations_of.extend([("weather".to_owned(), 30), ("hotel_book".to_owned(), 10)]);
    // Too few to fit: the built-in reaction stays.
    counted
        .answers
        .entry(ActKind::Apologize)
        .or_default()
        .insert(ActKind::Acknowledge, MIN_ROW - 1);
    let base = sim_personas::built_in_source("calm").unwrap();
    let text = persona_file(&counted, ("calm", base), "fitted to a test", "fitted").unwrap();
    assert!(text.starts_with("// fitted to a test\n"), "{text}");
    assert!(
        text.contains("(on: Ask, n: 40, respond: [(Answer, Fixed(0.7500)), (OffTopic, Rest)])"),
        "{text}"
    );
    let persona = sim_personas::parse_persona(&text, Path::new("fitted.ron")).unwrap();
    assert_eq!(persona.vague_opening, 0.25);
    assert_eq!(persona.description, "fitted");
    assert_eq!(persona.need_with_values, 0.2);
    assert_eq!(persona.leaves_unanswered, 0.125);
    assert_eq!(persona.asks_again, [0.7, 0.4286, 0.3333]);
    assert_eq!(persona.need_with_values_of, [("weather".to_owned(), 0.8)]);
    assert_eq!(
        persona.intent_shares,
        [("hotel_book".to_owned(), 0.25), ("weather".to_owned(), 0.75)]
    );
    assert!(
        text.contains(
            "// Fitted: 40 conversations by intent: hotel_book 10, weather 30; only these"
        )
    );
    assert!(text.contains("// Fitted: first needs with values of the request, by intent (at least 20): weather 20 of 25."));
    assert!(
        text.contains("after the first answer, the second, the third: 7 of 10, 3 of 7, 1 of 3.")
    );
    assert!(
        text.contains(
            "(on: InformResult, n: 20, respond: [(Acknowledge, Fixed(0.7500)), (OffTopic, Rest)])"
        ),
        "{text}"
    );
    assert_eq!(persona.gives_more, [("arrival_day".to_owned(), 0.75)]);
    assert!(text.contains("by the slot asked (at least 20): arrival_day 15 of 20."), "{text}");
    assert_eq!(persona.reactions.len(), 4, "only the rows with enough answers");
    let row = &persona.reactions[0];
    assert_eq!(row.on, ActKind::Ask);
    assert_eq!(
        row.responses,
        [(Response::Answer, Chance::Fixed(0.75)), (Response::OffTopic, Chance::Rest)]
    );
    let row = &persona.reactions[2];
    assert_eq!(row.on, ActKind::Offer);
    assert_eq!(
        row.responses,
        [(Response::OffTopic, Chance::Fixed(0.3)), (Response::AsBuiltIn, Chance::Rest)]
    );
    let row = &persona.reactions[3];
    assert_eq!(row.on, ActKind::Deny);
    assert_eq!(
        row.responses,
        [
            (Response::OffTopic, Chance::Fixed(0.1)),
            (Response::ThankBye, Chance::Fixed(0.2)),
            (Response::AsBuiltIn, Chance::Rest)
        ]
    );
    let calm = sim_personas::parse_persona(base, Path::new("calm.ron")).unwrap();
    assert_eq!(
        (persona.abandon_at, persona.demand_human_at),
        (calm.abandon_at, calm.demand_human_at)
    );
    assert_eq!(persona.mood.denial, calm.mood.denial);
    // A base with a table of its own is refused, not merged.
    let with_table = format!("{base}\nreactions: []");
    assert!(persona_file(&counted, ("x", &with_table), "", "").is_err());
}

/// A conversation that ends on the agent's question, unanswered and not labelled completed, is a customer who left
/// after a question; labelled completed, or ending on the agent's goodbye, it is not.
#[test]
fn a_conversation_ending_unanswered_counts_as_leaving_after_the_agents_act() {
    let converted = crate::transcripts::read_jsonl(Path::new(FIXTURE)).unwrap();
    let tagger: crate::calibrate::act_tagger::TaggerFile = ron::from_str(DEFAULT_TAGGER).unwrap();
    let leaves_after_ask = |outcome: Option<&str>, cut_at_goodbye: bool| {
        let mut conversation = converted.conversations[0].clone();
        // h1: ... "When are you arriving?" (its 7th customer or agent message) or, whole, "Thank you and goodbye."
        if !cut_at_goodbye {
            let arriving = conversation
                .turns
                .iter()
                .position(|turn| turn.text == "When are you arriving?")
                .expect("h1 asks when they arrive");
            conversation.turns.truncate(arriving + 1);
        }
        conversation.outcome = outcome.map(str::to_owned);
        let mut conversations = vec![conversation];
        prepare(&mut conversations, &tagger.tagger);
        let counted = reactions(&conversations, &rules());
        counted.answers.get(&ActKind::Ask).and_then(|row| row.get(&ActKind::Leave)).copied()
    };
    assert_eq!(leaves_after_ask(Some("abandoned"), false), Some(1));
    assert_eq!(leaves_after_ask(None, false), Some(1), "no label: the customer stopped answering");
    assert_eq!(leaves_after_ask(Some("completed"), false), None);
    assert_eq!(leaves_after_ask(Some("abandoned"), true), None, "it ends on the goodbye");
}

/// Three conversations whose acts are already in the reading's terms (customer turns as the tagger's labels, agent
/// turns as rehearse's acts), counted by hand:
/// - "hi" (a greeting: a vague opening) / greet / "whats the weather in Chicago on Friday" (the need, with two
///   values) / disclose / "great thanks" (taking it in) / "my cat is sick" (a second message: no first answer) /
///   close;
/// - "hello?" (a vague opening), a tool call and an agent turn without words (MultiDoGO's kind): no agent message,
///   so the customer was gone before any answer;
/// - "I need a room" (the need, no values) / ask / "hello" (a greeting after the opening: no rule reads it) and
///   "hello" again (not a first answer) / ask / a tool call and an agent turn without words, unanswered, and not labelled completed: the customer
///   left after the question;
/// - the agent's greeting alone, not labelled completed: the customer never wrote, so they did not leave after it;
/// - "anyone there?" (read as a greeting: a vague opening) and nothing else: gone before any answer.
#[test]
fn openings_needs_unread_answers_and_leaving_counted_by_hand() {
    use crate::transcripts::{Conversation, Corpus, Speaker, Turn};
    let customer = |text: &str, tagged: &str, slots: &[(&str, &str)]| Turn {
        act: Some(tagged.to_owned()),
        slots: slots
            .iter()
            .map(|(slot, value)| ((*slot).to_owned(), (*value).to_owned()))
            .collect(),
        ..Turn::said(Speaker::Customer, text)
    };
    let agent = |text: &str, act: &str| Turn {
        act: Some(act.to_owned()),
        ..Turn::said(Speaker::Agent, text)
    };
    let weather = Conversation::new(
        Corpus::Star,
        "1".into(),
        vec![
            customer("hi", "openinggreeting", &[]),
            agent("Hello, how can I help?", "greet"),
            customer(
                "whats the weather in Chicago on Friday",
                "goal",
                &[("weather.City", "Chicago"), ("weather.Day", "Friday")],
            ),
            agent("It will be sunny.", "disclose"),
            customer("great thanks", "thankyou", &[]),
            customer("my cat is sick", "outofdomain", &[]),
            agent("Thank you and goodbye.", "close"),
        ],
    );
    let gone = Conversation::new(
        Corpus::Star,
        "2".into(),
        vec![
            customer("hello?", "openinggreeting", &[]),
            Turn { action: Some("weather".into()), ..Turn::said(Speaker::Agent, "") },
            Turn::said(Speaker::Agent, ""),
        ],
    );
    let mut left = Conversation::new(
        Corpus::Star,
        "3".into(),
        vec![
            customer("I need a room", "goal", &[]),
            agent("What hotel would you like to stay at?", "ask"),
            customer("hello", "openinggreeting", &[]),
            customer("hello", "openinggreeting", &[]),
            agent("What hotel would you like to stay at?", "ask"),
            Turn { action: Some("hotel_search".into()), ..Turn::said(Speaker::Agent, "") },
            Turn::said(Speaker::Agent, ""),
        ],
    );
    left.outcome = Some("abandoned".into());
    let mut silent =
        Conversation::new(Corpus::Star, "4".into(), vec![agent("Hello, how can I help?", "greet")]);
    silent.outcome = Some("abandoned".into());
    let waited = Conversation::new(
        Corpus::Star,
        "5".into(),
        vec![customer("anyone there?", "openinggreeting", &[])],
    );
    let counted = reactions(&[weather, gone, left, silent, waited], &rules());
    assert_eq!(counted.openings, (3, 1), "three vague openings, one need");
    assert_eq!(counted.needs, (1, 1), "one need with values, one without");
    assert_eq!(counted.unanswered, (2, 5));
    let answers: Vec<(ActKind, ActKind, u64)> = counted
        .answers
        .iter()
        .flat_map(|(agent, row)| row.iter().map(move |(act, n)| (*agent, *act, *n)))
        .collect();
    assert_eq!(
        answers,
        [
            (ActKind::Greet, ActKind::StateNeed, 1),
            (ActKind::Ask, ActKind::Leave, 1),
            (ActKind::Disclose, ActKind::Acknowledge, 1),
        ]
    );
    assert_eq!(counted.unread.iter().collect::<Vec<_>>(), [(&ActKind::Ask, &1)]);
}

/// After a forecast: "What about Tuesday?" (giving the day) and "when will it be warmer?" (which the wizard looks up
/// next) ask the same again; "brr, cold" (no lookup follows) is an aside. Only the conversation's first need counts
/// towards `need_with_values`; three forecasts told are two times asked again (`told_of`).
#[test]
fn a_request_after_a_forecast_is_asking_again() {
    use crate::transcripts::{Conversation, Corpus, Speaker, Turn};
    let customer = |text: &str, tagged: &str, slots: &[(&str, &str)]| Turn {
        act: Some(tagged.to_owned()),
        slots: slots.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ..Turn::said(Speaker::Customer, text)
    };
    let forecast = || Turn {
        act: Some("weather_inform_forecast".to_owned()),
        ..Turn::said(Speaker::Agent, "It will be Sunny all day on Monday in Chicago.")
    };
    let query = || Turn { action: Some("weather".into()), ..Turn::said(Speaker::Agent, "") };
    let turns = vec![
        customer(
            "weather in Chicago on Monday?",
            "goal",
            &[("weather.City", "Chicago"), ("weather.Day", "Monday")],
        ),
        query(),
        forecast(),
        customer("What about Tuesday?", "goal", &[("weather.Day", "Tuesday")]),
        query(),
        forecast(),
        customer("when will it be warmer?", "goal", &[]),
        query(),
        forecast(),
        customer("brr, cold", "outofdomain", &[]),
    ];
    let mut conversation = Conversation::new(Corpus::Star, "7".into(), turns);
    conversation.intent = Some("weather".into());
    let mut conversations = [conversation];
    let tagger: crate::calibrate::act_tagger::TaggerFile = ron::from_str(DEFAULT_TAGGER).unwrap();
    prepare(&mut conversations, &tagger.tagger);
    let rules = rules();
    let read: Vec<Option<ActKind>> = crate::customer_text::read_messages(&conversations[0], &rules)
        .iter()
        .map(|message| message.rule.map(|rule| rule.read))
        .collect();
    assert_eq!(
        read,
        [
            Some(ActKind::StateNeed),
            Some(ActKind::StateNeed),
            Some(ActKind::StateNeed),
            Some(ActKind::OffTopic)
        ]
    );
    let counted = reactions(&conversations, &rules);
    assert_eq!(counted.needs, (1, 0), "the first need, with its values");
    assert_eq!(counted.needs_of.get("weather"), Some(&(1, 0)));
    let given: Vec<String> = conversations[0].turns[0].slots.keys().cloned().collect();
    assert_eq!(counted.needs_given.get("weather"), Some(&vec![given]));
    let after_forecast: Vec<(ActKind, u64)> =
        counted.answers[&ActKind::Disclose].iter().map(|(act, n)| (*act, *n)).collect();
    assert_eq!(after_forecast, [(ActKind::StateNeed, 2), (ActKind::OffTopic, 1)]);
    assert_eq!(counted.told_of.get("weather"), Some(&[0, 0, 1, 0]));
}

/// The times asked again are summed over the labels of the scenario's information requests: star-hotel's weather
/// (whose intent has `answers`), not hotel_book (a booking, told no answer) nor a label it does not play.
#[test]
fn times_asked_again_are_those_of_the_information_requests() {
    let star = sim_scenarios::load_built_in("star-hotel").unwrap().spec;
    let mut counted = Reactions::default();
    counted.told_of.insert("weather".to_owned(), [1, 2, 3, 4]);
    counted.told_of.insert("hotel_book".to_owned(), [5, 0, 0, 0]);
    counted.told_of.insert("bank_balance".to_owned(), [7, 0, 0, 1]);
    super::of_scenario_intents(&mut counted, &star);
    assert_eq!(counted.told, [1, 2, 3, 4]);
    // A persona without a single conversation told an answer gets no asks_again line.
    assert_eq!(super::asks_again(&[0; 4]), None);
    // Nobody asked again past the second: the third chance is 0 of 2, and the list stops where none are left.
    let line = super::asks_again(&[5, 3, 2, 0]).unwrap();
    assert!(line.contains("asks_again: [0.5000, 0.4000, 0.0000]"), "{line}");
    let line = super::asks_again(&[5, 0, 0, 0]).unwrap();
    assert!(line.contains("asks_again: [0.0000]"), "{line}");
}

/// Needs counted by corpus label go under the scenario's intent: through `corpus_intents` (MultiDoGO's
/// disputecharge is bank-card-services' dispute_charge), else the id of the same name; other labels are dropped. A
/// need with values only of who the customer is (a name) gives no value of the request: it counts as one without.
#[test]
fn needs_by_label_are_put_under_the_scenarios_intents() {
    let bank = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let mut counted = Reactions::default();
    let amount = || vec!["charge_amount".to_owned()];
    counted.needs_of.insert("disputecharge".to_owned(), (3, 1));
    counted
        .needs_given
        .insert("disputecharge".to_owned(), vec![amount(), amount(), vec!["name".to_owned()]]);
    counted.needs_of.insert("dispute_charge".to_owned(), (1, 1));
    counted.needs_given.insert("dispute_charge".to_owned(), vec![amount()]);
    counted.needs_of.insert("checkbalance".to_owned(), (9, 9));
    super::of_scenario_intents(&mut counted, &bank);
    let of: Vec<(&str, (u64, u64))> =
        counted.needs_of.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    assert_eq!(of, [("dispute_charge", (3, 3))]);
    assert_eq!(counted.needs, (3, 3), "pooled over the scenario's intents");
}

/// `need_gives`: of the first needs with values of an intent whose request has a slot, those that gave its value,
/// through `corpus_slots` (MultiDoGO's `charge_amount` is bank-card-services' `charge_amount`); needs of labels the
/// scenario does not play are dropped. Counted by hand: three disputes named their amount and none the charge's date;
/// one named a card number only, who the customer is, no value of the request.
#[test]
fn the_values_needs_give_are_counted_by_the_scenarios_slots() {
    let bank = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let mut counted = Reactions::default();
    let needs = |lists: &[&[&str]]| -> Vec<Vec<String>> {
        lists.iter().map(|list| list.iter().map(|slot| (*slot).to_owned()).collect()).collect()
    };
    counted.needs_given.insert(
        "disputecharge".to_owned(),
        needs(&[
            &["charge_amount"],
            &["charge_amount", "name"],
            &["card_number"],
            &["charge_amount"],
        ]),
    );
    counted.needs_given.insert("checkbalance".to_owned(), needs(&[&["charge_amount"]]));
    counted.needs_of.insert("disputecharge".to_owned(), (4, 6));
    counted.needs_of.insert("checkbalance".to_owned(), (1, 0));
    super::of_scenario_intents(&mut counted, &bank);
    let of: Vec<(&str, (u64, u64))> =
        counted.need_gives.iter().map(|(slot, n)| (slot.as_str(), *n)).collect();
    assert_eq!(
        of,
        [("charge_amount", (3, 3)), ("charge_date", (0, 3)), ("dispute_amount", (0, 3))]
    );
    assert_eq!(counted.needs_of.get("dispute_charge"), Some(&(3, 7)));
}

/// Conversations counted by corpus label go under the scenario's intent (through `corpus_intents`, else the id of the
/// same name) for `intent_shares`; labels of no intent of the scenario are dropped: MultiDoGO's 382 reportlostcard
/// and 3 lost_card are bank-card-services' 385 lost_card, its 12 checkbalance count for nothing.
#[test]
fn conversations_by_label_are_put_under_the_scenarios_intents() {
    let bank = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let mut counted = Reactions::default();
    counted.conversations_of.extend(
        [("reportlostcard", 382), ("lost_card", 3), ("disputecharge", 229), ("checkbalance", 12)]
            .map(|(label, n)| (label.to_owned(), n)),
    );
    super::of_scenario_intents(&mut counted, &bank);
    let of: Vec<(&str, u64)> =
        counted.conversations_of.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    assert_eq!(of, [("dispute_charge", 229), ("lost_card", 385)]);
}
