//! Reading real customer messages into a phrasebook, against star-hotel, by the rules of
//! runners/data/customer-text-acts.ron.

use sim_core::act::{Act, ActKind, Slot, SlotSet, Speaker as Who};
use sim_core::record::TurnRecord;
use sim_personas::phrasebook::Drawn;

use super::{At, build, prepare, rules};
use crate::calibrate::act_tagger::ActTagger;
use crate::transcripts::{Conversation, Corpus, Speaker, Turn};

/// A customer message with the tagger's act as its label, and its slots.
fn customer(text: &str, act: &str, slots: &[(&str, &str)]) -> Turn {
    Turn {
        act: Some(act.to_owned()),
        slots: slots.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
        ..Turn::said(Speaker::Customer, text)
    }
}

/// A wizard message with its STAR action label.
fn wizard(text: &str, label: &str) -> Turn {
    Turn { act: Some(label.to_owned()), ..Turn::said(Speaker::Agent, text) }
}

/// A tagger that knows the acts the rules name (each message above is labelled with one, so it is never asked).
fn tagger() -> ActTagger {
    let acts = [
        "openinggreeting",
        "goal",
        "contentonly",
        "confirmation",
        "rejection",
        "thankyou",
        "closinggreeting",
        "outofdomain",
    ];
    let examples: Vec<(String, String)> =
        acts.iter().map(|act| (format!("{act} words"), (*act).to_owned())).collect();
    ActTagger::train(&examples, 0.5, 1)
}

/// An agent message of MultiDoGO's, whose words it does not keep.
fn agent() -> Turn {
    Turn::said(Speaker::Agent, "")
}

/// A MultiDoGO conversation of the task `intent`.
fn multidogo(intent: &str, turns: Vec<Turn>) -> Conversation {
    let mut conversation = Conversation::new(Corpus::Multidogo, "1".into(), turns);
    conversation.intent = Some(intent.into());
    conversation
}

fn hotel_conversation() -> Conversation {
    let turns = vec![
        customer("Hi", "openinggreeting", &[]),
        wizard("Hello, how can I help?", "hello"),
        customer("I need to reserve a room please", "goal", &[]),
        wizard("May I have your name, please?", "ask_name"),
        customer("Ben", "contentonly", &[("hotel_book.CustomerName", "Ben")]),
        wizard("What hotel would you like to stay at?", "hotel_ask_hotel"),
        customer("Shadyside Inn please", "contentonly", &[("hotel_book.Name", "Shadyside Inn")]),
        // Names a hotel it does not give as a slot.
        customer("is the Hilton nicer?", "outofdomain", &[]),
        wizard("Any special requests?", "hotel_ask_customer_request"),
        // A value star-hotel has no slot for.
        customer(
            "late checkout",
            "contentonly",
            &[("hotel_book.CustomerRequest", "late checkout")],
        ),
        Turn { action: Some("hotel_book".into()), ..Turn::said(Speaker::Agent, "") },
        Turn::said(Speaker::Tool, "{}"),
        wizard("I'm sorry, there is no room available.", "hotel_unavailable"),
        customer("ok thanks", "thankyou", &[]),
        wizard("Is there anything else I can do?", "anything_else"),
        customer("Nope", "rejection", &[]),
        // The agent's message has no label: only a rule that needs none reads the answer (a goodbye).
        Turn::said(Speaker::Agent, "bye now"),
        customer("thx", "thankyou", &[]),
    ];
    let mut conversation = Conversation::new(Corpus::Star, "75".into(), turns);
    conversation.intent = Some("hotel_book".into());
    conversation
}

