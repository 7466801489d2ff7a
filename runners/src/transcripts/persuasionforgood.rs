//! PersuasionForGood (shared/data/persuasionforgood, see its README) into the transcript format, from the folder of
//! `full_dialog.csv(.gz)` (one utterance per row), `full_info.csv(.gz)` (the survey, one row per participant) and,
//! when present, `annotated_300_dialog.csv(.gz)` (sentence labels of the annotated dialogues).
//!
//! The persuadee (B4 = 1) is the customer, the persuader (B4 = 0) the agent; one row is one turn, in file order.
//! The act of a turn of an annotated dialogue is its sentences' labels (`er_label_*` for the persuader, `ee_label_*`
//! for the persuadee), each once, in order, joined by `,`. Traits: the persuadee's survey answers (columns ending in
//! `.x`, without it; numbers as numbers, empty answers left out) and `donation`, what they gave (B6, dollars);
//! outcome: `donated` when B6 > 0, else `not_donated`; a B6 above the $2 task payment is an entry error, reported
//! and left out with the outcome; domain: `donation`.
//! A row whose Turn or role cannot be read rejects its dialogue (reported at that row's line); a row that is not CSV
//! or lacks columns is rejected alone; a dialogue without a persuadee survey row is kept without traits and reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::read::{self, CsvTable};
use super::{
    Conversation, Converted, Corpus, Dropped, Place, Rejected, Speaker, Trait, TranscriptError,
    Turn,
};

/// Converts the PersuasionForGood folder `input` (or its `full_dialog.csv(.gz)`, the other files beside it).
pub fn convert(input: &Path) -> Result<Converted, TranscriptError> {
    let dir = if input.is_dir() { input } else { input.parent().unwrap_or(Path::new(".")) };
    let dialog_path = read::input_file(input, &["full_dialog.csv.gz", "full_dialog.csv"])?;
    let info_path = read::input_file(dir, &["full_info.csv.gz", "full_info.csv"])?;
    let annotated = ["annotated_300_dialog.csv.gz", "annotated_300_dialog.csv"];
    let annotated_path = read::input_file(dir, &annotated).ok();
    let mut rejected = Vec::new();
    let acts = match annotated_path {
        Some(path) => read_acts(&CsvTable::read(&path)?, &mut rejected)?,
        None => BTreeMap::new(),
    };
    let persuadees = read_persuadees(&CsvTable::read(&info_path)?, &mut rejected)?;
    let dialog = CsvTable::read(&dialog_path)?;
    let [unit_col, turn_col, role_col, id_col] = dialog.columns(["Unit", "Turn", "B4", "B2"])?;
    let n_columns = dialog.header.len();
    let mut order: Vec<String> = Vec::new();
    let mut dialogues: BTreeMap<String, Result<Vec<Turn>, Rejected>> = BTreeMap::new();
    for (line_no, row) in &dialog.rows {
        let reject_row = |reason, detail: String| Rejected {
            file: dialog_path.clone(),
            place: Place::Line(*line_no),
            dropped: Dropped::Row,
            reason,
            detail,
        };
        let row = match row {
            Ok(row) if row.len() == n_columns => row,
            Ok(row) => {
                let detail = format!("{} fields, the header has {n_columns}", row.len());
                rejected.push(reject_row("wrong number of fields", detail));
                continue;
            }
            Err(err) => {
                rejected.push(reject_row("not a CSV row", err.clone()));
                continue;
            }
        };
        let id = &row[id_col];
        let entry = dialogues.entry(id.clone()).or_insert_with(|| {
            order.push(id.clone());
            Ok(Vec::new())
        });
        let Ok(turns) = entry else { continue };
        let reject_dialogue = |reason, detail: String| Rejected {
            dropped: Dropped::Conversation,
            ..reject_row(reason, format!("dialogue {id}: {detail}"))
        };
        let speaker = match row[role_col].as_str() {
            "0" => Speaker::Agent,
            "1" => Speaker::Customer,
            other => {
                *entry = Err(reject_dialogue("role B4 is neither 0 nor 1", format!("{other:?}")));
                continue;
            }
        };
        let Ok(turn_idx) = row[turn_col].parse::<u32>() else {
            let detail = format!("{:?}", row[turn_col]);
            *entry = Err(reject_dialogue("Turn is not a whole number", detail));
            continue;
        };
        let act = acts.get(&(id.clone(), turn_idx, speaker)).map(|labels| labels.join(","));
        turns.push(Turn { act, ..Turn::said(speaker, row[unit_col].clone()) });
    }
    let mut converted = Converted { conversations: Vec::new(), rejected };
    for id in order {
        match dialogues.remove(&id).expect("every id in order has a dialogue") {
            Ok(turns) => {
                let mut conversation = Conversation::new(Corpus::Persuasionforgood, id, turns);
                conversation.domain = Some("donation".to_owned());
                match persuadees.get(&conversation.id) {
                    Some(traits) => {
                        conversation.outcome = match traits.get("donation") {
                            Some(Trait::Number(given)) if *given > 0.0 => Some("donated".into()),
                            Some(Trait::Number(_)) => Some("not_donated".into()),
                            _ => None,
                        };
                        conversation.traits = traits.clone();
                    }
                    None => converted.rejected.push(Rejected {
                        file: info_path.clone(),
                        place: Place::Dialogue(conversation.id.clone()),
                        dropped: Dropped::Label,
                        reason: "no persuadee row in the survey",
                        detail: String::new(),
                    }),
                }
                converted.conversations.push(conversation);
            }
            Err(rejection) => converted.rejected.push(rejection),
        }
    }
    Ok(converted)
}

