//! The phrasebook: cutting values out of real messages, filing and finding them, and falling back.

use sim_core::act::{Act, ActKind, Slot, SlotSet, Speaker};
use sim_core::record::TurnRecord;

use super::{After, Drawn, Key, Phrasebook, Piece, Template, Written};

fn said(turn: u16, speaker: Speaker, act: Act) -> TurnRecord {
    TurnRecord {
        act: Some(act),
        text_seed: u32::from(turn) * 7919,
        ..TurnRecord::blank(turn, speaker)
    }
}

fn name_and_zip() -> SlotSet {
    SlotSet::EMPTY.with(Slot::FULL_NAME).with(Slot::ZIP_CODE)
}

#[test]
fn cut_takes_values_as_whole_words_in_the_order_written() {
    let template = Template::cut(
        "zip 15213, name Ben",
        &[(Slot::FULL_NAME, "Ben"), (Slot::ZIP_CODE, "15213")],
    )
    .unwrap();
    assert_eq!(
        template.pieces,
        [
            Piece::Text("zip ".into()),
            Piece::Hole(
                Slot::ZIP_CODE,
                Written { lower: false, digits: true, date: None, alias: false }
            ),
            Piece::Text(", name ".into()),
            Piece::Hole(
                Slot::FULL_NAME,
                Written { lower: false, digits: false, date: None, alias: false }
            ),
        ]
    );
    assert_eq!(template.slots(), name_and_zip());
    // "5th" is not inside "15th"; "Ben" is not inside "Bennett".
    assert_eq!(Template::cut("May 15th", &[(Slot::DAYS, "5th")]), None);
    let later = Template::cut("Bennett, I mean Ben", &[(Slot::FULL_NAME, "Ben")]).unwrap();
    assert_eq!(later.pieces[0], Piece::Text("Bennett, I mean ".into()));
    // Overlapping values cannot both be holes.
    assert_eq!(
        Template::cut("New York", &[(Slot::FULL_NAME, "New York"), (Slot::ZIP_CODE, "York")]),
        None
    );
}

/// MultiDoGO's customers write "my contact no 9876543210" and "325"; STAR's "pittsburgh": a value put in their
/// place is written the same way, and stays the same value.
/// A message filed for another slot keeps its words and the writing of each hole; only the renamed slot's holes
/// change.
#[test]
fn a_renamed_template_holds_the_other_slots_value() {
    let template =
        Template::cut("its 150 and ben", &[(Slot::AMOUNT, "150"), (Slot::FULL_NAME, "ben")])
            .unwrap();
    let renamed = template.renamed(Slot::AMOUNT, Slot::DAYS);
    assert_eq!(renamed.slots(), SlotSet::EMPTY.with(Slot::DAYS).with(Slot::FULL_NAME));
    let digits = Written { lower: false, digits: true, date: None, alias: false };
    let lower = Written { lower: true, digits: false, date: None, alias: false };
    assert_eq!(
        renamed.pieces,
        [
            Piece::Text("its ".into()),
            Piece::Hole(Slot::DAYS, digits),
            Piece::Text(" and ".into()),
            Piece::Hole(Slot::FULL_NAME, lower),
        ]
    );
}

#[test]
fn a_value_is_written_as_the_customer_wrote_the_one_it_replaces() {
    let written = |original: &str, value: &str| {
        let mut out = String::new();
        Written::of(original).put(value, &mut out);
        out
    };
    assert_eq!(written("9876543210", "(912) 002-9930"), "9120029930");
    assert_eq!(written("325", "$1,234.50"), "1234.50");
    assert_eq!(written("325", "$1,234.00"), "1234");
    assert_eq!(written("325", "$0.05"), "0.05");
    // A date goes in as the customer wrote theirs ("25052018" is day, month, year).
    assert_eq!(written("25052018", "June 3, 2018"), "03062018");
    assert_eq!(written("13 th june", "June 3, 2018"), "3 rd june");
    assert_eq!(written("12", "-5"), "-5");
    assert_eq!(written("pittsburgh", "New York City"), "new york city");
    assert_eq!(written("nyc", "Los Angeles"), "los angeles");
    // Written with capitals, or with other marks, the value stays as the realiser writes it.
    assert_eq!(written("Pittsburgh", "New York City"), "New York City");
    assert_eq!(written("$325", "$17.72"), "$17.72");
    assert_eq!(written("555-123-4567", "(912) 002-9930"), "(912) 002-9930");
    // Digits alone only shape a number: a day "the 26th" is not one.
    assert_eq!(written("26", "the 26th"), "the 26th");
    // Cut from a message, each hole keeps its own.
    let template = Template::cut(
        "its pittsburgh 15213",
        &[(Slot::FULL_NAME, "pittsburgh"), (Slot::ZIP_CODE, "15213")],
    )
    .unwrap();
    assert_eq!(
        template.pieces[1],
        Piece::Hole(
            Slot::FULL_NAME,
            Written { lower: true, digits: false, date: None, alias: false }
        )
    );
    assert_eq!(
        template.pieces[3],
        Piece::Hole(
            Slot::ZIP_CODE,
            Written { lower: false, digits: true, date: None, alias: false }
        )
    );
}