/// A weather conversation whose city the customer wrote in words the query does not have.
fn weather_conversation() -> Conversation {
    let arguments = serde_json::json!({"City": "\"Los Angeles\"", "Day": "\"Friday\""});
    let turns = vec![
        customer("weather in LA tomorrow?", "goal", &[]),
        customer("friday", "contentonly", &[("weather.Day", "friday")]),
        Turn {
            action: Some("weather".into()),
            arguments: arguments.as_object().cloned(),
            ..Turn::said(Speaker::Agent, "")
        },
        wizard("It will be sunny.", "weather_inform_forecast"),
        customer("great thanks", "thankyou", &[]),
    ];
    let mut conversation = Conversation::new(Corpus::Star, "76".into(), turns);
    conversation.intent = Some("weather".into());
    conversation
}

#[test]
fn the_built_in_tagger_loads() {
    let tagger = super::load_tagger(None).unwrap();
    assert!(tagger.acts.iter().any(|act| act == "goal"), "{:?}", tagger.acts);
}

#[test]
fn the_embedded_rules_read_customer_acts_after_agent_acts() {
    let rules = rules();
    assert!(!rules.is_empty());
    for rule in &rules {
        assert!(rule.read.by_customer(), "{:?} is no customer act", rule.read);
        assert!(rule.after.iter().all(|act| ActKind::AGENT.contains(act)), "{rule:?}");
        assert!(!rule.tagged.is_empty(), "{rule:?}");
    }
    assert!(rules.iter().any(|rule| rule.at == At::FirstNeed));
}

#[test]
fn a_star_conversation_is_read_message_by_message() {
    let scenario = sim_scenarios::load_built_in("star-hotel").unwrap().spec;
    let text = build(&mut [hotel_conversation(), weather_conversation()], &scenario, &tagger());
    let report = &text.report;
    assert_eq!((report.conversations, report.messages), (2, 12));
    let filed: Vec<(&str, usize)> = report.filed.iter().map(|(act, n)| (*act, *n)).collect();
    // "great thanks", the weather customer's last message after the forecast, is the thanks of one who is done:
    // a goodbye ("ok thanks" in the hotel conversation, with more to follow, takes the result in).
    assert_eq!(
        filed,
        [("acknowledge", 1), ("inform", 3), ("state_need", 1), ("thank_bye", 3), ("vague_need", 1)]
    );
    let skipped: Vec<(&str, usize)> = report.skipped.iter().map(|(why, n)| (*why, *n)).collect();
    // "weather in LA tomorrow?" comes before a query for Los Angeles, which no message gives: it may be what names
    // it. "friday" is kept: an answer gives its own values, and names no other.
    assert_eq!(
        skipped,
        [
            ("gives a value the scenario has no slot for", 1),
            ("may name a value a later query has and no message gives", 1),
            ("names a value it does not give", 1),
        ]
    );
    assert_eq!(text.book.len(), 9);

    // An answer naming the hotel says the customer's own hotel.
    let hotel = scenario.slot_named("hotel_name").unwrap();
    let ask = TurnRecord {
        act: Some(Act { slots: SlotSet::EMPTY.with(hotel), ..Act::bare(ActKind::Ask) }),
        ..TurnRecord::blank(1, Who::Agent)
    };
    let mut inform = Act::bare(ActKind::Inform);
    inform.put(hotel, 2);
    let row = TurnRecord { act: Some(inform), ..TurnRecord::blank(2, Who::Customer) };
    let mut out = String::new();
    assert_eq!(text.book.render(&scenario, &[ask], &row, &mut out), Some(Drawn::Real));
    assert_eq!(out, "Hyatt Hotel please");

    // The need is star-hotel's hotel_book (its second intent); the weather has none.
    let need = |intent| TurnRecord {
        act: Some(Act { intent, ..Act::bare(ActKind::StateNeed) }),
        ..TurnRecord::blank(0, Who::Customer)
    };
    assert_eq!(text.book.covers(&[], &need(1)), Some(Drawn::Real));
    assert_eq!(text.book.covers(&[], &need(0)), Some(Drawn::Templates));
    // "ok thanks" answered "no room available" (a refusal, as runners/data/star-wizard-acts.ron reads
    // hotel_unavailable): it acknowledges what it answered, and nothing else (an apology); "great thanks", the last
    // message after a forecast (a disclosure, told as a result is), is a goodbye after a result, and no
    // acknowledgement of one.
    let result = TurnRecord {
        act: Some(Act::bare(ActKind::InformResult)),
        ..TurnRecord::blank(3, Who::Agent)
    };
    let deny = TurnRecord { act: Some(Act::bare(ActKind::Deny)), ..result.clone() };
    let apology = TurnRecord { act: Some(Act::bare(ActKind::Apologize)), ..result.clone() };
    let acknowledge = TurnRecord {
        act: Some(Act::bare(ActKind::Acknowledge)),
        ..TurnRecord::blank(4, Who::Customer)
    };
    let bye = TurnRecord { act: Some(Act::bare(ActKind::ThankBye)), ..acknowledge.clone() };
    assert_eq!(text.book.covers(std::slice::from_ref(&result), &bye), Some(Drawn::Real));
    assert_eq!(
        text.book.covers(std::slice::from_ref(&result), &acknowledge),
        Some(Drawn::Templates)
    );
    assert_eq!(text.book.covers(&[deny], &acknowledge), Some(Drawn::Real));
    assert_eq!(text.book.covers(&[apology], &acknowledge), Some(Drawn::Templates));
    // The guest's name, a declared slot, is read through `corpus_slots` too: Ben, star-hotel's second guest name.
    let mut name = Act::bare(ActKind::Inform);
    name.put(scenario.slot_named("guest_name").unwrap(), 1);
    let row = TurnRecord { act: Some(name), ..TurnRecord::blank(2, Who::Customer) };
    let mut out = String::new();
    assert_eq!(text.book.render(&scenario, &[result], &row, &mut out), Some(Drawn::Real));
    assert_eq!(out, "Ben");
}

