//! Flat phrase tables: what each ABCD subflow is about, and how customers open with it.

use super::style::{Phrasings, phrasings};

/// (intent id, verb phrase fitting "I want to …" and "your request to …"), one per ABCD subflow.
pub(crate) const INTENT_PHRASES: [(&str, &str); 55] = [
    ("recover_username", "recover the username on the account"),
    ("recover_password", "reset the password on the account"),
    ("reset_2fa", "reset two-factor authentication"),
    ("status_service_added", "check on a service that was added"),
    ("status_service_removed", "check on a service that was removed"),
    ("status_shipping_question", "ask about shipping on the account"),
    ("status_credit_missing", "find a missing credit"),
    ("manage_change_address", "change the address on the account"),
    ("manage_change_name", "change the name on the account"),
    ("manage_change_phone", "change the phone number on the account"),
    ("manage_payment_method", "change the payment method on the account"),
    ("status_mystery_fee", "ask about an unexpected fee"),
    ("status_delivery_time", "check when the order will arrive"),
    ("status_payment_method", "check which payment method was used"),
    ("status_quantity", "fix the quantity on an order"),
    ("manage_upgrade", "upgrade the shipping on an order"),
    ("manage_downgrade", "downgrade the shipping on an order"),
    ("manage_create", "place a new order"),
    ("manage_cancel", "cancel an order"),
    ("refund_initiate", "get a refund"),
    ("refund_update", "add an item to an existing refund"),
    ("refund_status", "check on the status of a refund"),
    ("return_stain", "return an item that arrived stained"),
    ("return_color", "return an item in the wrong color"),
    ("return_size", "return an item that is the wrong size"),
    ("bad_price_competitor", "get a competitor's lower price"),
    ("bad_price_yesterday", "get the lower price an item dropped to"),
    ("out_of_stock_general", "ask when items will be back in stock"),
    ("out_of_stock_one_item", "buy an item that is out of stock"),
    ("promo_code_invalid", "use a promo code that is not working"),
    ("promo_code_out_of_date", "use a promo code that has expired"),
    ("mistimed_billing_already_returned", "dispute a bill for an item already returned"),
    ("mistimed_billing_never_bought", "dispute a bill for an item never bought"),
    ("status", "check the shipping status of an order"),
    ("manage", "change the shipping on an order"),
    ("missing", "find an item missing from an order"),
    ("cost", "ask about shipping costs"),
    ("boots", "ask about a pair of boots"),
    ("shirt", "ask about a shirt"),
    ("jeans", "ask about a pair of jeans"),
    ("jacket", "ask about a jacket"),
    ("pricing", "ask about pricing"),
    ("membership", "ask about membership benefits"),
    ("timing", "ask about store timing"),
    ("policy", "ask about store policy"),
    ("status_active", "check whether a subscription is active"),
    ("status_due_amount", "check the amount due on a subscription"),
    ("status_due_date", "check when a subscription bill is due"),
    ("manage_pay_bill", "pay a subscription bill"),
    ("manage_extension", "extend a subscription"),
    ("manage_dispute_bill", "dispute a subscription bill"),
    ("credit_card", "fix a problem with a credit card on the site"),
    ("shopping_cart", "fix a problem with the shopping cart"),
    ("search_results", "fix a problem with the search results"),
    ("slow_speed", "fix a slow website"),
];

