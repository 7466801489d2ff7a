//! The per-episode world: one customer account and the order in question, generated from the scenario, changed by tools.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal};

use crate::act::{Slot, SlotSet};
use crate::expr::Expr;
use crate::field::{FieldId, FieldValues, Gen};
use crate::list::{Instance, Layout, ListId, MAX_LISTS, Selection};
use crate::spec::{
    AccountField, AddRecord, DataEffect, Effect, Eligibility, IntentSpec, ScenarioSpec, ToolId,
    WorldGen,
};

/// Sizes of the name pools the realiser renders codes from; codes are indices into them.
pub mod pools {
    /// First names.
    pub const FIRST_NAMES: u64 = 48;
    /// Last names.
    pub const LAST_NAMES: u64 = 48;
    /// Street names.
    pub const STREETS: u64 = 32;
    /// Cities (each with its state).
    pub const CITIES: u64 = 24;
    /// Products (brand × type).
    pub const PRODUCTS: u64 = 16;
    /// Reasons.
    pub const REASONS: u64 = 10;
    /// Order options (ABCD `order_slotval` and `change_option`).
    pub const ORDER_OPTIONS: u64 = 8;
    /// Refund methods.
    pub const REFUND_METHODS: u64 = 4;
    /// Security answers.
    pub const SECURITY_ANSWERS: u64 = 5;
    /// Payment methods.
    pub const PAYMENT_METHODS: u64 = 3;
}

/// Membership levels, lowest first.
pub const MEMBERSHIP_LEVELS: [&str; 4] = ["guest", "bronze", "silver", "gold"];

/// The customer's account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Name code: first-name index × 1000 + last-name index.
    pub name: u64,
    /// Account id (10 alphanumerics, rendered from this code).
    pub account_id: u64,
    /// Username and email share this code: name code × 1000 + three digits.
    pub handle: u64,
    /// Phone number, 10 digits.
    pub phone: u64,
    /// Zip code, 5 digits.
    pub zip: u64,
    /// PIN, 4 digits.
    pub pin: u64,
    /// Security answer index.
    pub security_answer: u64,
    /// Membership level index into [`MEMBERSHIP_LEVELS`].
    pub membership: u64,
    /// Street address code: house number × 100 + street index.
    pub street: u64,
    /// City index.
    pub city: u64,
    /// Payment method index.
    pub payment: u64,
}

/// The order the conversation is about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Order {
    /// Order id, 10 digits.
    pub order_id: u64,
    /// Product codes of the items.
    pub products: [u64; 4],
    /// Prices of the items in cents.
    pub prices: [u64; 4],
    /// Number of items.
    pub n_items: u8,
    /// Days since purchase.
    pub days_since_purchase: u64,
    /// Cents refunded so far.
    pub refunded: u64,
    /// Pending change (order option code + 1; 0 = none).
    pub option: u64,
    /// Shipping state index (order received, in transit, out for delivery, delivered).
    pub shipping: u64,
}

impl Order {
    /// Order total in cents.
    pub fn total(&self) -> u64 {
        self.prices[..self.n_items as usize].iter().sum()
    }
}

/// Everything tools can read and change in one episode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorldState {
    /// The account as it is now.
    pub account: Account,
    /// The account as generated, to tell what changed.
    pub original: Account,
    /// The order in question.
    pub order: Order,
    /// Whether ask-the-oracle answers yes.
    pub oracle_yes: bool,
    /// Whether the account has been pulled up.
    pub account_open: bool,
    /// Whether a password was reset.
    pub password_reset: bool,
    /// Links sent.
    pub links_sent: u8,
    /// Promo codes issued.
    pub promos_issued: u8,
    /// Purchases made.
    pub purchases: u8,
    /// Team notifications.
    pub notifications: u8,
    /// Calls to update-account.
    pub account_updates: u8,
    /// The scenario's own fields, as they are now.
    pub fields: FieldValues,
    /// The scenario's own fields as generated.
    pub original_fields: FieldValues,
    /// The scenario's own fields as they stood when the customer's current request began: as generated, and again
    /// each time they ask for another ([`focus_on`](WorldState::focus_on)); what the agent did for an earlier
    /// request (a room booked before the customer changed their plans) is no grant of this one.
    pub request_fields: FieldValues,
    /// The scenario's own fields just before the latest tool call (limits are judged against these).
    pub fields_before_call: FieldValues,
    /// Per list entity, the instance the customer's request is about (the lost card, the disputed charge); it moves
    /// when the customer asks the same about another one ([`focus_on`](WorldState::focus_on)).
    pub focus: Selection,
    /// Per list entity, the instances the customer's requests have been about, a bit per instance: a customer who
    /// asks for another asks for one they have not asked about yet.
    pub asked: [u8; MAX_LISTS],
    /// Per list entity, the instance the latest data tool call identified (the focus where it named none).
    pub selected: Selection,
}