#[test]
fn a_scenario_without_corpus_slots_files_no_answer() {
    let scenario = sim_scenarios::load_built_in("retail-support").unwrap().spec;
    let text = build(&mut [hotel_conversation()], &scenario, &tagger());
    assert_eq!(text.report.filed.get("inform"), None);
    assert_eq!(text.report.skipped["gives a value the scenario has no slot for"], 3);
    // A need counts only for the scenario's intent of the same id: retail has no hotel_book.
    assert_eq!(text.report.filed.get("state_need"), None);
}

/// Messages sent one after another before the agent answered are one turn of the customer's: an answer's values in
/// parts, thanks and goodbye in two, filed as one message a line; a run of two acts, or with a message not filed,
/// is filed a message at a time.
#[test]
fn a_run_of_messages_of_one_act_is_filed_as_one_turn() {
    let scenario = sim_scenarios::load_built_in("star-hotel").unwrap().spec;
    let turns = vec![
        customer("Hi", "openinggreeting", &[]),
        wizard("Hello, how can I help?", "hello"),
        customer("I need to reserve a room please", "goal", &[]),
        wizard("May I have your name, please?", "ask_name"),
        customer("ben", "contentonly", &[("hotel_book.CustomerName", "ben")]),
        customer("Shadyside Inn", "contentonly", &[("hotel_book.Name", "Shadyside Inn")]),
        wizard("Is there anything else I can do?", "anything_else"),
        customer("thank you", "thankyou", &[]),
        customer("bye", "thankyou", &[]),
        wizard("What hotel would you like to stay at?", "hotel_ask_hotel"),
        // An answer then a need: two acts, each filed alone.
        customer("Hilton Hotel", "contentonly", &[("hotel_book.Name", "Hilton Hotel")]),
        customer("is the room nice?", "outofdomain", &[]),
        wizard("Any special requests?", "hotel_ask_customer_request"),
        // A message not filed (a value star-hotel has no slot for): the other is filed alone.
        customer("ok", "thankyou", &[]),
        customer(
            "late checkout",
            "contentonly",
            &[("hotel_book.CustomerRequest", "late checkout")],
        ),
    ];
    let mut conversation = Conversation::new(Corpus::Star, "9".into(), turns);
    conversation.intent = Some("hotel_book".into());
    let text = build(&mut [conversation], &scenario, &tagger());
    assert_eq!(text.report.runs_joined, 2, "{:?}", text.report);
    assert_eq!(text.report.messages, 10);
    let filed: Vec<(&str, usize)> = text.report.filed.iter().map(|(a, n)| (*a, *n)).collect();
    // inform: the joined name and hotel, and "Hilton Hotel"; thank_bye: the joined two; "ok" and "late checkout"
    // are not filed (no rule reads "ok" after a question; star-hotel has no slot for requests).
    assert_eq!(
        filed,
        [("inform", 2), ("off_topic", 1), ("state_need", 1), ("thank_bye", 1), ("vague_need", 1)]
    );
    assert_eq!(text.book.len(), 6);
    assert!(
        text.report
            .describe("f")
            .contains("of which 2 runs of messages sent before the agent answered")
    );

    // Said as written: one message a line, the customer's own values in the holes, written as theirs were (the
    // name in lower case, the hotel with capitals): Mark (star-hotel's fourth guest name) at the Hyatt Hotel.
    let (hotel, guest) =
        (scenario.slot_named("hotel_name").unwrap(), scenario.slot_named("guest_name").unwrap());
    let ask = TurnRecord {
        act: Some(Act { slots: SlotSet::EMPTY.with(guest), ..Act::bare(ActKind::Ask) }),
        ..TurnRecord::blank(1, Who::Agent)
    };
    let mut inform = Act::bare(ActKind::Inform);
    inform.put(guest, 3);
    inform.put(hotel, 2);
    let row = TurnRecord { act: Some(inform), ..TurnRecord::blank(2, Who::Customer) };
    let mut out = String::new();
    assert_eq!(text.book.render(&scenario, &[ask], &row, &mut out), Some(Drawn::Real));
    assert_eq!(out, "mark\nHyatt Hotel");
}

