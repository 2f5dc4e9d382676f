//! What municipal feeds say only in their text: the deadline, working time and weekly hours,
//! pay scheme and grade, fixed term and start, read from an item's title and texts where the
//! feed has no field for them. A field the feed carries is never overwritten.

mod dates;
mod deadline;
mod terms;

use chrono::NaiveDate;
use jobboard_domain::imports::HarvestedItem;

pub use dates::{FoundDate, find_dates};
pub use deadline::deadline;
pub use terms::{contract, employment, pay_details, start, weekly_hours};

/// The text of an item the reader looks at: title, description and the other texts.
fn item_text(item: &HarvestedItem) -> String {
    let mut text = item.title.clone();
    for part in [
        Some(&item.description),
        item.tasks.as_ref(),
        item.profile.as_ref(),
        item.benefits.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        text.push('\n');
        text.push_str(part);
    }
    text
}

/// Fill the fields of `item` its feed left empty from its text.
pub fn read_item(item: &mut HarvestedItem, today: NaiveDate) {
    let text = item_text(item);
    if item.deadline.is_none() {
        item.deadline = deadline(&text, today);
    }
    if item.weekly_hours.is_none() {
        item.weekly_hours = weekly_hours(&text);
    }
    if item.employment.is_none() {
        item.employment = employment(&text, item.weekly_hours);
    }
    if item.pay.is_none() {
        item.pay = pay_details(&text);
    }
    let named_start = start(&text, today);
    if item.start_date.is_none() {
        item.start_date = named_start.flatten();
    }
    if item.contract.is_none() {
        let begins = item.start_date.or(item.deadline).unwrap_or(today);
        item.contract = contract(&text, begins);
    }
}

/// [`read_item`] for every item; how many still have no deadline (the default will apply).
pub fn read_items(items: &mut [HarvestedItem], today: NaiveDate) -> u64 {
    let mut defaulted = 0;
    for item in items.iter_mut() {
        read_item(item, today);
        if item.deadline.is_none() {
            defaulted += 1;
        }
    }
    defaulted
}

#[cfg(test)]
mod tests;
