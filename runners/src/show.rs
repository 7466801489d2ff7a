//! `rehearse show NAME`: prints a built-in scenario or persona exactly as embedded, to copy and edit.

use anyhow::{Result, bail};

use crate::setup::BadInput;

/// The RON text of the built-in scenario or persona `name`.
pub fn source(name: &str) -> Result<&'static str> {
    if let Some(source) = sim_scenarios::built_in_source(name) {
        return Ok(source);
    }
    if let Some(source) = sim_personas::built_in_source(name) {
        return Ok(source);
    }
    let scenarios: Vec<&str> = sim_scenarios::BUILT_IN.iter().map(|(id, _)| *id).collect();
    let personas: Vec<String> =
        sim_personas::list_built_in().into_iter().map(|(id, _)| id).collect();
    bail!(BadInput(format!(
        "`{name}` is not a built-in; scenarios: {}; personas: {}",
        scenarios.join(", "),
        personas.join(", ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_scenarios_and_personas_and_names_the_built_ins_otherwise() {
        assert!(source("retail-support").unwrap().contains("id: \"retail-support\""));
        assert!(source("calm").unwrap().contains("Persona("));
        let err = source("nope").unwrap_err().to_string();
        assert!(err.contains("retail-support") && err.contains("social-engineer"), "{err}");
    }
}
