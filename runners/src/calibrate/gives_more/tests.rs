//! Answers that give more than asked, counted by hand from the customer-text fixture.

use super::count;

/// The fixture in star-hotel's terms. h1 is asked its name ("its Ben"), hotel ("the Hyatt Hotel i guess"), arrival
/// ("arriving the 3rd") and departure, one value an answer: three answers with values of the request still to
/// give, none giving more (the departure, asked last, leaves nothing to give). h2 is asked its name ("Ana Lopez":
/// the hotel and days still to give, none given) and its hotel ("Old Town Inn from the 2nd to the 5th": more).
/// w1's "Which day?" and "Where?" have none of the tagger's words: nothing counted.
#[test]
fn the_fixtures_answers_giving_more_as_counted_by_hand() {
    let mut conversations = crate::calibrate::tests::star_hotel_fixture();
    let star = sim_scenarios::load_built_in("star-hotel").unwrap().spec;
    let counted: Vec<(String, (u64, u64))> = count(&conversations, &star).into_iter().collect();
    let expected = [("arrival_day", (0, 1)), ("guest_name", (0, 2)), ("hotel_name", (1, 2))];
    let expected: Vec<(String, (u64, u64))> =
        expected.iter().map(|(slot, counts)| ((*slot).to_owned(), *counts)).collect();
    assert_eq!(counted, expected);
    // Without its calls a conversation has no request to give more of.
    for conversation in &mut conversations {
        conversation.turns.retain(|turn| turn.action.is_none());
    }
    assert!(count(&conversations, &star).is_empty());
}