/// MultiDoGO keeps no agent words: a "no" (tagged rejection) is a goodbye there, like a thank-you, and a "no" and a
/// "thank you" sent before the agent answered are one, filed as one turn.
#[test]
fn a_no_where_the_agents_act_is_unknown_is_a_goodbye() {
    let scenario = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let turns = vec![
        customer("hi", "openinggreeting", &[]),
        agent(),
        customer("no", "rejection", &[]),
        customer("thank you", "thankyou", &[]),
        agent(),
        customer("no thanks", "rejection", &[]),
    ];
    let conversation = multidogo("reportlostcard", turns);
    let text = build(&mut [conversation], &scenario, &tagger());
    let filed: Vec<(&str, usize)> = text.report.filed.iter().map(|(a, n)| (*a, *n)).collect();
    assert_eq!(filed, [("thank_bye", 2), ("vague_need", 1)], "{:?}", text.report);
    assert_eq!(text.report.runs_joined, 1);
}

/// The act a run says, by the rule of `joined_key`: fillers around one act, values put together.
#[test]
fn a_runs_act_is_its_one_act_and_fillers_add_nothing() {
    use sim_personas::phrasebook::Key;
    let key = |act, slots: &[Slot], intent| {
        Key::new(act, slots.iter().fold(SlotSet::EMPTY, |set, slot| set.with(*slot)), intent)
    };
    let name = key(ActKind::Inform, &[Slot::FULL_NAME], None);
    let zip = key(ActKind::Inform, &[Slot::ZIP_CODE], None);
    let hi = key(ActKind::VagueNeed, &[], None);
    let ok = key(ActKind::Acknowledge, &[], None);
    let bye = key(ActKind::ThankBye, &[], None);
    let need = key(ActKind::StateNeed, &[], Some(1));
    let joined = super::joined_key;
    assert_eq!(
        joined(&[name, zip]),
        Some(key(ActKind::Inform, &[Slot::FULL_NAME, Slot::ZIP_CODE], None))
    );
    // "hi" / "my card is lost": the need; "yes" (read as an acknowledgement) / "ben": the answer.
    assert_eq!(joined(&[hi, need]), Some(need));
    assert_eq!(joined(&[ok, name, ok]), Some(name));
    assert_eq!(joined(&[bye, bye]), Some(bye));
    assert_eq!(joined(&[ok, ok]), Some(ok));
    // Two acts, two intents, a value twice, a greeting and an acknowledgement: not one turn.
    assert_eq!(joined(&[name, need]), None);
    assert_eq!(joined(&[need, key(ActKind::StateNeed, &[], Some(0))]), None);
    assert_eq!(joined(&[name, name]), None);
    assert_eq!(joined(&[hi, ok]), None);
    assert_eq!(joined(&[bye, ok]), Some(bye));
    // At most as many values as a turn carries.
    let many: Vec<Key> =
        [Slot::FULL_NAME, Slot::ZIP_CODE, Slot::PHONE, Slot::EMAIL, Slot::ACCOUNT_ID]
            .iter()
            .map(|slot| key(ActKind::Inform, &[*slot], None))
            .collect();
    assert!(joined(&many[..4]).is_some());
    assert_eq!(joined(&many), None);
}

