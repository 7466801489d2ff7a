//! The built-in scenarios, embedded in the library so they load wherever the binary runs.

use std::path::{Path, PathBuf};

use crate::{LoadError, LoadedScenario, parse_scenario};

/// Id and RON text of every built-in scenario (the files in [`built_in_dir`]).
pub const BUILT_IN: [(&str, &str); 6] = [
    ("bank-card-services", include_str!("../data/bank-card-services.ron")),
    ("inbound-sales", include_str!("../data/inbound-sales.ron")),
    ("retail-support", include_str!("../data/retail-support.ron")),
    ("star-hotel", include_str!("../data/star-hotel.ron")),
    ("subscription-retention", include_str!("../data/subscription-retention.ron")),
    ("telecom-troubleshooting", include_str!("../data/telecom-troubleshooting.ron")),
];

/// The folder the built-in scenario files come from, in the source tree.
pub fn built_in_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
}

/// The built-in scenarios as (id, description), in id order.
///
/// A built-in that does not load (a bug the tests catch) is listed with the error as its description.
pub fn list_built_in() -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = BUILT_IN
        .iter()
        .map(|(id, _)| {
            let description = match load_built_in(id) {
                Ok(scenario) => scenario.spec.description,
                Err(err) => format!("does not load: {err}"),
            };
            ((*id).to_owned(), description)
        })
        .collect();
    list.sort();
    list
}

/// The embedded RON text of a built-in scenario.
pub fn built_in_source(id: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(built_in, _)| *built_in == id).map(|(_, source)| *source)
}

/// Loads a built-in scenario from the embedded text; errors name it `scenarios/data/<id>.ron`.
pub fn load_built_in(id: &str) -> Result<LoadedScenario, LoadError> {
    let Some((_, source)) = BUILT_IN.iter().find(|(built_in, _)| *built_in == id) else {
        let known: Vec<&str> = BUILT_IN.iter().map(|(id, _)| *id).collect();
        return Err(LoadError::UnknownBuiltIn { id: id.to_owned(), known: known.join(", ") });
    };
    parse_scenario(source, &Path::new("scenarios/data").join(format!("{id}.ron")))
}

#[cfg(test)]
mod tests;