#[test]
fn a_message_whose_holes_are_not_its_keys_slots_is_not_filed() {
    let mut book = Phrasebook::default();
    let template = Template::cut("Ben", &[(Slot::FULL_NAME, "Ben")]).unwrap();
    let key = Key::new(ActKind::Inform, name_and_zip(), None);
    assert!(!book.add(key, After::Agent(ActKind::Ask), template));
    assert!(book.is_empty());
}

#[test]
fn an_inform_renders_its_own_values_and_other_acts_fall_back() {
    let scenario = sim_core::testing::tiny_scenario();
    let mut book = Phrasebook::default();
    let template =
        Template::cut("ben, 15213", &[(Slot::FULL_NAME, "ben"), (Slot::ZIP_CODE, "15213")])
            .unwrap();
    assert!(book.add(
        Key::new(ActKind::Inform, name_and_zip(), None),
        After::Agent(ActKind::Ask),
        template
    ));
    let ask = said(1, Speaker::Agent, Act { slots: name_and_zip(), ..Act::bare(ActKind::Ask) });
    let mut inform = Act::bare(ActKind::Inform);
    inform.put(Slot::FULL_NAME, 5005);
    inform.put(Slot::ZIP_CODE, 90210);
    let row = said(2, Speaker::Customer, inform);
    let earlier = [said(0, Speaker::Customer, Act::bare(ActKind::VagueNeed)), ask];
    let mut text = String::new();
    assert_eq!(book.covers(&earlier, &row), Some(Drawn::Real));
    assert_eq!(book.render(&scenario, &earlier, &row, &mut text), Some(Drawn::Real));
    assert_eq!(text, "crystal minh, 90210", "\"ben\" in lower case: the name too");

    // Only the name: no message gives exactly that.
    let mut only_name = Act::bare(ActKind::Inform);
    only_name.put(Slot::FULL_NAME, 5005);
    let row = said(2, Speaker::Customer, only_name);
    assert_eq!(book.covers(&earlier, &row), Some(Drawn::Templates));
    assert_eq!(book.render(&scenario, &earlier, &row, &mut String::new()), Some(Drawn::Templates));
    // The agent's turns are never the phrasebook's.
    assert_eq!(book.covers(&[], &earlier[1]), None);
}

#[test]
fn an_acknowledgement_is_only_drawn_from_answers_to_the_same_agent_act_or_an_unknown_one() {
    let scenario = sim_core::testing::tiny_scenario();
    let mut book = Phrasebook::default();
    let key = Key::new(ActKind::Acknowledge, SlotSet::EMPTY, None);
    let bummer = Template::cut("bummer, oh well", &[]).unwrap();
    assert!(book.add(key, After::Agent(ActKind::Deny), bummer));
    let customer = said(4, Speaker::Customer, Act::bare(ActKind::Acknowledge));
    let after_deny = [said(3, Speaker::Agent, Act::bare(ActKind::Deny))];
    let after_result = [said(3, Speaker::Agent, Act::bare(ActKind::InformResult))];
    let mut text = String::new();
    assert_eq!(book.render(&scenario, &after_deny, &customer, &mut text), Some(Drawn::Real));
    assert_eq!(text, "bummer, oh well");
    assert_eq!(
        book.covers(&after_result, &customer),
        Some(Drawn::Templates),
        "a refusal's answer to a result"
    );
    // A message whose agent act is not known may answer a result; the refusal keeps its own.
    let ok = Template::cut("ok", &[]).unwrap();
    assert!(book.add(key, After::Unknown, ok));
    let mut text = String::new();
    assert_eq!(book.render(&scenario, &after_result, &customer, &mut text), Some(Drawn::Real));
    assert_eq!(text, "ok");
    let mut text = String::new();
    assert_eq!(book.render(&scenario, &after_deny, &customer, &mut text), Some(Drawn::Real));
    assert_eq!(text, "bummer, oh well");
    // Any other act backs off to every message of its key.
    let thanks = Key::new(ActKind::ThankBye, SlotSet::EMPTY, None);
    assert!(book.add(thanks, After::Unknown, Template::cut("thx bye", &[]).unwrap()));
    let bye = said(4, Speaker::Customer, Act::bare(ActKind::ThankBye));
    assert_eq!(book.covers(&after_result, &bye), Some(Drawn::Real));
}

