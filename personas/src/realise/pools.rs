//! Flat tables the realiser renders value codes from; sizes match `sim_core::world::pools`.
//!
//! Names, products, reasons, order options, refund methods and security answers come from the ABCD ontology
//! (`../shared/data/abcd/ontology.json`); the first ten first and last names are ABCD's `customer_name` list.

use sim_core::world::pools;

/// First names; ABCD's customer names first.
pub(crate) const FIRST_NAMES: [&str; 48] = [
    "Alessandro",
    "Joyce",
    "Albert",
    "David",
    "Sanya",
    "Crystal",
    "Chloe",
    "Rodriguez",
    "Joseph",
    "Norman",
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "Richard",
    "Barbara",
    "Thomas",
    "Susan",
    "Charles",
    "Jessica",
    "Daniel",
    "Sarah",
    "Matthew",
    "Karen",
    "Anthony",
    "Nancy",
    "Mark",
    "Lisa",
    "Steven",
    "Betty",
    "Paul",
    "Sandra",
    "Andrew",
    "Ashley",
    "Joshua",
    "Emily",
    "Kevin",
    "Maria",
    "Brian",
    "Sofia",
    "Omar",
    "Priya",
];

/// Last names; ABCD's customer names first.
pub(crate) const LAST_NAMES: [&str; 48] = [
    "Phoenix", "Wu", "Sanders", "Williams", "Afzal", "Minh", "Zhang", "Domingo", "Banter",
    "Bouchard", "Smith", "Johnson", "Brown", "Jones", "Garcia", "Miller", "Davis", "Martinez",
    "Lopez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams",
    "Nelson", "Baker",
];

/// Street names, ABCD style.
pub(crate) const STREETS: [&str; 32] = [
    "1st ave",
    "lexington ave",
    "lincoln ave",
    "kennedy st",
    "primrose ave",
    "brushy bend",
    "woodshore dr",
    "circle drive",
    "main st",
    "elm ave",
    "oak st",
    "maple ave",
    "pine st",
    "cedar ln",
    "washington blvd",
    "park ave",
    "2nd st",
    "3rd ave",
    "lakeview dr",
    "hill st",
    "sunset blvd",
    "river rd",
    "church st",
    "highland ave",
    "broadway",
    "spring st",
    "willow way",
    "forest ave",
    "chestnut st",
    "walnut st",
    "madison ave",
    "bay st",
];

/// Cities with a state, ABCD style ("san mateo, ny").
pub(crate) const CITIES: [&str; 24] = [
    "san mateo, ny",
    "la fayette, tx",
    "raleigh, mi",
    "monterey, ca",
    "baltimore, ca",
    "newark, ny",
    "jacksonville, ny",
    "brighton, ca",
    "austin, mi",
    "portland, wa",
    "springfield, il",
    "denver, co",
    "columbus, oh",
    "charlotte, nc",
    "phoenix, az",
    "seattle, wa",
    "boston, ma",
    "nashville, tn",
    "detroit, mi",
    "tucson, az",
    "fresno, ca",
    "omaha, ne",
    "miami, fl",
    "richmond, va",
];

/// Products (brand × type), ABCD's `product` list.
pub(crate) const PRODUCTS: [&str; 16] = [
    "calvin klein boots",
    "calvin klein jacket",
    "calvin klein jeans",
    "calvin klein shirt",
    "guess boots",
    "guess jacket",
    "guess jeans",
    "guess shirt",
    "michael kors boots",
    "michael kors jacket",
    "michael kors jeans",
    "michael kors shirt",
    "tommy hilfiger boots",
    "tommy hilfiger jacket",
    "tommy hilfiger jeans",
    "tommy hilfiger shirt",
];

/// Reasons, ABCD's `reason_slotval`.
pub(crate) const REASONS: [&str; 10] = [
    "subscription refund",
    "previous purchase",
    "promotional package",
    "email",
    "spouse",
    "news",
    "competitor",
    "yesterday",
    "9 days",
    "5 days",
];

/// Order options, ABCD's `order_slotval`.
pub(crate) const ORDER_OPTIONS: [&str; 8] = [
    "give credit",
    "tomorrow",
    "next week",
    "cancel shipment",
    "by mail",
    "in store",
    "drop off center",
    "waive fee",
];

/// Refund methods, ABCD's `refund_target`.
pub(crate) const REFUND_METHODS: [&str; 4] =
    ["add value", "credit card", "gift card", "paper check"];

/// Security answers, ABCD's `security_answer`.
pub(crate) const SECURITY_ANSWERS: [&str; 5] =
    ["Alexander", "Martinez", "Livingston", "Singh", "Ahmed"];

/// Payment methods, in sim-core's `payment_weights` order.
pub(crate) const PAYMENT_METHODS: [&str; 3] = ["credit card", "debit card", "paypal"];

/// Shipping states, in the order of `sim_core::world::Order::shipping`.
pub(crate) const SHIPPING_STATES: [&str; 4] =
    ["order received", "in transit", "out for delivery", "delivered"];

const _: () = {
    assert!(FIRST_NAMES.len() as u64 == pools::FIRST_NAMES);
    assert!(LAST_NAMES.len() as u64 == pools::LAST_NAMES);
    assert!(STREETS.len() as u64 == pools::STREETS);
    assert!(CITIES.len() as u64 == pools::CITIES);
    assert!(PRODUCTS.len() as u64 == pools::PRODUCTS);
    assert!(REASONS.len() as u64 == pools::REASONS);
    assert!(ORDER_OPTIONS.len() as u64 == pools::ORDER_OPTIONS);
    assert!(REFUND_METHODS.len() as u64 == pools::REFUND_METHODS);
    assert!(SECURITY_ANSWERS.len() as u64 == pools::SECURITY_ANSWERS);
    assert!(PAYMENT_METHODS.len() as u64 == pools::PAYMENT_METHODS);
};

/// The entry of `pool` for `code`, wrapping out-of-range codes (invented values) instead of panicking.
pub(crate) fn entry(pool: &[&'static str], code: u64) -> &'static str {
    pool[(code % pool.len() as u64) as usize]
}