/// A need is filed under the scenario's intent that `corpus_intents` names for the conversation's label
/// (bank-card-services maps MultiDoGO's reportlostcard to lost_card), and under no other.
#[test]
fn a_need_is_filed_under_the_intent_corpus_intents_names() {
    let scenario = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let mut conversation = Conversation::new(
        Corpus::Multidogo,
        "1".into(),
        vec![customer("i lost my credit card", "goal", &[])],
    );
    conversation.intent = Some("reportlostcard".into());
    let text = build(&mut [conversation], &scenario, &tagger());
    assert_eq!(text.report.filed.get("state_need"), Some(&1));
    let lost = scenario.intents.iter().position(|intent| intent.id == "lost_card").unwrap();
    let need = |intent: usize| TurnRecord {
        act: Some(Act { intent: intent as u16, ..Act::bare(ActKind::StateNeed) }),
        ..TurnRecord::blank(0, Who::Customer)
    };
    assert_eq!(text.book.covers(&[], &need(lost)), Some(Drawn::Real));
    for other in (0..scenario.intents.len()).filter(|idx| *idx != lost) {
        assert_eq!(text.book.covers(&[], &need(other)), Some(Drawn::Templates), "intent {other}");
    }
}

/// bank-card-services asks for the amount to dispute, which MultiDoGO's customers never label; it is the charge's
/// amount (`dispute_amount` and `charge_amount` are both `charge.amount`), so a message naming a charge's amount
/// answers it too, the amount put where theirs was ("the charge was 150 dollars" → "the charge was 89 dollars"). A
/// date written in a way rehearse cannot write one ("15618") is not filed; one it can ("13 th june") is, and is said
/// so.
#[test]
fn an_amount_to_dispute_is_said_in_the_words_of_a_charges_amount() {
    let scenario = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    let turns = vec![
        customer("i want remove extra charge on my credit card", "disputecharge", &[]),
        agent(),
        customer("the charge was 150 dollars", "contentonly", &[("charge_amount", "150")]),
        agent(),
        customer("15618", "contentonly", &[("charge_date", "15618")]),
        agent(),
        customer("13 th june", "contentonly", &[("charge_date", "13 th june")]),
    ];
    let conversation = multidogo("disputecharge", turns);
    let text = build(&mut [conversation], &scenario, &tagger());
    assert_eq!(text.report.skipped["writes a date in no way rehearse writes one"], 1);
    assert_eq!(text.report.filed["inform"], 2, "{:?}", text.report);
    let (charge, dispute, date) = (
        scenario.slot_named("charge_amount").unwrap(),
        scenario.slot_named("dispute_amount").unwrap(),
        scenario.slot_named("charge_date").unwrap(),
    );
    let say = |slot: Slot, value: u64| {
        let ask = TurnRecord {
            act: Some(Act { slots: SlotSet::EMPTY.with(slot), ..Act::bare(ActKind::Ask) }),
            ..TurnRecord::blank(1, Who::Agent)
        };
        let mut inform = Act::bare(ActKind::Inform);
        inform.put(slot, value);
        let row = TurnRecord { act: Some(inform), ..TurnRecord::blank(2, Who::Customer) };
        let mut out = String::new();
        let drawn = text.book.render(&scenario, &[ask], &row, &mut out);
        (drawn, out)
    };
    // $89.00 (in cents), written bare as "150" was; 27 days before June 30, 2018 is June 3rd.
    assert_eq!(say(dispute, 8_900), (Some(Drawn::Real), "the charge was 89 dollars".to_owned()));
    assert_eq!(say(charge, 8_900), (Some(Drawn::Real), "the charge was 89 dollars".to_owned()));
    assert_eq!(say(date, 27), (Some(Drawn::Real), "3 rd june".to_owned()));
}

