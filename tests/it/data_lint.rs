//! Every RON file shipped in scenarios/data and personas/data loads and validates, and the default mix resolves.

use std::path::PathBuf;

fn ron_files(dir: PathBuf) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ron"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .ron files in {}", dir.display());
    files
}

#[test]
fn every_scenario_file_loads() {
    for path in ron_files(sim_scenarios::built_in_dir()) {
        sim_scenarios::load_scenario(&path).unwrap_or_else(|err| panic!("{err}"));
    }
}

#[test]
fn every_persona_file_loads() {
    for path in ron_files(sim_personas::built_in_dir()) {
        sim_personas::load_persona(&path).unwrap_or_else(|err| panic!("{err}"));
    }
}

#[test]
fn every_scenario_default_mix_names_loadable_personas() {
    for (id, _) in sim_scenarios::list_built_in() {
        let loaded = sim_scenarios::load_built_in(&id).unwrap();
        assert!(!loaded.persona_mix.is_empty(), "{id} has no persona mix");
        for (persona, weight) in &loaded.persona_mix {
            assert!(*weight > 0.0);
            sim_personas::load_built_in(persona).unwrap_or_else(|err| panic!("{id}: {err}"));
        }
    }
}