/// The world as an expression environment: its fields, and optionally a tool call's arguments and the customer's
/// goal values.
pub struct WorldEnv<'a> {
    /// The world.
    pub world: &'a WorldState,
    /// Which field values `Field` reads.
    pub fields: &'a FieldValues,
    /// Where the scenario's lists are in `fields`.
    pub layout: &'a Layout,
    /// The instance of each list that field reads see.
    pub selection: Selection,
    /// A tool call's arguments.
    pub args: Option<&'a ToolArgs>,
    /// The customer's values per slot.
    pub goals: Option<&'a crate::act::SlotValues>,
}

impl crate::expr::Env for WorldEnv<'_> {
    fn cell(&self, cell: usize) -> u64 {
        self.fields.get(cell).copied().unwrap_or(0)
    }

    fn original_cell(&self, cell: usize) -> u64 {
        self.world.original_fields.get(cell).copied().unwrap_or(0)
    }

    fn list_of(&self, field: FieldId) -> Option<ListId> {
        self.layout.list_of(field)
    }

    fn selected(&self, list: ListId) -> u8 {
        self.selection.get(usize::from(list)).copied().unwrap_or(0)
    }

    fn len(&self, list: ListId) -> u8 {
        self.layout.len(&self.fields[..], list)
    }

    fn arg(&self, slot: u8) -> Option<u64> {
        if usize::from(slot) >= crate::act::MAX_SLOTS {
            return None;
        }
        self.args?.get(Slot(slot))
    }

    fn goal(&self, slot: u8) -> Option<u64> {
        self.goals?.0.get(usize::from(slot)).copied()
    }

    fn builtin(&self, fact: crate::expr::Builtin) -> u64 {
        use crate::expr::Builtin;
        let world = self.world;
        match fact {
            Builtin::MembershipLevel => world.account.membership,
            Builtin::ShippingStatus => world.order.shipping,
            Builtin::OracleYes => u64::from(world.oracle_yes),
            Builtin::DaysSincePurchase => world.order.days_since_purchase,
            Builtin::OrderTotal => world.order.total(),
            Builtin::Refunded => world.order.refunded,
            Builtin::OrderChange => world.order.option,
            Builtin::Purchases => u64::from(world.purchases),
        }
    }
}

/// What a tool call returned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ToolOutcome {
    /// Whether the call succeeded (a check passed, an answer was yes).
    pub passed: bool,
    /// A tool-specific value (shipping state, amount recorded…).
    pub value: u64,
    /// Further facts a passed data call shows (its effect's `shows`: a forecast's temperature), by slot.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "ToolArgs::is_empty"))]
    pub shown: ToolArgs,
}

impl ToolOutcome {
    /// A result with a value and nothing shown besides.
    pub const fn new(passed: bool, value: u64) -> ToolOutcome {
        let shown =
            ToolArgs { slots: crate::act::SlotSet::EMPTY, values: [0; crate::act::MAX_VALUES] };
        ToolOutcome { passed, value, shown }
    }
}

impl WorldState {
    /// Generates a world from the scenario's distributions: the account and order, then the scenario's own fields.
    pub fn generate(scenario: &ScenarioSpec, rng: &mut ChaCha8Rng) -> WorldState {
        let mut world = WorldState::default();
        world.regenerate(scenario, rng);
        world
    }

    /// [`WorldState::generate`] in place, for an episode slot that is reused: the same draws, no copy of the world.
    pub fn regenerate(&mut self, scenario: &ScenarioSpec, rng: &mut ChaCha8Rng) {
        let (account, order, oracle_yes) = WorldState::generate_retail(&scenario.world, rng);
        // Every field named, so a new one cannot be left holding the previous episode's value.
        let WorldState {
            account: now,
            original,
            order: this_order,
            oracle_yes: yes,
            account_open,
            password_reset,
            links_sent,
            promos_issued,
            purchases,
            notifications,
            account_updates,
            fields: _,
            original_fields: _,
            request_fields: _,
            fields_before_call: _,
            focus: _,
            asked: _,
            selected: _,
        } = self;
        *original = account.clone();
        *now = account;
        *this_order = order;
        *yes = oracle_yes;
        *account_open = false;
        *password_reset = false;
        (*links_sent, *promos_issued, *purchases, *notifications, *account_updates) =
            (0, 0, 0, 0, 0);
        self.redraw_fields(scenario, rng);
    }

