//! Entities with several instances per episode (an account's cards, its recent charges, the disputes filed).
//!
//! A list entity's field takes one cell per possible instance in the episode's flat field buffer, so a world
//! still clones without allocating: a field declared at cell `c` in a list of capacity `k` holds instance `i`
//! in cell `c + i`. The list's live length is itself a field (`charges.count`), so the before-call and original
//! snapshots of the buffer carry it too.
//!
//! Expressions read a list field through a *selection*: the instance a tool call identified by its checked
//! arguments, or, outside a call, the episode's *focus* (the card the customer lost, the charge they dispute),
//! drawn when the world is generated. `Count`, `Sum` and `At` expressions select instances of their own.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::field::{FieldId, FieldSpec, MAX_FIELDS};

#[cfg(test)]
pub(crate) mod tests;

/// Index of a list in [`ScenarioSpec::lists`](crate::spec::ScenarioSpec::lists).
pub type ListId = u8;

/// The most list entities a scenario may declare.
pub const MAX_LISTS: usize = 4;

/// The most instances a list may hold.
pub const MAX_INSTANCES: u8 = 8;

/// The instance each list has selected (indices, one per list).
pub type Selection = [u8; MAX_LISTS];

/// A list entity: how many instances an episode starts with, and where its length lives.
#[derive(Clone, Debug, PartialEq)]
pub struct ListSpec {
    /// Entity name, e.g. `charge`.
    pub name: String,
    /// The fewest instances an episode starts with.
    pub min: u8,
    /// The most instances an episode starts with; records a tool adds stop at [`ListSpec::capacity`].
    pub max: u8,
    /// The most instances the list holds, generated or added.
    pub capacity: u8,
    /// The field holding the live length (`name.count`).
    pub count: FieldId,
    /// How the instances other than the focus differ from it ([`vary`]); empty: each is drawn on its own.
    pub variants: Vec<Variant>,
    /// Fields whose focus is drawn by a generator of its own, each by its first cell (instance 0's): STAR's weather
    /// customers all ask about tomorrow first, then about any other day.
    pub focus_draws: Vec<(FieldId, crate::field::Gen)>,
}

/// One way another instance of a list differs from the focus, as a customer's other request differs from their
/// first (another hotel, the same hotel on other days): the fields drawn anew, all others that some variant names
/// kept as the focus has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    /// The fields drawn anew, one bit per field: bit `c` for the field whose first cell (instance 0's) is `c`.
    pub fields: u64,
    /// How often instances differ this way, against the list's other variants (a count, as observed).
    pub weight: u32,
}

/// How many times a variant's fields are drawn again while they all equal the focus's.
const REDRAWS: usize = 16;

/// Which instance of which list a field cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance {
    /// The list.
    pub list: ListId,
    /// The instance index, `0..capacity`.
    pub index: u8,
}

/// Where every list's cells are in the field buffer, for reads that must not search the scenario.
///
/// The default layout has no lists: every field is a single cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Per cell: 1 + the list the cell's field belongs to, 0 for a field of a single-instance entity.
    list_of: [u8; MAX_FIELDS],
    /// Per list: the cell holding its live length.
    count_cell: [FieldId; MAX_LISTS],
    /// Per list: its capacity.
    capacity: [u8; MAX_LISTS],
    /// Per list: every cell of its fields, and its count cell, one bit per cell.
    cells: [u64; MAX_LISTS],
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            list_of: [0; MAX_FIELDS],
            count_cell: [0; MAX_LISTS],
            capacity: [0; MAX_LISTS],
            cells: [0; MAX_LISTS],
        }
    }
}

impl Layout {
    /// The layout of `lists`, whose fields are the cells tagged with an [`Instance`] in `instances` (one entry per
    /// cell, as in [`ScenarioSpec::fields`](crate::spec::ScenarioSpec::fields)); lists past [`MAX_LISTS`] and cells
    /// past [`MAX_FIELDS`] are left out (the loader rejects such scenarios).
    pub fn new(
        lists: &[ListSpec],
        instances: impl IntoIterator<Item = Option<Instance>>,
    ) -> Layout {
        let mut layout = Layout::default();
        for (idx, list) in lists.iter().enumerate().take(MAX_LISTS) {
            layout.count_cell[idx] = list.count;
            layout.capacity[idx] = list.capacity;
            layout.cells[idx] |= 1u64.checked_shl(u32::from(list.count)).unwrap_or(0);
        }
        for (cell, instance) in instances.into_iter().enumerate().take(MAX_FIELDS) {
            let Some(instance) = instance else { continue };
            let list = usize::from(instance.list);
            if list < MAX_LISTS {
                layout.list_of[cell] = instance.list + 1;
                layout.cells[list] |= 1 << cell;
            }
        }
        layout
    }

    /// The list a field belongs to, `None` for a field of a single-instance entity.
    pub fn list_of(&self, field: FieldId) -> Option<ListId> {
        let tag = *self.list_of.get(usize::from(field))?;
        tag.checked_sub(1)
    }

    /// The cell holding `list`'s live length.
    pub fn count_cell(&self, list: ListId) -> Option<FieldId> {
        (usize::from(list) < MAX_LISTS).then(|| self.count_cell[usize::from(list)])
    }