#[test]
fn a_need_is_filed_by_its_intent_and_the_pick_follows_the_rows_seed() {
    let scenario = sim_core::testing::tiny_scenario();
    let mut book = Phrasebook::default();
    for text in ["need a room", "book me a hotel pls", "i want a room"] {
        let key = Key::new(ActKind::StateNeed, SlotSet::EMPTY, Some(1));
        assert!(book.add(key, After::Start, Template::cut(text, &[]).unwrap()));
    }
    let need = |intent, seed| TurnRecord {
        act: Some(Act { intent, ..Act::bare(ActKind::StateNeed) }),
        text_seed: seed,
        ..TurnRecord::blank(0, Speaker::Customer)
    };
    assert_eq!(book.covers(&[], &need(0, 1)), Some(Drawn::Templates), "another intent's need");
    let texts: std::collections::BTreeSet<String> = (0..40)
        .map(|seed| {
            let mut text = String::new();
            assert_eq!(book.render(&scenario, &[], &need(1, seed), &mut text), Some(Drawn::Real));
            text
        })
        .collect();
    assert_eq!(texts.len(), 3, "every message is drawn: {texts:?}");
    let again = |seed| {
        let mut text = String::new();
        assert_eq!(book.render(&scenario, &[], &need(1, seed), &mut text), Some(Drawn::Real));
        text
    };
    assert_eq!(again(17), again(17));
    // A key's intent is kept only for acts that state one.
    assert_eq!(Key::new(ActKind::ThankBye, SlotSet::EMPTY, Some(1)).intent, None);
}

#[test]
fn an_answer_no_single_message_gives_is_said_in_parts() {
    let scenario = sim_core::testing::tiny_scenario();
    let mut book = Phrasebook::default();
    let file = |book: &mut Phrasebook, slot: Slot, text: &str, value: &str| {
        let key = Key::new(ActKind::Inform, SlotSet::EMPTY.with(slot), None);
        assert!(book.add(key, After::Unknown, Template::cut(text, &[(slot, value)]).unwrap()));
    };
    file(&mut book, Slot::ZIP_CODE, "zip is 15213", "15213");
    file(&mut book, Slot::FULL_NAME, "its ben", "ben");
    let mut inform = Act::bare(ActKind::Inform);
    inform.put(Slot::FULL_NAME, 5005);
    inform.put(Slot::ZIP_CODE, 90210);
    let row = said(2, Speaker::Customer, inform);
    let mut text = String::new();
    assert_eq!(book.render(&scenario, &[], &row, &mut text), Some(Drawn::Real));
    assert_eq!(text, "its crystal minh, zip is 90210", "the name first: slot order");
    // A value no message gives at all is said bare after the rest, as real customers answer.
    let mut with_phone = inform;
    with_phone.put(Slot::PHONE, 5_551_234_567);
    let row = said(2, Speaker::Customer, with_phone);
    assert_eq!(book.covers(&[], &row), Some(Drawn::WithBareValues));
    let mut text = String::new();
    assert_eq!(book.render(&scenario, &[], &row, &mut text), Some(Drawn::WithBareValues));
    assert_eq!(text, "its crystal minh, zip is 90210, (555) 123-4567");
    // Only values no message gives: said alone, as a bare answer.
    let mut only_phone = Act::bare(ActKind::Inform);
    only_phone.put(Slot::PHONE, 5_551_234_567);
    only_phone.put(Slot::EMAIL, 7);
    let row = said(2, Speaker::Customer, only_phone);
    assert_eq!(book.covers(&[], &row), Some(Drawn::BareValues));
    let mut text = String::new();
    assert_eq!(book.render(&scenario, &[], &row, &mut text), Some(Drawn::BareValues));
    assert_eq!(text, "aphoenix007@email.com, (555) 123-4567", "in slot order");
    // A value some message gives, but only beside another: not bare, and no part says it alone.
    let mut book = Phrasebook::default();
    let key = Key::new(ActKind::Inform, name_and_zip(), None);
    let both = Template::cut("ben 15213", &[(Slot::FULL_NAME, "ben"), (Slot::ZIP_CODE, "15213")]);
    assert!(book.add(key, After::Unknown, both.unwrap()));
    file(&mut book, Slot::PHONE, "call 5551234567", "5551234567");
    let mut name_and_phone = Act::bare(ActKind::Inform);
    name_and_phone.put(Slot::FULL_NAME, 5005);
    name_and_phone.put(Slot::PHONE, 5_551_234_567);
    let row = said(2, Speaker::Customer, name_and_phone);
    assert_eq!(book.covers(&[], &row), Some(Drawn::Templates));
}