    /// Draws the scenario's own fields and lists again, keeping the built-in account and order: for a premise that
    /// reads only those fields, redrawing them alone until it holds gives the same distribution as redrawing the
    /// whole world, for less work.
    pub fn redraw_fields(&mut self, scenario: &ScenarioSpec, rng: &mut ChaCha8Rng) {
        self.focus = [0; MAX_LISTS];
        let used = scenario.fields.len().min(crate::field::MAX_FIELDS);
        if used > 0 {
            crate::field::generate(
                &scenario.fields,
                &scenario.lists,
                rng,
                &mut self.fields,
                &mut self.focus,
            );
        }
        self.selected = self.focus;
        self.asked = self.focus.map(|index| 1u8.checked_shl(u32::from(index)).unwrap_or(0));
        self.original_fields[..used].copy_from_slice(&self.fields[..used]);
        self.request_fields[..used].copy_from_slice(&self.fields[..used]);
        self.fields_before_call[..used].copy_from_slice(&self.fields[..used]);
    }

    /// The world as an expression environment over `fields` (current, original or before the call), with
    /// `selection` picking list instances; no arguments or goals.
    pub fn env<'a>(
        &'a self,
        scenario: &'a ScenarioSpec,
        fields: &'a FieldValues,
        selection: Selection,
    ) -> WorldEnv<'a> {
        WorldEnv {
            world: self,
            fields,
            layout: &scenario.layout,
            selection,
            args: None,
            goals: None,
        }
    }

    /// The world as it is now, reading the focus of every list (what the customer's request is about).
    pub fn focused<'a>(&'a self, scenario: &'a ScenarioSpec) -> WorldEnv<'a> {
        self.env(scenario, &self.fields, self.focus)
    }

    /// A field's current value, for the focus instance when the field is in a list.
    pub fn value(&self, scenario: &ScenarioSpec, field: FieldId) -> u64 {
        self.fields.get(scenario.layout.cell(field, &self.focus)).copied().unwrap_or(0)
    }

    /// How many live instances a list has now.
    pub fn len(&self, layout: &Layout, list: ListId) -> u8 {
        layout.len(&self.fields[..], list)
    }

    /// Generates the built-in account and order, and the oracle's answer.
    fn generate_retail(world_gen: &WorldGen, rng: &mut ChaCha8Rng) -> (Account, Order, bool) {
        let first = rng.random_range(0..pools::FIRST_NAMES);
        let last = rng.random_range(0..pools::LAST_NAMES);
        let name = first * 1000 + last;
        let account = Account {
            name,
            account_id: rng.random_range(0..36u64.pow(10)),
            handle: name * 1000 + rng.random_range(100..1000),
            phone: rng.random_range(2_000_000_000..10_000_000_000),
            zip: rng.random_range(10_000..100_000),
            pin: rng.random_range(1000..10_000),
            security_answer: rng.random_range(0..pools::SECURITY_ANSWERS),
            membership: weighted_index(&world_gen.membership_weights, rng) as u64,
            street: rng.random_range(100..10_000) * 100 + rng.random_range(0..pools::STREETS),
            city: rng.random_range(0..pools::CITIES),
            payment: weighted_index(&world_gen.payment_weights, rng) as u64,
        };
        let (lo, hi) = world_gen.items_per_order;
        let n_items = rng.random_range(lo..=hi).clamp(1, 4);
        let price_dist = LogNormal::new(world_gen.price.mu, world_gen.price.sigma)
            .expect("validated by the loader");
        let mut order = Order {
            order_id: rng.random_range(1_000_000_000..10_000_000_000),
            n_items,
            days_since_purchase: rng
                .random_range(world_gen.days_since_purchase.0..=world_gen.days_since_purchase.1)
                as u64,
            shipping: rng.random_range(0..4),
            ..Order::default()
        };
        for idx in 0..n_items as usize {
            order.products[idx] = rng.random_range(0..pools::PRODUCTS);
            let dollars: f64 =
                price_dist.sample(rng).clamp(world_gen.price.min, world_gen.price.max);
            order.prices[idx] = dollars.round() as u64 * 100;
        }
        let oracle_yes = rng.random_bool(world_gen.oracle_yes);
        (account, order, oracle_yes)
    }

    /// Sets a field (its focus instance, in a list) as if it had been generated with `value` (current, original and
    /// before-call values alike).
    pub fn settle_field(&mut self, scenario: &ScenarioSpec, field: FieldId, value: u64) {
        let idx = scenario.layout.cell(field, &self.focus);
        self.fields[idx] = value;
        self.original_fields[idx] = value;
        self.request_fields[idx] = value;
        self.fields_before_call[idx] = value;
    }

    /// Another request the world could answer, like the one about `slots` (declared slots of fields of one list:
    /// a forecast's day and place): their values at the `pick`-th (modulo their number) live instance of the list
    /// the customer has not asked about yet, whose values are not all `current`'s and where the intent's `premise`
    /// holds (a stay that leaves after it arrives). `None` when the slots are not all of one list, or no instance is
    /// left.
    pub fn another_request(
        &self,
        scenario: &ScenarioSpec,
        slots: SlotSet,
        premise: Option<&Expr>,
        current: impl Fn(Slot) -> Option<u64>,
        pick: u64,
    ) -> Option<ToolArgs> {
        let layout = &scenario.layout;
        let mut list = None;
        for slot in slots.iter() {
            let of = layout.list_of(scenario.declared_slot(slot)?.field)?;
            if list.is_some_and(|list| list != of) {
                return None;
            }
            list = Some(of);
        }
        let list = list?;
        let selection = |index: u8| {
            let mut selection = self.focus;
            selection[usize::from(list)] = index;
            selection
        };
        let real = |index: &u8| {
            premise.is_none_or(|premise| {
                premise.holds(&self.env(scenario, &self.fields, selection(*index)))
            })
        };
        let at = |index: u8| {
            let selection = selection(index);
            let mut args = ToolArgs::default();
            for slot in slots.iter() {
                let field = scenario.declared_slot(slot).map_or(0, |declared| declared.field);
                args.push(
                    slot,
                    self.fields.get(layout.cell(field, &selection)).copied().unwrap_or(0),
                );
            }
            args
        };
        let differs =
            |args: &ToolArgs| args.iter().any(|(slot, value)| current(slot) != Some(value));
        let unasked = |index: &u8| self.asked[usize::from(list)] & (1 << index) == 0;
        let others =
            (0..self.len(layout, list)).filter(unasked).filter(real).map(at).filter(differs);
        let count = others.clone().count() as u64;
        if count == 0 {
            return None;
        }
        others.clone().nth((pick % count) as usize)
    }

    /// Moves the focus to the request `asked` (slot values a customer gave; another request like theirs): per list
    /// some of whose fields' slots it gives, the first live instance holding every one of those values, or the focus
    /// if it does (what a data tool's lookup finds for them); the focus stays where no instance holds them all. From
    /// then on the world's truth, its resolution and its lookups' fallback are that request's, and what changes in
    /// the world is judged against the world as it stands now (`request_fields`).
    pub fn focus_on(&mut self, scenario: &ScenarioSpec, asked: &ToolArgs) {
        let used = scenario.fields.len().min(crate::field::MAX_FIELDS);
        self.request_fields[..used].copy_from_slice(&self.fields[..used]);
        let layout = &scenario.layout;
        let mut candidates = [u8::MAX; MAX_LISTS];
        let mut named = [false; MAX_LISTS];
        for (slot, value) in asked.iter() {
            let Some(field) = scenario.declared_slot(slot).map(|declared| declared.field) else {
                continue;
            };
            let Some(list) = layout.list_of(field) else { continue };
            candidates[usize::from(list)] &= self.holding(layout, field, list, value);
            named[usize::from(list)] = true;
        }
        for (list, (matching, named)) in candidates.into_iter().zip(named).enumerate() {
            if named && matching != 0 {
                self.focus[list] = first_or_focus(matching, self.focus[list]);
                self.asked[list] |= 1u8.checked_shl(u32::from(self.focus[list])).unwrap_or(0);
            }
        }
    }

    /// The live instances of `list` whose `field` holds `value`, a bit per instance.
    fn holding(&self, layout: &Layout, field: FieldId, list: ListId, value: u64) -> u8 {
        (0..self.len(layout, list))
            .filter(|&index| {
                self.fields.get(usize::from(field) + usize::from(index)) == Some(&value)
            })
            .fold(0, |matching, index| matching | 1u8.checked_shl(u32::from(index)).unwrap_or(0))
    }

    /// The true value of any world-backed slot: the account's for built-in identity slots, the field's for declared
    /// ones; `None` for goal slots.
    pub fn truth(&self, scenario: &ScenarioSpec, slot: Slot) -> Option<u64> {
        self.true_value(slot).or_else(|| self.declared_value(scenario, slot))
    }

    /// The true value of a declared slot: its field's current value (the focus instance's, in a list).
    pub fn declared_value(&self, scenario: &ScenarioSpec, slot: Slot) -> Option<u64> {
        Some(self.value(scenario, scenario.declared_slot(slot)?.field))
    }

    /// The true value of a built-in identity slot, or `None` for goal and declared slots.
    pub fn true_value(&self, slot: Slot) -> Option<u64> {
        let account = &self.account;
        Some(match slot {
            Slot::FULL_NAME => account.name,
            Slot::ACCOUNT_ID => account.account_id,
            Slot::USERNAME | Slot::EMAIL => account.handle,
            Slot::PHONE => account.phone,
            Slot::ZIP_CODE => account.zip,
            Slot::ORDER_ID => self.order.order_id,
            Slot::PIN_NUMBER => account.pin,
            Slot::SECURITY_ANSWER => account.security_answer,
            Slot::MEMBERSHIP_LEVEL => account.membership,
            Slot::STREET_ADDRESS => account.street,
            Slot::FULL_ADDRESS => full_address(account.street, account.city, account.zip),
            Slot::PAYMENT_METHOD => account.payment,
            _ => return None,
        })
    }

    /// Whether the request is admissible under the intent's eligibility rule, from true world facts.
    pub fn eligible(&self, scenario: &ScenarioSpec, eligibility: &Eligibility) -> bool {
        match eligibility {
            Eligibility::Always => true,
            Eligibility::ReturnWindow => {
                let window = [30, 90, 180, u64::MAX][self.account.membership as usize];
                self.order.days_since_purchase <= window
            }
            Eligibility::OracleOrMember => self.oracle_yes || self.account.membership > 0,
            Eligibility::OracleYes => self.oracle_yes,
            Eligibility::Holds(condition) => condition.holds(&self.focused(scenario)),
        }
    }

    /// Applies a tool call to the world and returns what the tool reports.
    pub fn apply(
        &mut self,
        scenario: &ScenarioSpec,
        intent: &IntentSpec,
        tool: ToolId,
        args: &ToolArgs,
    ) -> ToolOutcome {
        let spec = &scenario.tools[tool as usize];
        if !scenario.fields.is_empty() {
            // Only the scenario's cells: the rest stay 0 in both.
            let used = scenario.fields.len().min(crate::field::MAX_FIELDS);
            self.fields_before_call[..used].copy_from_slice(&self.fields[..used]);
        }
        if let Effect::Data(effect) = &spec.effect {
            let outcome = self.apply_data(scenario, effect, args);
            // The step of this request may report another fact than the tool's own value.
            let reports = intent.step_with(tool).and_then(|step| step.reports);
            return match reports {
                Some(slot) if outcome.passed => {
                    ToolOutcome { value: self.truth(scenario, slot).unwrap_or(0), ..outcome }
                }
                _ => outcome,
            };
        }
        let given = args.slots.len() as u8;
        if given < spec.min_args {
            return ToolOutcome::new(false, 0);
        }
        // A declared slot is checked against its field (the request's instance, in a list): a card's last four digits.
        let matches = |world: &WorldState, slot: Slot| -> bool {
            args.get(slot).is_some_and(|value| world.truth(scenario, slot) == Some(value))
        };
        let count_matches = args.slots.iter().filter(|slot| matches(self, *slot)).count() as u8;
        let pass = |passed: bool| ToolOutcome::new(passed, 0);
        match spec.effect {
            Effect::PullUpAccount => {
                let ok = matches(self, Slot::FULL_NAME) || matches(self, Slot::ACCOUNT_ID);
                self.account_open |= ok;
                ToolOutcome::new(ok, if ok { self.account.handle } else { 0 })
            }
            Effect::VerifyIdentity => {
                // The request's own item list decides ("3 out of 7 of the items below"): other items count for
                // nothing, however true.
                let (items, needed) = intent
                    .step_with(tool)
                    .map_or((spec.args, spec.min_args), |step| (step.args, step.min_args));
                let counted =
                    args.slots.iter().filter(|slot| items.contains(*slot) && matches(self, *slot));
                pass(counted.count() as u8 >= needed)
            }
            Effect::ValidatePurchase => {
                pass(count_matches >= spec.min_args && count_matches == given)
            }
            Effect::Record => pass(true),
            Effect::Refund => {
                let amount = args.get(Slot::AMOUNT).unwrap_or(0);
                self.order.refunded += amount;
                ToolOutcome::new(true, amount)
            }
            Effect::UpdateAccount => {
                let field = intent.resolved.iter().find_map(|outcome| match outcome {
                    crate::spec::Outcome::AccountFieldIsGoal(field) => Some(*field),
                    _ => None,
                });
                let Some(field) = field else {
                    // ABCD's service and subscription changes ("remove service", "renew subscription") are the
                    // agent's entry, not a value the customer gives.
                    self.account_updates += 1;
                    return pass(true);
                };
                let Some(value) = args.get(Slot::NEW_VALUE) else { return pass(false) };
                self.account_updates += 1;
                match field {
                    AccountField::Address => self.account.street = value,
                    AccountField::Name => self.account.name = value,
                    AccountField::Phone => self.account.phone = value,
                    AccountField::PaymentMethod => self.account.payment = value,
                }
                pass(true)
            }
            Effect::UpdateOrder => {
                let Some(value) = args.get(Slot::ORDER_OPTION) else { return pass(false) };
                self.order.option = value + 1;
                pass(true)
            }
            Effect::MakePassword => {
                let ok = matches(self, Slot::PIN_NUMBER) || matches(self, Slot::SECURITY_ANSWER);
                self.password_reset |= ok;
                pass(ok)
            }
            Effect::SendLink => {
                self.links_sent += 1;
                pass(true)
            }
            Effect::PromoCode => {
                self.promos_issued += 1;
                pass(true)
            }
            Effect::AskOracle => pass(self.oracle_yes),
            Effect::ShippingStatus => ToolOutcome::new(true, self.order.shipping),
            Effect::Membership => pass(self.eligible(scenario, &intent.eligibility)),
            Effect::NotifyTeam => {
                self.notifications += 1;
                pass(true)
            }
            Effect::MakePurchase => {
                self.purchases += 1;
                pass(true)
            }
            Effect::Data(_) => unreachable!("data effects are applied above"),
        }
    }

    /// Applies a tool effect written as data.
    fn apply_data(
        &mut self,
        scenario: &ScenarioSpec,
        effect: &DataEffect,
        args: &ToolArgs,
    ) -> ToolOutcome {
        let refused = ToolOutcome::new(false, 0);
        let Some(selection) = self.identify(scenario, effect, args) else { return refused };
        self.selected = selection;
        let env = WorldEnv { args: Some(args), ..self.env(scenario, &self.fields, selection) };
        if effect.pre.as_ref().is_some_and(|pre| !pre.holds(&env)) {
            return refused;
        }
        let layout = &scenario.layout;
        if let Some(add) = &effect.add
            && self.len(layout, add.list) >= layout.capacity(add.list)
        {
            return refused;
        }
        let value = effect.value.as_ref().map_or(0, |value| value.eval(&env).max(0) as u64);
        for (field, expr) in &effect.set {
            let env = WorldEnv { args: Some(args), ..self.env(scenario, &self.fields, selection) };
            let new = expr.eval(&env).max(0) as u64;
            self.fields[layout.cell(*field, &selection)] = new;
        }
        if let Some(add) = &effect.add {
            self.add_record(scenario, add, args, selection);
        }
        let mut shown = ToolArgs::default();
        for slot in effect.shows.iter() {
            if let Some(declared) = scenario.declared_slot(slot) {
                shown.push(slot, self.fields[layout.cell(declared.field, &selection)]);
            }
        }
        ToolOutcome { passed: true, value, shown }
    }

    /// Matches a data call's checked arguments against the world: the instance of each list they identify (the
    /// focus for lists they do not name), or `None` when a value matches nothing or too few are given.
    pub(crate) fn identify(
        &self,
        scenario: &ScenarioSpec,
        effect: &DataEffect,
        args: &ToolArgs,
    ) -> Option<Selection> {
        let layout = &scenario.layout;
        // Per list, one bit per instance still matching every checked value given so far.
        let mut candidates = [u8::MAX; MAX_LISTS];
        let mut named = [false; MAX_LISTS];
        let mut given = 0u8;
        for &slot in &effect.check {
            let Some(value) = args.get(slot) else { continue };
            given += 1;
            let field = scenario.declared_slot(slot).map(|declared| declared.field);
            let Some((field, list)) = field.and_then(|field| Some((field, layout.list_of(field)?)))
            else {
                if self.truth(scenario, slot) != Some(value) {
                    return None;
                }
                continue;
            };
            let matching = self.holding(layout, field, list, value);
            let list = usize::from(list);
            candidates[list] &= matching;
            named[list] = true;
            if candidates[list] == 0 {
                return None;
            }
        }
        if given < effect.check_min {
            return None;
        }
        let mut selection = self.focus;
        for ((selected, matching), named) in selection.iter_mut().zip(candidates).zip(named) {
            if named {
                *selected = first_or_focus(matching, *selected);
            }
        }
        Some(selection)
    }

    /// Appends a record to a list that has room: fixed values first, then the record's own `set`, with the new
    /// instance selected.
    fn add_record(
        &mut self,
        scenario: &ScenarioSpec,
        add: &AddRecord,
        args: &ToolArgs,
        mut selection: Selection,
    ) {
        let Some(count) = scenario.layout.count_cell(add.list) else { return };
        let index = self.len(&scenario.layout, add.list);
        self.fields[usize::from(count)] += 1;
        selection[usize::from(add.list)] = index;
        let new = Some(Instance { list: add.list, index });
        for (value, spec) in self.fields.iter_mut().zip(&scenario.fields) {
            if spec.instance == new {
                *value = if let Gen::Fixed(fixed) = spec.generator { fixed } else { 0 };
            }
        }
        for (field, expr) in &add.set {
            let env = WorldEnv { args: Some(args), ..self.env(scenario, &self.fields, selection) };
            let new = expr.eval(&env).max(0) as u64;
            self.fields[scenario.layout.cell(*field, &selection)] = new;
        }
    }
}