    /// How many live instances `list` has in `cells` (a world's fields, or a snapshot of them); 0 for an unknown
    /// list.
    pub fn len(&self, cells: &[u64], list: ListId) -> u8 {
        let count = self.count_cell(list).and_then(|cell| cells.get(usize::from(cell)));
        u8::try_from(count.copied().unwrap_or(0)).unwrap_or(u8::MAX)
    }

    /// How many instances `list` holds at most (0 for an unknown list).
    pub fn capacity(&self, list: ListId) -> u8 {
        self.capacity.get(usize::from(list)).copied().unwrap_or(0)
    }

    /// The cell of `field` for the instance `selection` picks (the field itself when it is not in a list).
    pub fn cell(&self, field: FieldId, selection: &Selection) -> usize {
        match self.list_of(field) {
            Some(list) => usize::from(field) + usize::from(selection[usize::from(list)]),
            None => usize::from(field),
        }
    }

    /// Adds to a one-bit-per-cell mask, for each list field in it, the cells of that field's other instances (and
    /// nothing of the list's other fields).
    pub fn instances(&self, cells: u64) -> u64 {
        let mut widened = cells;
        for cell in 0..MAX_FIELDS.min(64) {
            if cells & (1 << cell) == 0 {
                continue;
            }
            if let Some(list) = self.list_of(cell as FieldId) {
                for instance in 0..usize::from(self.capacity(list)) {
                    widened |= 1u64.checked_shl((cell + instance) as u32).unwrap_or(0);
                }
            }
        }
        widened
    }

    /// The lists with a field in a one-bit-per-cell mask, one bit per [`ListId`].
    pub fn lists_in(&self, cells: u64) -> u8 {
        (0..MAX_FIELDS.min(64))
            .filter(|cell| cells & (1 << cell) != 0)
            .filter_map(|cell| self.list_of(cell as FieldId))
            .fold(0, |lists, list| lists | 1u8.checked_shl(u32::from(list)).unwrap_or(0))
    }

    /// Adds to a one-bit-per-cell mask every cell of each list with a field in it, or whose bit is set in `lists`.
    pub fn widen(&self, cells: u64, lists: u8) -> u64 {
        let mut widened = cells;
        for (idx, list_cells) in self.cells.iter().enumerate() {
            if cells & list_cells != 0 || lists & (1 << idx) != 0 {
                widened |= list_cells;
            }
        }
        widened
    }
}

/// Draws each list's starting length (uniform in `min..=max`) and focus (uniform among the live instances), in
/// list order; `lengths` and `focus` keep 0 for lists past [`MAX_LISTS`] and for empty lists.
pub fn draw(
    lists: &[ListSpec],
    rng: &mut ChaCha8Rng,
    lengths: &mut Selection,
    focus: &mut Selection,
) {
    for (idx, list) in lists.iter().enumerate().take(MAX_LISTS) {
        let max = list.max.min(list.capacity);
        let length = if list.min < max { rng.random_range(list.min..=max) } else { max };
        lengths[idx] = length;
        focus[idx] = any_instance(length, rng);
    }
}

/// Makes every live instance of a list with [`Variant`]s, other than the focus, a variant of the focus: it takes
/// the focus's values of every field some variant names, except the fields of one variant drawn by weight, which
/// keep their own draw, drawn again (at most 16 times) while they all equal the focus's. Fields no variant
/// names keep their own draw. `cells` are the world's, drawn by `fields`' generators; lists without variants draw
/// nothing from `rng`.
pub fn vary(
    fields: &[FieldSpec],
    lists: &[ListSpec],
    lengths: &Selection,
    focus: &Selection,
    rng: &mut ChaCha8Rng,
    cells: &mut [u64],
) {
    // The fields of a mask, as their first cells.
    let bits = |mut mask: u64| {
        std::iter::from_fn(move || {
            let field = (mask != 0).then_some(mask)?.trailing_zeros() as usize;
            mask &= mask - 1;
            Some(field)
        })
    };
    for (idx, list) in lists.iter().enumerate().take(MAX_LISTS) {
        let total: u64 = list.variants.iter().map(|variant| u64::from(variant.weight)).sum();
        if total == 0 {
            continue;
        }
        let named = list.variants.iter().fold(0, |named, variant| named | variant.fields);
        let at = usize::from(focus[idx]);
        // Every cell of every named field is in the buffer (the loader sees to it); else nothing is varied.
        let room = cells.len().min(fields.len());
        if bits(named).any(|field| field + usize::from(list.capacity) > room) {
            continue;
        }
        for instance in (0..usize::from(lengths[idx])).filter(|instance| *instance != at) {
            let mut draw = rng.random_range(0..total);
            let Some(variant) = list.variants.iter().find(|variant| {
                let this = draw < u64::from(variant.weight);
                draw = draw.saturating_sub(u64::from(variant.weight));
                this
            }) else {
                continue;
            };
            let redrawn = variant.fields;
            for field in bits(named & !redrawn) {
                cells[field + instance] = cells[field + at];
            }
            for _ in 0..REDRAWS {
                if bits(redrawn).any(|field| cells[field + instance] != cells[field + at]) {
                    break;
                }
                for field in bits(redrawn) {
                    cells[field + instance] =
                        fields[field + instance].generator.sample(rng, lengths);
                }
            }
        }
    }
}

/// One of `length` live instances, uniformly; 0 (drawing nothing) when there are fewer than two.
pub fn any_instance(length: u8, rng: &mut ChaCha8Rng) -> u8 {
    if length > 1 { rng.random_range(0..length) } else { 0 }
}
