//! Tests of the transcript format and of every adapter: each corpus's hand-written fixture converted and compared,
//! line by line, with what is written here by hand (its rejected rows with their line numbers included), and the
//! real corpus in ../shared/data counted against its README when it is there; the format's reader and writer.

use std::path::{Path, PathBuf};

use super::*;

/// Where the hand-written fixtures are: `calibration-data/fixtures/<corpus>/`.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../calibration-data/fixtures");

/// Where the real corpora sit in a checkout: shared/ beside the repository.
const SHARED_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");

/// Converts `fixture` (under `calibration-data/fixtures/`) with `corpus`'s adapter and compares the rendering:
/// per conversation `id labels traits`, then `  speaker @time [act] action=… {arguments} slots={…} "text"` per
/// turn, then each rejection with the fixture's path as `$FIXTURE`.
fn check(corpus: Corpus, fixture: &str, expect: &str) {
    let path = Path::new(FIXTURES).join(fixture);
    let converted = convert(corpus, &path).unwrap_or_else(|err| panic!("{err}"));
    let mut actual = render(&converted);
    if !path.is_dir() {
        actual = actual.replace(&path.display().to_string(), "$FIXTURE");
    }
    let actual = actual.replace(FIXTURES, "$FIXTURES");
    assert_eq!(actual.trim(), expect.trim(), "\n{actual}");
}

/// Converts the real corpus in `../shared/data/<folder>` and checks it gives `n_dialogues` (the README's count)
/// as conversations plus `n_rejected` rejected ones; skips when the folder is absent.
fn check_real(corpus: Corpus, folder: &str, n_dialogues: usize, n_rejected: usize) {
    let dir = PathBuf::from(SHARED_DATA).join(folder);
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let converted = convert(corpus, &dir).unwrap_or_else(|err| panic!("{err}"));
    let rejected: Vec<&Rejected> =
        converted.rejected.iter().filter(|r| r.dropped == Dropped::Conversation).collect();
    eprintln!("{}", converted.summary(Path::new("-")));
    assert_eq!(rejected.len(), n_rejected, "{rejected:#?}");
    assert_eq!(converted.conversations.len() + rejected.len(), n_dialogues);
}

fn render(converted: &Converted) -> String {
    let mut out = String::new();
    for conversation in &converted.conversations {
        out += &conversation.id;
        let labels = [
            ("corpus", &conversation.corpus),
            ("domain", &conversation.domain),
            ("intent", &conversation.intent),
            ("outcome", &conversation.outcome),
        ];
        for (name, value) in labels {
            if let Some(value) = value {
                out += &format!(" {name}={value}");
            }
        }
        if !conversation.traits.is_empty() {
            out += &format!(" traits={}", serde_json::to_string(&conversation.traits).unwrap());
        }
        out.push('\n');
        for turn in &conversation.turns {
            out += "  ";
            out += &serde_json::to_string(&turn.speaker).unwrap().replace('"', "");
            if let Some(time) = turn.timestamp {
                out += &format!(" @{time}");
            }
            if let Some(act) = &turn.act {
                out += &format!(" [{act}]");
            }
            if let Some(action) = &turn.action {
                out += &format!(" action={action}");
            }
            if let Some(arguments) = &turn.arguments {
                out += &format!(" {}", serde_json::to_string(arguments).unwrap());
            }
            if !turn.slots.is_empty() {
                out += &format!(" slots={}", serde_json::to_string(&turn.slots).unwrap());
            }
            out += &format!(" {:?}\n", turn.text);
        }
    }
    for rejected in &converted.rejected {
        out += &format!("{}: {rejected}\n", rejected.dropped);
    }
    out
}

