//! Scores counted by hand.

use super::*;

/// Four messages labelled ask (three read as ask, one unclear), two labelled deny (one read as deny, one as ask):
/// ask precision 3/4 and recall 3/4, deny precision 1/1 and recall 1/2; accuracy 4/6.
#[test]
fn precision_and_recall_are_counted_per_act() {
    let pairs = [
        (ActKind::Ask, Some(ActKind::Ask)),
        (ActKind::Ask, Some(ActKind::Ask)),
        (ActKind::Ask, Some(ActKind::Ask)),
        (ActKind::Ask, None),
        (ActKind::Deny, Some(ActKind::Deny)),
        (ActKind::Deny, Some(ActKind::Ask)),
    ];
    let score = score("hand", pairs);
    assert_eq!(score.messages, 6);
    assert_eq!(score.unclear, 1);
    assert!((score.accuracy - 4.0 / 6.0).abs() < 1e-12);
    let ask = score.acts.iter().find(|act| act.act == "ask").unwrap();
    assert_eq!((ask.support, ask.predicted, ask.correct), (4, 4, 3));
    let deny = score.acts.iter().find(|act| act.act == "deny").unwrap();
    assert_eq!((deny.support, deny.predicted, deny.correct), (2, 1, 1));
    assert!((deny.recall - 0.5).abs() < 1e-12 && (deny.precision - 1.0).abs() < 1e-12);
    assert_eq!(score.confusions[0], ("ask".to_owned(), "unclear".to_owned(), 1));
    assert!(table(&[score]).contains("deny"));
}