/// A combination of values fewer than `MIN_TOGETHER` real customers gave together is said in parts where parts can
/// say it (one real message would otherwise speak for every simulated customer who gives the two); from that many
/// on, whole.
#[test]
fn a_rare_combination_of_values_is_said_in_parts() {
    let scenario = sim_core::testing::tiny_scenario();
    let mut book = Phrasebook::default();
    let both = |text: &str| {
        Template::cut(text, &[(Slot::FULL_NAME, "ben"), (Slot::ZIP_CODE, "15213")]).unwrap()
    };
    let key = Key::new(ActKind::Inform, name_and_zip(), None);
    assert!(book.add(key, After::Unknown, both("ben 15213")));
    for (slot, text, value) in
        [(Slot::FULL_NAME, "its ben", "ben"), (Slot::ZIP_CODE, "zip 15213", "15213")]
    {
        let key = Key::new(ActKind::Inform, SlotSet::EMPTY.with(slot), None);
        assert!(book.add(key, After::Unknown, Template::cut(text, &[(slot, value)]).unwrap()));
    }
    let mut inform = Act::bare(ActKind::Inform);
    inform.put(Slot::FULL_NAME, 5005);
    inform.put(Slot::ZIP_CODE, 90210);
    let row = said(2, Speaker::Customer, inform);
    let say = |book: &Phrasebook| {
        let mut text = String::new();
        assert_eq!(book.render(&scenario, &[], &row, &mut text), Some(Drawn::Real));
        text
    };
    assert_eq!(say(&book), "its crystal minh, zip 90210");
    for text in ["ben, 15213", "ben at 15213"] {
        assert!(book.add(key, After::Unknown, both(text)));
    }
    assert_eq!(super::MIN_TOGETHER, 3);
    let whole = say(&book);
    assert!(
        ["crystal minh 90210", "crystal minh, 90210", "crystal minh at 90210"]
            .contains(&whole.as_str()),
        "{whole}"
    );
}

