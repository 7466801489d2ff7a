//! Scores counted by hand.

use super::*;

/// Four messages labelled ask (three read as ask, one unclear), two labelled deny (one read as deny, one as ask):
/// ask precision 3/4 and recall 3/4, deny precision 1/1 and recall 1/2, a close read as an offer; accuracy 4/7.
#[test]
fn precision_and_recall_are_counted_per_act() {
    let pairs = [
        (ActKind::Ask, Some(ActKind::Ask)),
        (ActKind::Ask, Some(ActKind::Ask)),
        (ActKind::Ask, Some(ActKind::Ask)),
        (ActKind::Ask, None),
        (ActKind::Deny, Some(ActKind::Deny)),
        (ActKind::Deny, Some(ActKind::Ask)),
        (ActKind::Close, Some(ActKind::Offer)),
    ];
    let score = score("hand", pairs);
    assert_eq!(score.messages, 7);
    assert_eq!(score.unclear, 1);
    assert!((score.accuracy - 4.0 / 7.0).abs() < 1e-12);
    let ask = score.acts.iter().find(|act| act.act == "ask").unwrap();
    assert_eq!((ask.support, ask.predicted, ask.correct), (4, 4, 3));
    let deny = score.acts.iter().find(|act| act.act == "deny").unwrap();
    assert_eq!((deny.support, deny.predicted, deny.correct), (2, 1, 1));
    assert_eq!((deny.recall, deny.precision), (Some(0.5), Some(1.0)));
    // a close read as an offer: close was never read (no precision), offer never labelled (no recall)
    let close = score.acts.iter().find(|act| act.act == "close").unwrap();
    assert_eq!((close.precision, close.recall), (None, Some(0.0)));
    let offer = score.acts.iter().find(|act| act.act == "offer").unwrap();
    assert_eq!((offer.precision, offer.recall), (Some(0.0), None));
    assert_eq!(score.confusions[0], ("ask".to_owned(), "unclear".to_owned(), 1));
    let table = table(&[score]);
    let offer_line = table.lines().find(|line| line.trim_start().starts_with("offer")).unwrap();
    assert!(offer_line.ends_with("0.0%       -"), "{offer_line}");
}