/// Opening lines per retail-support intent, customer voice.
pub(crate) const OPENINGS: [(&str, &Phrasings); 18] = [
    (
        "refund_initiate",
        phrasings![
            "Hi, I'd like to get a refund for something I bought.",
            "I want my money back for an item I ordered.",
            "hello, I need to request a refund please",
            "Hi! Can I get a refund on my order?",
        ],
    ),
    (
        "refund_update",
        phrasings![
            "Hi, I asked for a refund earlier and want to add another item to it.",
            "I need to update a refund I already started.",
            "can I change my refund? I want to add an item to it",
        ],
    ),
    (
        "return_size",
        phrasings![
            "Hi, I need to return an item, it's the wrong size.",
            "hey, what I ordered doesn't fit, can I return it?",
            "I want to return something, it's too small.",
            "Hi! I need to return an item, can you help me with that? I got the wrong size.",
        ],
    ),
    (
        "return_color",
        phrasings![
            "Hi, I need to return an item, the color is not what I expected.",
            "the color looks nothing like the picture, I want to send it back",
            "I'd like to return an item because I don't like the color.",
        ],
    ),
    (
        "return_stain",
        phrasings![
            "Hi, the item I received has a stain on it and I want to return it.",
            "my order arrived with a stain, can I send it back?",
            "I need to return something, it came stained.",
        ],
    ),
    (
        "recover_password",
        phrasings![
            "Hi, I forgot my password and can't log in.",
            "I can't get into my account, I don't remember my password.",
            "hello, I need to reset my password",
        ],
    ),
    (
        "reset_2fa",
        phrasings![
            "Hi, I'm not getting the two-factor authentication codes anymore.",
            "I need to reset my 2FA, I got a new phone.",
            "my two step verification isn't working, can you reset it?",
        ],
    ),
    (
        "manage_change_address",
        phrasings![
            "Hi, I need to change the address on my account.",
            "I moved recently and want to update my address.",
            "can you update my shipping address please?",
        ],
    ),
    (
        "manage_change_name",
        phrasings![
            "Hi, I need to change the name on my account.",
            "my name is wrong on my account, can you fix it?",
            "I got married and want to update my last name.",
        ],
    ),
    (
        "manage_change_phone",
        phrasings![
            "Hi, I'd like to update the phone number on my account.",
            "I have a new phone number, can you change it on my account?",
            "my phone number changed, I need to update it",
        ],
    ),
    (
        "manage_payment_method",
        phrasings![
            "Hi, I want to change the payment method on my account.",
            "can I switch my payment method to something else?",
            "I need to update how I pay on my account.",
        ],
    ),
    (
        "promo_code_invalid",
        phrasings![
            "Hi, I have a promo code but it says it's invalid.",
            "my promo code isn't working at checkout",
            "the discount code I got doesn't work, can you help?",
        ],
    ),
    (
        "promo_code_out_of_date",
        phrasings![
            "Hi, my promo code says it's expired but it shouldn't be.",
            "I tried to use a promo code and it said it's out of date.",
            "my coupon code expired before I could use it, can I get a new one?",
        ],
    ),
    (
        "bad_price_competitor",
        phrasings![
            "Hi, I found the same item cheaper at another store.",
            "a competitor is selling what I bought for less, can you match the price?",
            "I saw a lower price somewhere else for something I ordered from you.",
        ],
    ),
    (
        "bad_price_yesterday",
        phrasings![
            "Hi, I bought something yesterday and now it's cheaper.",
            "the price dropped the day after I bought it, can I get the difference back?",
            "I paid more than today's price, that doesn't seem fair.",
        ],
    ),
    (
        "out_of_stock_one_item",
        phrasings![
            "Hi, one of the items I want is out of stock.",
            "the item I want says out of stock, when will it be back?",
            "I'm trying to buy something but it's sold out.",
        ],
    ),
    (
        "status_delivery_time",
        phrasings![
            "Hi, I want to know when my order will arrive.",
            "how long until my package gets here?",
            "can you check the delivery time for my order?",
        ],
    ),
    (
        "cost",
        phrasings![
            "Hi, I have a question about shipping costs.",
            "how much does shipping cost?",
            "why was I charged so much for shipping?",
        ],
    ),
];

/// Openings for intents without their own lines; `{}` is the intent phrase.
pub(crate) const GENERIC_OPENINGS: &Phrasings =
    phrasings!["Hi, I'd like to {}.", "hello, I need to {}, can you help?", "I want to {}."];