/// The labels of each (dialogue, Turn, speaker) of the annotated file, each once, in order.
type Acts = BTreeMap<(String, u32, Speaker), Vec<String>>;

/// Reads the annotated dialogues' labels; a row that cannot be read is rejected alone.
fn read_acts(table: &CsvTable, rejected: &mut Vec<Rejected>) -> Result<Acts, TranscriptError> {
    let [id_col, role_col, turn_col] = table.columns(["B2", "B4", "Turn"])?;
    let er = table.columns(["er_label_1", "er_label_2"])?;
    let ee = table.columns(["ee_label_1", "ee_label_2"])?;
    let mut acts = Acts::new();
    for (line_no, row) in &table.rows {
        let row = match row {
            Ok(row) if row.len() == table.header.len() => row,
            Ok(_) | Err(_) => {
                rejected.push(bad_row(
                    &table.path,
                    *line_no,
                    row.as_deref().map_err(String::as_str),
                ));
                continue;
            }
        };
        let (speaker, label_cols) = match row[role_col].as_str() {
            "0" => (Speaker::Agent, er),
            "1" => (Speaker::Customer, ee),
            _ => {
                rejected.push(bad_row(&table.path, *line_no, Ok(row)));
                continue;
            }
        };
        let Ok(turn_idx) = row[turn_col].parse::<u32>() else {
            rejected.push(bad_row(&table.path, *line_no, Ok(row)));
            continue;
        };
        let labels = acts.entry((row[id_col].clone(), turn_idx, speaker)).or_default();
        for col in label_cols {
            let label = row[col].trim();
            if !label.is_empty() && !labels.iter().any(|known| known == label) {
                labels.push(label.to_owned());
            }
        }
    }
    acts.retain(|_, labels| !labels.is_empty());
    Ok(acts)
}

/// The most a persuadee could give: their task payment. The corpus README: "over $2: 4.0% (up to $700, likely
/// entry errors; cap before use)".
const MAX_DONATION: f64 = 2.0;

/// Each dialogue's persuadee traits from the survey: its `.x` answers and `donation` (B6).
fn read_persuadees(
    table: &CsvTable,
    rejected: &mut Vec<Rejected>,
) -> Result<BTreeMap<String, BTreeMap<String, Trait>>, TranscriptError> {
    let [id_col, role_col, donation_col] = table.columns(["B2", "B4", "B6"])?;
    let answers: Vec<(usize, &str)> = (table.header.iter().enumerate())
        .filter_map(|(col, name)| Some((col, name.strip_suffix(".x")?)))
        .collect();
    let mut persuadees = BTreeMap::new();
    for (line_no, row) in &table.rows {
        let row = match row {
            Ok(row) if row.len() == table.header.len() && row[role_col] == "0" => continue,
            Ok(row) if row.len() == table.header.len() && row[role_col] == "1" => row,
            Ok(_) | Err(_) => {
                rejected.push(bad_row(
                    &table.path,
                    *line_no,
                    row.as_deref().map_err(String::as_str),
                ));
                continue;
            }
        };
        let mut traits = BTreeMap::new();
        for (col, name) in [(donation_col, "donation")].into_iter().chain(answers.iter().copied()) {
            let value = row[col].trim();
            if value.is_empty() {
                continue;
            }
            let value = value.parse().map_or_else(|_| Trait::Text(value.to_owned()), Trait::Number);
            if name == "donation" && matches!(value, Trait::Number(given) if given > MAX_DONATION) {
                rejected.push(Rejected {
                    file: table.path.clone(),
                    place: Place::Line(*line_no),
                    dropped: Dropped::Label,
                    reason: "donation above the $2 task payment (an entry error): no donation and no outcome",
                    detail: row[col].clone(),
                });
                continue;
            }
            traits.insert(name.to_owned(), value);
        }
        persuadees.insert(row[id_col].clone(), traits);
    }
    Ok(persuadees)
}

/// A row of a side file (survey, annotations) that cannot be read, rejected alone.
fn bad_row(path: &Path, line_no: usize, row: Result<&[String], &str>) -> Rejected {
    let (reason, detail) = match row {
        Err(err) => ("not a CSV row", err.to_owned()),
        Ok(row) => ("unreadable row", format!("{} fields: {}", row.len(), row.join(","))),
    };
    Rejected {
        file: PathBuf::from(path),
        place: Place::Line(line_no),
        dropped: Dropped::Row,
        reason,
        detail,
    }
}