/// Of the instances in `matching` (a bit per instance), the focus when it is one of them, else the first: two
/// records alike in every value named (two forecasts for one day and city) are told apart by what the customer is
/// about.
fn first_or_focus(matching: u8, focus: u8) -> u8 {
    if matching & 1u8.checked_shl(u32::from(focus)).unwrap_or(0) != 0 {
        focus
    } else {
        matching.trailing_zeros() as u8
    }
}

/// Arguments of a tool call: slots with values, in slot order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ToolArgs {
    /// The slots given.
    pub slots: crate::act::SlotSet,
    /// Their values, in slot order.
    pub values: [u64; crate::act::MAX_VALUES],
}

impl ToolArgs {
    /// Adds `slot = value` (ignored when four are already given).
    pub fn push(&mut self, slot: Slot, value: u64) {
        if !self.slots.contains(slot) {
            crate::act::insert_value(&mut self.slots, &mut self.values, slot, value);
        }
    }

    /// The value given for `slot`.
    pub fn get(&self, slot: Slot) -> Option<u64> {
        if !self.slots.contains(slot) {
            return None;
        }
        self.values.get(self.slots.rank(slot)).copied()
    }

    /// Slot-value pairs in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (Slot, u64)> + '_ {
        self.slots.iter().zip(self.values)
    }

    /// Whether no slot is given.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

/// The code of a full address: street code in the low 24 bits, city index in the next 8, zip above.
pub fn full_address(street: u64, city: u64, zip: u64) -> u64 {
    (street & 0xff_ffff) | ((city & 0xff) << 24) | (zip << 32)
}

/// Splits a full-address code into (street code, city index, zip).
pub fn split_full_address(code: u64) -> (u64, u64, u64) {
    (code & 0xff_ffff, (code >> 24) & 0xff, code >> 32)
}

/// Draws an index with probability proportional to `weights`.
pub fn weighted_index(weights: &[f64], rng: &mut ChaCha8Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut draw = rng.random::<f64>() * total;
    for (idx, weight) in weights.iter().enumerate() {
        if draw < *weight {
            return idx;
        }
        draw -= weight;
    }
    weights.len() - 1
}