#[test]
fn written_transcripts_read_back_the_same_and_bad_lines_are_rejected_by_number() {
    let converted =
        convert(Corpus::Star, &Path::new(FIXTURES).join("star/dialogues.jsonl")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("star.jsonl");
    write_jsonl(&out, &converted.conversations).unwrap();
    let names: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["star.jsonl"], "no staged file is left");
    let mut text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(r#"{"id":"1","corpus":"star","domain":"weather","#), "{text}");
    text += "{\"id\": \"x\", \"turns\": [{\"speaker\": \"robot\", \"text\": \"\"}]}\n";
    std::fs::write(&out, text).unwrap();
    let read = read_jsonl(&out).unwrap();
    assert_eq!(read.conversations, converted.conversations);
    assert_eq!(read.rejected.len(), 1);
    assert_eq!(read.rejected[0].place, Place::Line(4));
}

#[test]
fn a_missing_input_is_an_error_naming_it() {
    let err = convert(Corpus::Casino, Path::new("/nonexistent/casino.jsonl")).unwrap_err();
    assert!(err.to_string().starts_with("/nonexistent/casino.jsonl: cannot open: "), "{err}");
}

#[test]
fn csv_fields_may_be_quoted_over_lines_and_bad_rows_name_their_line() {
    let rows = read::csv_rows("a,b\n1,\"x, \"\"y\"\"\nz\"\n2,x\"y\n3,\"open\n");
    let expect: read::CsvRows = vec![
        (1, Ok(vec!["a".into(), "b".into()])),
        (2, Ok(vec!["1".into(), "x, \"y\"\nz".into()])),
        (4, Err("stray quote in field 2".into())),
        (5, Err("a quoted field is not closed before the end of the file".into())),
    ];
    assert_eq!(rows, expect);
}

#[test]
fn star_fixture() {
    check(
        Corpus::Star,
        "star/dialogues.jsonl",
        r#"
1 corpus=star domain=weather intent=weather outcome=completed
  customer @1600000000 slots={"weather.City":"Lisbon"} "Is it going to rain in Lisbon tomorrow?"
  agent @1600000010 [hello] "Hello, how can I help?"
  system @1600000011 "Ask for the weather on Friday instead. [instruction 1 of 2]"
  agent @1600000015 action=weather {"City":"\"Lisbon\"","Day":"\"Friday\""} ""
  tool @1600000016 action=weather "{\"item\":{\"City\":\"Lisbon\",\"Forecast\":\"sunny\"},\"total_items\":1}"
  agent @1600000020 [weather_inform_forecast] "It will be sunny all day on Friday in Lisbon."
  customer @1600000030 "Actually friday. thanks!"
  agent @1600000035 "You're welcome, bye."
2 corpus=star domain=bank+hotel intent=bank_balance+hotel_book outcome=abandoned
  customer "hi, what's my balance"
  agent [ask_name] "Please provide your name."
5 corpus=star domain=ride intent=ride_book
  customer "I need a cab"
conversation rejected: $FIXTURE:3: not a dialogue of the corpus's format: EOF while parsing a list at line 1 column 50
conversation rejected: $FIXTURE:4: event without a field it needs: event 0: Wizard pick_suggestion without ActionLabel
label dropped: $FIXTURE:5: unknown CompletionLevel: Finished
"#,
    );
}

/// A query's values go to the latest customer turn before it that has them as whole words, ignoring case, as the
/// customer wrote them; `RequestType`, numbers, lists and other `api.` forms are skipped.
#[test]
fn star_slots_are_query_values_in_the_latest_customer_turn_before_the_query() {
    let customer = |text: &str| Turn::said(Speaker::Customer, text);
    let arguments = serde_json::json!({
        "CustomerName": "\"Ben\"",
        "Day": "api.is_equal_to([\"Sunday\"])",
        "EndDate": "\"21st\"",
        "Name": "api.is_equal_to(\"Shadyside Inn\")",
        "NumRooms": "1",
        "RequestType": "\"Check\"",
        "StartDate": "\" 5th \"",
    });
    let query = Turn {
        action: Some("hotel_book".to_owned()),
        arguments: arguments.as_object().cloned(),
        ..Turn::said(Speaker::Agent, "")
    };
    let mut turns = vec![
        customer("I'm Ben. Can I check the Shadyside Inn?"),
        customer("from May 5th, at the SHADYSIDE INN, on Sunday"),
        Turn::said(Speaker::Agent, "Ben, 21st?"),
        customer("Bennett, sorry: 1 room until the 15th"),
        query,
        customer("Ben, until the 21st"),
    ];
    star::annotate_slots(&mut turns);
    let slots: Vec<String> =
        turns.iter().map(|turn| serde_json::to_string(&turn.slots).unwrap()).collect();
    assert_eq!(
        slots,
        [
            r#"{"hotel_book.CustomerName":"Ben"}"#,
            r#"{"hotel_book.Name":"SHADYSIDE INN","hotel_book.StartDate":"5th"}"#,
            "{}",
            "{}",
            "{}",
            "{}",
        ]
    );
}

/// A value written in STAR customers' other words: "NYC" for New York City, "tomorrow" for the day after the one the
/// instructions name ("Today is Wednesday": Thursday), "today" for that day; "tomorrow" is no Friday then.
#[test]
fn star_values_are_found_in_their_other_words() {
    let customer = |text: &str| Turn::said(Speaker::Customer, text);
    let query = |day: &str, city: &str| Turn {
        action: Some("weather".to_owned()),
        arguments: serde_json::json!({"Day": format!("\"{day}\""), "City": format!("\"{city}\"")})
            .as_object()
            .cloned(),
        ..Turn::said(Speaker::Agent, "")
    };
    let mut turns = vec![
        Turn::said(
            Speaker::System,
            "See the weather. (Today is Wednesday and you are in New York City)",
        ),
        customer("what's the weather in NYC tomorrow?"),
        query("Thursday", "New York City"),
        customer("and in LA today"),
        query("Wednesday", "Los Angeles"),
        customer("what about tomorrow in SF"),
        query("Friday", "San Francisco"),
    ];
    star::annotate_slots(&mut turns);
    let slots: Vec<String> =
        turns.iter().map(|turn| serde_json::to_string(&turn.slots).unwrap()).collect();
    assert_eq!(
        slots,
        [
            "{}",
            r#"{"weather.City":"NYC","weather.Day":"tomorrow"}"#,
            "{}",
            r#"{"weather.City":"LA","weather.Day":"today"}"#,
            "{}",
            r#"{"weather.City":"SF"}"#,
            "{}",
        ]
    );
    assert_eq!(
        star::other_words("Thursday", None),
        Vec::<&str>::new(),
        "no day named: no tomorrow"
    );
    assert_eq!(star::other_words("Sunday", Some(6)), ["tomorrow"], "Saturday's tomorrow is Sunday");
}

/// 5,302 dialogues in the README; none rejected (336 have no message: early disconnects, kept).
#[test]
fn star_real_corpus() {
    check_real(Corpus::Star, "star", 5302, 0);
}

#[test]
fn multidogo_fixture() {
    check(
        Corpus::Multidogo,
        "multidogo/customer_turns_turn_level.jsonl",
        r#"
a1 corpus=multidogo domain=airline intent=changeseatassignment
  customer [openinggreeting] "hey there"
  agent ""
  customer [changeseatassignment] "can i move to a window seat"
  agent ""
  customer [contentonly] slots={"booking_confirmation_number":"kq 77","name":"ana"} "ana conf kq 77"
  customer [contentonly] "ok"
  agent ""
  customer [thankyou<div>closinggreeting] "thx bye"
f2 corpus=multidogo domain=fastfood intent=orderdrinkintent
  agent ""
  customer [orderdrinkintent] slots={"food_item":"cola, lemonade","quantity":"two"} "two cola and lemonade"
  customer [contentonly] "hmm"
m4 corpus=multidogo domain=media intent=startserviceintent
  agent ""
  customer [startserviceintent] "start service"
  agent ""
  customer [contentonly] "tv plan"
conversation rejected: $FIXTURE:3: turn numbers do not increase: turn 1 after turn 2
label dropped: $FIXTURE:4: slot labels do not match the utterance's words: turn 3: 2 words, 1 labels
conversation rejected: $FIXTURE:5: not a dialogue of the corpus's format: missing field `intent` at line 1 column 142
"#,
    );
}

/// 11,313 conversations in the README; none rejected (456 turns keep no slots: their label count differs).
#[test]
fn multidogo_real_corpus() {
    check_real(Corpus::Multidogo, "multidogo", 11_313, 0);
}

#[test]
fn abcd_fixture() {
    check(
        Corpus::Abcd,
        "abcd/abcd_sample.json",
        r#"
101 corpus=abcd domain=shipping_issue intent=status_delivery_time traits={"member_level":"gold"}
  agent "Hello, what can I do for you today?"
  customer "where is my parcel? it's been a week"
  agent "Let me look it up, may I have your full name?"
  customer "Tom Ruiz"
  tool action=pull-up-account {"values":["tom ruiz"]} "Account has been pulled up for Tom Ruiz."
  agent "It ships tomorrow."
102 corpus=abcd domain=account_access intent=recover_password
  customer "I forgot my password"
  tool "Password has been reset."
label dropped: $FIXTURE: dialogue 102: action turn without its button in delexed: turn 1
conversation rejected: $FIXTURE: dialogue 103: unknown speaker: turn 1: "supervisor"
conversation rejected: $FIXTURE: dialogue #3: not a dialogue of the corpus's format: invalid length 1, expected a tuple of size 2
"#,
    );
}

/// The 3 sample dialogues in the README; none rejected.
#[test]
fn abcd_real_corpus() {
    check_real(Corpus::Abcd, "abcd", 3, 0);
}

#[test]
fn persuasionforgood_fixture() {
    check(
        Corpus::Persuasionforgood,
        "persuasionforgood",
        r#"
20200101-000001_1_live corpus=persuasionforgood domain=donation outcome=donated traits={"age":41.0,"agreeable":4.2,"donation":0.5,"extrovert":3.0,"ideology":"Moderate","sex":"Female"}
  agent [greeting] "Hi! Have you heard of Save the Children?"
  customer [greeting,ask-org-info] "Hello. No, what do they do?"
  agent [donation-information] "They help kids in need, with food and schooling, all over the world."
  customer [positive-reaction-to-donation] "That sounds good, I could give fifty cents."
20200101-000002_2_live corpus=persuasionforgood domain=donation outcome=not_donated traits={"agreeable":3.4,"donation":0.0,"extrovert":2.6,"ideology":"Liberal","sex":"Male"}
  agent "Would you give part of your pay to a children's charity?"
  customer "Not today, sorry."
20200101-000004_4_live corpus=persuasionforgood domain=donation
  agent "Hello there"
20200101-000005_5_live corpus=persuasionforgood domain=donation traits={"age":33.0,"agreeable":3.5,"extrovert":3.5,"ideology":"Liberal","sex":"Female"}
  agent "How about a gift to Save the Children?"
  customer "Sure, take 700 dollars"
row rejected: $FIXTURES/persuasionforgood/full_info.csv:7: unreadable row: 3 fields: 20200101-000004_4_live,user_8,1
label dropped: $FIXTURES/persuasionforgood/full_info.csv:8: donation above the $2 task payment (an entry error): no donation and no outcome: 700
row rejected: $FIXTURES/persuasionforgood/full_dialog.csv:6: wrong number of fields: 4 fields, the header has 5
conversation rejected: $FIXTURES/persuasionforgood/full_dialog.csv:9: Turn is not a whole number: dialogue 20200101-000003_3_live: "one"
label dropped: $FIXTURES/persuasionforgood/full_info.csv: dialogue 20200101-000004_4_live: no persuadee row in the survey
"#,
    );
}

/// 829 dialogues in the README; none rejected.
#[test]
fn persuasionforgood_real_corpus() {
    check_real(Corpus::Persuasionforgood, "persuasionforgood", 829, 0);
}

#[test]
fn casino_fixture() {
    check(
        Corpus::Casino,
        "casino/casino_train_valid.jsonl",
        r#"
7 corpus=casino domain=campsite outcome=agreed traits={"age":29.0,"agreeableness":5.5,"conscientiousness":6.0,"education":"master's degree","emotional-stability":4.0,"ethnicity":"asian american","extraversion":3.5,"gender":"female","openness-to-experiences":5.0,"opponent_likeness":"Slightly like","points_scored":19.0,"priority_high":"Water","priority_low":"Firewood","priority_medium":"Food","reason_high":"We hike a lot in the heat.","reason_low":"The site has a fire pit with wood.","reason_medium":"My kids eat a lot.","satisfaction":"Slightly satisfied","svo":"prosocial"}
  customer [small-talk] "Hi neighbour! Ready for the weekend? 🙂"
  agent [small-talk,elicit-pref] "Yes! What do you need most?"
  customer [self-need] "Water, we hike a lot in the heat."
  agent "I'd take all the firewood then."
  agent action=submit_deal {"issue2theyget":{"Firewood":"0","Food":"1","Water":"3"},"issue2youget":{"Firewood":"3","Food":"2","Water":"0"}} ""
  customer action=accept_deal ""
8 corpus=casino domain=campsite outcome=walked_away
  agent "I need everything."
  customer action=walk_away ""
label dropped: $FIXTURE:1: utterance without its annotation: turn 3
label dropped: $FIXTURE:2: no participant_info for the customer: mturk_agent_1
conversation rejected: $FIXTURE:3: unknown participant: turn 1: "mturk_agent_3"
"#,
    );
}

/// 930 dialogues in the README; none rejected.
#[test]
fn casino_real_corpus() {
    check_real(Corpus::Casino, "casino", 930, 0);
}

#[test]
fn dealornodeal_fixture() {
    check(
        Corpus::Dealornodeal,
        "dealornodeal/dialogues.jsonl",
        r#"
dnd-00010 corpus=dealornodeal domain=item split outcome=agreed traits={"ball_count":1.0,"ball_value":4.0,"book_count":2.0,"book_value":1.0,"hat_count":2.0,"hat_value":2.0,"reward":6.0}
  customer "can i have the ball and a hat ?"
  agent "ok if i get both books"
  customer "deal ."
dnd-00012 corpus=dealornodeal domain=item split outcome=no_agreement traits={"ball_count":3.0,"ball_value":0.0,"book_count":1.0,"book_value":10.0,"hat_count":1.0,"hat_value":0.0}
  agent "i want the book ."
  customer "no , the book is mine"
conversation rejected: $FIXTURE:3: not a dialogue of the corpus's format: invalid type: null, expected a sequence at line 1 column 85
"#,
    );
}

/// 5,773 dialogues in the README; none rejected.
#[test]
fn dealornodeal_real_corpus() {
    check_real(Corpus::Dealornodeal, "dealornodeal", 5773, 0);
}

/// A rehearse run's transcripts: free text keeps the act the tagger read, a tool message is the agent's call then
/// the tool's answer, a customer turn of two lines is two messages with its act, a closed episode is `completed`,
/// the persona joins the traits.
#[test]
fn rehearse_fixture() {
    check(
        Corpus::Rehearse,
        "rehearse/transcripts.jsonl",
        r#"
0 corpus=rehearse domain=order_issue intent=status_delivery_time outcome=completed traits={"patience":20.0,"persona":"calm","verbosity":3.5}
  customer [greet] "hi"
  agent [ask_need] "hello, what can I do for you?"
  customer [state_need] "where is my parcel"
  agent action=pull-up-account {"full_name":"Ana Diaz"} ""
  tool "Account has been pulled up for Ana Diaz."
  agent [inform] "It arrives Monday."
1 corpus=rehearse domain=account_access intent=reset_2fa outcome=abandoned traits={"patience":4.0,"persona":"impatient"}
  customer [state_need] "reset my 2fa"
  customer [state_need] "now please"
  agent [refuse] "I cannot help with that."
conversation rejected: $FIXTURE:3: not a dialogue of the corpus's format: invalid type: null, expected a sequence at line 1 column 195
"#,
    );
}

/// The split depends only on corpus and id: a conversation keeps its side alone or among others, the share held
/// out is near the fraction, and another corpus's conversation of the same id may fall elsewhere.
#[test]
fn the_held_out_side_depends_only_on_corpus_and_id() {
    let conversation =
        |corpus: Corpus, id: usize| Conversation::new(corpus, id.to_string(), Vec::new());
    let held: Vec<bool> =
        (0..10_000).map(|id| held_out(&conversation(Corpus::Star, id), 0.2)).collect();
    let share = held.iter().filter(|held| **held).count() as f64 / held.len() as f64;
    assert!((share - 0.2).abs() < 0.015, "{share}");
    assert!((0..10_000).all(|id| held_out(&conversation(Corpus::Star, id), 0.2) == held[id]));
    let other =
        (0..10_000).filter(|id| held_out(&conversation(Corpus::Multidogo, *id), 0.2) != held[*id]);
    assert!(other.count() > 1000, "the corpus is part of the key");
    // A larger fraction holds out a superset.
    assert!((0..10_000).all(|id| !held[id] || held_out(&conversation(Corpus::Star, id), 0.5)));
}

/// A split by intent holds out whole intents: a conversation of several intents (joined by `+`) is held out when
/// any of them is, so no held-out intent reaches training; a split by id is the split above.
#[test]
fn a_split_by_intent_keeps_every_held_out_intent_out_of_training() {
    let with_intent = |id: usize, intent: &str| Conversation {
        intent: Some(intent.to_owned()),
        ..Conversation::new(Corpus::Star, id.to_string(), Vec::new())
    };
    let tasks: Vec<String> = (0..40).map(|task| format!("task_{task}")).collect();
    let held_tasks: Vec<&String> = tasks
        .iter()
        .filter(|task| held_out_by(&with_intent(0, task), SplitBy::Intent, 0.25))
        .collect();
    assert!((5..=15).contains(&held_tasks.len()), "{held_tasks:?}");
    let mut conversations: Vec<Conversation> =
        (0..400).map(|id| with_intent(id, &tasks[id % 40])).collect();
    conversations.extend(
        (0..40).map(|id| with_intent(400 + id, &format!("{}+{}", tasks[id], tasks[(id + 1) % 40]))),
    );
    let (held, train): (Vec<Conversation>, Vec<Conversation>) = conversations
        .iter()
        .cloned()
        .partition(|conversation| held_out_by(conversation, SplitBy::Intent, 0.25));
    for conversation in &train {
        for task in conversation.intent.as_deref().unwrap().split('+') {
            assert!(!held_tasks.iter().any(|held| *held == task), "{task} in training");
        }
    }
    // each held-out task alone is held out, and so is every pair that has one
    let pairs_held = held
        .iter()
        .filter(|conversation| conversation.intent.as_deref().unwrap().contains('+'))
        .count();
    let expected_pairs = (0..40)
        .filter(|id| {
            held_tasks.contains(&&tasks[*id]) || held_tasks.contains(&&tasks[(id + 1) % 40])
        })
        .count();
    assert_eq!(pairs_held, expected_pairs);
    let mut names: Vec<String> = held_tasks.into_iter().cloned().collect();
    names.sort();
    assert_eq!(unseen(&train, &held, SplitBy::Intent), names);
    for conversation in &conversations {
        assert_eq!(held_out_by(conversation, SplitBy::Id, 0.2), held_out(conversation, 0.2));
    }
}
