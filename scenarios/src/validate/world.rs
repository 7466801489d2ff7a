//! World generation: membership and payment weights, the price distribution, day and item ranges, the oracle's odds.

use sim_core::spec::{PriceGen, WorldGen};

use super::Issues;
use crate::file::{RangeFile, WorldFile};
use crate::path::FieldPath;

/// Most items an order holds (the engine keeps them in fixed arrays).
pub const MAX_ITEMS: u8 = 4;

pub(super) fn world_gen(file: &WorldFile, at: &FieldPath, issues: &mut Issues) -> WorldGen {
    let membership = &file.membership_weights;
    let membership_weights =
        [membership.guest, membership.bronze, membership.silver, membership.gold];
    let membership_path = at.field("membership_weights");
    issues.weights(
        &membership_path,
        "membership weights",
        ["guest", "bronze", "silver", "gold"].into_iter().zip(membership_weights).map(
            |(name, weight)| {
                (membership_path.field(name), format!("membership weight `{name}`"), weight)
            },
        ),
    );
    let payment = &file.payment_weights;
    let payment_weights = [payment.credit_card, payment.debit_card, payment.paypal];
    let payment_path = at.field("payment_weights");
    issues.weights(
        &payment_path,
        "payment weights",
        ["credit_card", "debit_card", "paypal"].into_iter().zip(payment_weights).map(
            |(name, weight)| (payment_path.field(name), format!("payment weight `{name}`"), weight),
        ),
    );
    price(file, &at.field("price"), issues);
    range(
        &file.days_since_purchase,
        "days_since_purchase",
        &at.field("days_since_purchase"),
        issues,
    );
    let items = &file.items_per_order;
    let items_path = at.field("items_per_order");
    if range(items, "items_per_order", &items_path, issues) {
        if items.min < 1 {
            issues
                .push(items_path.field("min"), "items_per_order min must be at least 1".to_owned());
        }
        if items.max > MAX_ITEMS {
            issues.push(
                items_path.field("max"),
                format!(
                    "items_per_order max is {}; an order holds at most {MAX_ITEMS} items",
                    items.max
                ),
            );
        }
    }
    if !(0.0..=1.0).contains(&file.oracle_yes) {
        issues.push(
            at.field("oracle_yes"),
            format!("oracle_yes is {}; a probability must lie in [0, 1]", file.oracle_yes),
        );
    }
    let price = &file.price;
    WorldGen {
        membership_weights,
        price: PriceGen { mu: price.mu, sigma: price.sigma, min: price.min, max: price.max },
        days_since_purchase: (file.days_since_purchase.min, file.days_since_purchase.max),
        payment_weights,
        items_per_order: (items.min, items.max),
        oracle_yes: file.oracle_yes,
    }
}

fn price(file: &WorldFile, at: &FieldPath, issues: &mut Issues) {
    let price = &file.price;
    if !price.mu.is_finite() {
        issues.push(at.field("mu"), format!("price mu is {}; it must be finite", price.mu));
    }
    if !(price.sigma.is_finite() && price.sigma > 0.0) {
        issues.push(
            at.field("sigma"),
            format!("price sigma is {}; it must be finite and positive", price.sigma),
        );
    }
    let mut bounds_ok = true;
    for (name, value) in [("min", price.min), ("max", price.max)] {
        if !(value.is_finite() && value >= 0.0) {
            bounds_ok = false;
            issues.push(
                at.field(name),
                format!("price {name} is {value}; it must be finite and not negative"),
            );
        }
    }
    if bounds_ok && price.min > price.max {
        issues.push(
            at.field("min"),
            format!("price min {} is above price max {}", price.min, price.max),
        );
    }
}

/// Reports `min > max`; returns whether the range is ordered.
fn range<T: PartialOrd + std::fmt::Display>(
    range: &RangeFile<T>,
    what: &str,
    at: &FieldPath,
    issues: &mut Issues,
) -> bool {
    let ordered = range.min <= range.max;
    if !ordered {
        issues
            .push(at.field("min"), format!("{what} min {} is above max {}", range.min, range.max));
    }
    ordered
}