/// Where the agent's words are not known, a thank-you the customer says more after (a "no" to "anything else?",
/// another answer) took in what the agent did; one followed only by thanks or goodbye, or by nothing, is the
/// farewell. A message sent in the same run as the thank-you is not what follows it.
#[test]
fn a_thank_you_with_more_to_follow_takes_in_what_was_done() {
    let turns = vec![
        customer("i lost my credit card", "reportlostcard", &[]),
        agent(),
        customer("thank you", "thankyou", &[]),
        agent(),
        customer("no", "rejection", &[]),
        agent(),
        customer("thanks a lot", "thankyou", &[]),
        customer("ok", "confirmation", &[]),
        agent(),
        customer("bye", "closinggreeting", &[]),
        agent(),
        customer("thank you so much", "thankyou", &[]),
    ];
    let mut conversation = multidogo("reportlostcard", turns);
    prepare(std::slice::from_mut(&mut conversation), &tagger());
    let rules = rules();
    let read: Vec<(&str, Option<ActKind>)> = super::read_messages(&conversation, &rules)
        .iter()
        .map(|message| (message.turn.text.as_str(), message.rule.map(|rule| rule.read)))
        .collect();
    assert_eq!(
        read,
        [
            ("i lost my credit card", Some(ActKind::StateNeed)),
            ("thank you", Some(ActKind::Acknowledge)),
            ("no", Some(ActKind::ThankBye)),
            ("thanks a lot", Some(ActKind::ThankBye)),
            ("ok", Some(ActKind::Acknowledge)),
            ("bye", Some(ActKind::ThankBye)),
            ("thank you so much", Some(ActKind::ThankBye)),
        ]
    );
}

/// Customers are called by the names the file's customers gave as a slot the scenario reads as its full name, in
/// title case, each once however it was cased, and only when they give at least as many as the built-in first names
/// (48); a value that is no name (digits, a word with digits in it, more than three words) and a name the agent says
/// are left out.
#[test]
fn customers_are_called_by_the_names_the_files_customers_gave() {
    let scenario = sim_scenarios::load_built_in("bank-card-services").unwrap().spec;
    // "priya" + a, b, …, z, ba, bb, …: 47 different one-word names.
    let word = |at: usize| {
        let letter = |at: usize| char::from(b'a' + at as u8);
        if at < 26 { format!("priya{}", letter(at)) } else { format!("priyab{}", letter(at - 26)) }
    };
    let conversation = |name: &str| {
        let turns = vec![
            customer("i lost my credit card", "reportlostcard", &[]),
            agent(),
            customer(&format!("my name is {name}"), "contentonly", &[("name", name)]),
        ];
        multidogo("reportlostcard", turns)
    };
    let mut conversations: Vec<Conversation> = (0..47).map(|at| conversation(&word(at))).collect();
    conversations.push(conversation("PRIYAA"));
    conversations.push(conversation("ssn 9383"));
    conversations.push(conversation("card4982 kumar"));
    conversations.push(conversation("a b c d"));
    let agent_says = Turn { slots: [("name".into(), "Alex Rory".into())].into(), ..agent() };
    conversations.push(multidogo("reportlostcard", vec![agent_says]));
    let text = build(&mut conversations.clone(), &scenario, &tagger());
    assert!(text.names.is_empty(), "47 names are fewer than the built-in pool: {:?}", text.names);
    assert_eq!(text.report.names, 0);

    conversations.push(conversation("nirmala  devi"));
    let text = build(&mut conversations, &scenario, &tagger());
    assert_eq!(text.names.len(), 48);
    assert_eq!(text.report.names, 48);
    assert_eq!(text.names[..3], ["Nirmala Devi", "Priyaa", "Priyab"]);
    // Sorted: "Priyab" < "Priyaba" < … < "Priyabu" < "Priyac" < … < "Priyaz".
    assert_eq!(text.names[47], "Priyaz");
    assert!(text.report.describe("f").contains("called by the 48 names the file's customers gave"));
}

