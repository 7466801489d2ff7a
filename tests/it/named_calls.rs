//! Tool calls and utterances by name with values written as text read back into the very actions a built-in agent
//! takes: by-the-book speaking only through names and rendered values runs the same episodes as by-the-book itself,
//! on every built-in scenario; values nobody said and the world does not hold fail their checks.

use std::sync::Arc;

use sim_core::named::NamedSay;
use sim_core::prelude::*;
use sim_personas::realise::{Realiser, render_value};

/// By-the-book's `action` rewritten by name with every value rendered as text (a call's values, with `garble`,
/// replaced by text that is no value).
fn by_name(scenario: &ScenarioSpec, garble: bool, action: &mut Action) {
    if let Action::Say { act, text } = action {
        let slots = act
            .slots
            .iter()
            .map(|slot| {
                let value = act.value_of(slot).map(|value| render_value(scenario, slot, value));
                (scenario.slot_name(slot).to_owned(), value)
            })
            .collect();
        let say = NamedSay {
            act: act.kind.name().to_owned(),
            slots,
            reason: act.refusal_reason().map(|tool| scenario.tools[usize::from(tool)].id.clone()),
            intent: scenario.intents.get(usize::from(act.intent)).map(|intent| intent.id.clone()),
            text: text.clone(),
        };
        *action = Action::SayNamed(Box::new(say));
        return;
    }
    if let Action::Call { tool, args } = action {
        let args = args
            .iter()
            .map(|(slot, value)| {
                let text = match garble {
                    true => "something else entirely".to_owned(),
                    false => render_value(scenario, slot, value),
                };
                (scenario.slot_name(slot).to_owned(), text)
            })
            .collect();
        *action = Action::CallNamed { tool: scenario.tools[usize::from(*tool)].id.clone(), args };
    }
}

fn run(name: &str, garble: Option<bool>) -> ShardOutput {
    let (scenario, personas) = crate::support::built_in(name);
    let inner = sim_core::agents::built_in("by-the-book", &scenario).unwrap();
    let agent: Box<dyn AgentUnderTest> = match garble {
        Some(garble) => {
            let spec = scenario.clone();
            let rewrite = move |action: &mut Action| by_name(&spec, garble, action);
            Box::new(crate::support::Rewritten { name: "named", inner, rewrite })
        }
        None => inner,
    };
    let mut engine = Engine::new(scenario, personas, agent, EngineConfig { slots: 32 }).unwrap();
    engine.set_text_reader(Arc::new(Realiser));
    engine.run(11, 0..1500)
}

#[test]
fn actions_by_name_with_text_values_run_the_same_episodes() {
    for (name, _) in sim_scenarios::list_built_in() {
        let typed = run(&name, None);
        let named = run(&name, Some(false));
        let first_difference =
            named.turns.iter().zip(&typed.turns).position(|(named, typed)| named != typed);
        if let Some(idx) = first_difference {
            panic!(
                "{name}: turn row {idx} differs:\n{:?}\n{:?}",
                named.turns[idx], typed.turns[idx]
            );
        }
        assert_eq!(named.turns.len(), typed.turns.len(), "{name}");
        assert!(named.verdicts == typed.verdicts, "{name}: the verdicts differ");
    }
}

/// Every value garbled: every check of a value fails, so nothing an identity check guards is ever resolved, and no
/// episode fails as a protocol error (a value that matches nothing is not a crash).
#[test]
fn values_that_match_nothing_fail_their_checks() {
    let garbled = run("bank-card-services", Some(true));
    let typed = run("bank-card-services", None);
    let succeeded =
        |out: &ShardOutput| out.episodes.iter().filter(|episode| episode.success()).count();
    assert!(succeeded(&typed) > 1000, "{}", succeeded(&typed));
    assert_eq!(succeeded(&garbled), 0);
    assert!(garbled.episodes.iter().all(|episode| episode.end != EndReason::AgentFailed));
}