/// Three real asides after a question would be every simulated customer's aside after one: with fewer than
/// MIN_ANSWERING answers to the same agent act, a turn is drawn from every message of its act that answered some
/// agent act (never an opening); with enough, from its own. A need keeps its own, however few: a need answering a
/// refusal is another request, not a first one; but a need after a result told backs off like any other turn.
#[test]
fn a_few_answers_to_an_agent_act_back_off_to_every_answer_of_the_act() {
    use std::collections::BTreeMap;
    let scenario = sim_core::testing::tiny_scenario();
    let drawn = |book: &Phrasebook, act: Act, after: ActKind| {
        let earlier = [said(3, Speaker::Agent, Act::bare(after))];
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for seed in 0..3000 {
            let row = TurnRecord { text_seed: seed, ..said(4, Speaker::Customer, act) };
            let mut text = String::new();
            assert_eq!(book.render(&scenario, &earlier, &row, &mut text), Some(Drawn::Real));
            *counts.entry(text.split(' ').next().unwrap().to_owned()).or_default() += 1;
        }
        counts
    };
    let aside = Key::new(ActKind::OffTopic, SlotSet::EMPTY, None);
    let mut book = Phrasebook::default();
    let file = |book: &mut Phrasebook, key, after, text: &str, times| {
        for n in 0..times {
            assert!(book.add(key, after, Template::cut(&format!("{text} {n}"), &[]).unwrap()));
        }
    };
    file(&mut book, aside, After::Agent(ActKind::Ask), "asked", 3);
    file(&mut book, aside, After::Agent(ActKind::Offer), "offered", 27);
    file(&mut book, aside, After::Start, "opening", 30);
    let after_ask = drawn(&book, Act::bare(ActKind::OffTopic), ActKind::Ask);
    assert_eq!(after_ask.get("opening"), None, "{after_ask:?}");
    let asked = after_ask["asked"] as f64 / 3000.0;
    assert!((asked - 0.1).abs() < 0.03, "3 of the 30 answers: {after_ask:?}");
    // 27 answers to an offer are enough.
    assert_eq!(
        drawn(&book, Act::bare(ActKind::OffTopic), ActKind::Offer).keys().collect::<Vec<_>>(),
        ["offered"]
    );
    // At MIN_ANSWERING, a question's own.
    file(&mut book, aside, After::Agent(ActKind::Ask), "again", super::MIN_ANSWERING - 3);
    let after_ask = drawn(&book, Act::bare(ActKind::OffTopic), ActKind::Ask);
    assert_eq!(after_ask.keys().collect::<Vec<_>>(), ["again", "asked"], "{after_ask:?}");
    // A need keeps its own.
    let need = Key::new(ActKind::StateNeed, SlotSet::EMPTY, Some(1));
    let a_need = Act { intent: 1, ..Act::bare(ActKind::StateNeed) };
    file(&mut book, need, After::Agent(ActKind::Deny), "another", 1);
    file(&mut book, need, After::Agent(ActKind::AskNeed), "first", 30);
    assert_eq!(drawn(&book, a_need, ActKind::Deny).keys().collect::<Vec<_>>(), ["another"]);
    // Except after a result told (a forecast, a disclosure, is filed as one): two follow-ups would be every
    // simulated customer's, so it is drawn from every need that answered an agent.
    file(&mut book, need, After::Agent(ActKind::InformResult), "then", 2);
    let after_forecast = drawn(&book, a_need, ActKind::Disclose);
    assert_eq!(after_forecast.keys().collect::<Vec<_>>(), ["another", "first", "then"]);
    let then = after_forecast["then"] as f64 / 3000.0;
    assert!((then - 2.0 / 33.0).abs() < 0.02, "2 of the 33 needs: {after_forecast:?}");
}

/// A value a real customer wrote as an alias ("tomorrow" for Tuesday) is put back as the new value's own alias when it
/// has one, as the scenario writes it, and as the value itself when it has none, in the customer's case; a hole not
/// marked so writes the value.
#[test]
fn an_alias_is_put_back_as_the_new_values_alias() {
    use sim_core::field::{FieldSpec, FieldType, Gen};
    use sim_core::spec::SlotSpec;
    let days = ["Sunday", "Monday", "Tuesday", "Wednesday"].map(String::from).to_vec();
    let day = Slot(Slot::FIRST_DECLARED);
    let scenario = sim_core::spec::ScenarioSpec {
        fields: vec![FieldSpec {
            name: "forecast.day".into(),
            ty: FieldType::Enum(days),
            generator: Gen::Fixed(0),
            instance: None,
        }],
        slots: vec![SlotSpec {
            name: "forecast_day".into(),
            noun: "the day".into(),
            field: 0,
            identity: false,
            remembered: false,
            aliases: vec![("tomorrow".into(), 2), ("today".into(), 1)],
        }],
        ..sim_core::testing::tiny_scenario()
    };
    let written = |template: &Template, value: u64| {
        let mut out = String::new();
        template.write(&scenario, |_| value, &mut out);
        out
    };
    let said = Template::cut("weather Tomorrow?", &[(day, "Tomorrow")]).unwrap().said_as_alias(day);
    assert_eq!(written(&said, 2), "weather tomorrow?");
    assert_eq!(written(&said, 1), "weather today?");
    assert_eq!(written(&said, 3), "weather Wednesday?");
    let said = Template::cut("weather tomorrow?", &[(day, "tomorrow")]).unwrap().said_as_alias(day);
    assert_eq!(written(&said, 1), "weather today?");
    assert_eq!(written(&said, 0), "weather sunday?");
    let named = Template::cut("weather on Friday?", &[(day, "Friday")]).unwrap();
    assert_eq!(written(&named, 2), "weather on Tuesday?");
}