/// A message before a query whose value no message gives is left out only when it may hold that value in words the
/// transcripts do not record: one of the slot's values or aliases, misspelt by two letters at most or run together,
/// or a digit where the values have them; a request that names none ("what will the weather be like tomorrow?",
/// before the city STAR's wizards were told) is kept. Open values (a name no list holds) may be written any way.
#[test]
fn a_message_is_left_out_only_when_it_may_name_an_unfound_value() {
    use super::unfound::{Unfound, edit_distance, names_nearly};
    let scenario = sim_scenarios::load_built_in("star-hotel").unwrap().spec;
    let slot = |name| scenario.slot_named(name).unwrap();
    let city = |text| names_nearly(&scenario, slot("city"), text);
    assert!(!city("What will the weather be like tomorrow?"));
    assert!(!city("Hmm. When will it be nice out?"));
    assert!(city("What will the weather be like tomorrow in Pittsburg"));
    assert!(city("Can you compare the weather in Puttsburgh and here please?"));
    assert!(city("What will the weather be in NewYork on Wednesday?"));
    assert!(city("ok can you compare the weather tomorrow between LA and detroit?"));
    assert!(city("what will the weather look like in Los Angels tomorrow"));
    let hotel = |text| names_nearly(&scenario, slot("hotel_name"), text);
    assert!(!hotel("I want to reserve a room"));
    assert!(
        !hotel("I need to book a hotel room"),
        "`hotel` is a word of two hotels: it names neither"
    );
    assert!(hotel("I would like to reserve a room at the Ond Town inn"));
    assert!(hotel("I want to stay at a Holton instead."));
    assert!(hotel("I need to make a reservation at the Shady side inn"));
    let arrival = |text| names_nearly(&scenario, slot("arrival_day"), text);
    assert!(arrival("I need a room for the Hilton Hotel from May 10-25."));
    assert!(!arrival("I need a room for the Hilton Hotel."));
    assert!(
        names_nearly(&scenario, Slot::FULL_NAME, "hello"),
        "an open value may be written any way"
    );
    assert_eq!(
        (edit_distance("pittsburg", "pittsburgh"), edit_distance("kitten", "sitting")),
        (1, 3)
    );
    assert_eq!((edit_distance("", "inn"), edit_distance("hyatt", "hyatt")), (3, 0));
    // Letters dropped count as much as letters added.
    assert_eq!((edit_distance("pittsburgh", "pittsburg"), edit_distance("inn", "")), (1, 3));

    // Only a query after the message counts.
    let unfound = Unfound::of(&weather_conversation(), &scenario);
    assert!(unfound.may_name(&scenario, 0, "weather in LA tomorrow?"));
    assert!(!unfound.may_name(&scenario, 0, "weather tomorrow?"));
    assert!(!unfound.may_name(&scenario, 3, "and LA?"));
}
