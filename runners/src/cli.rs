//! Command-line flags (clap derive) and their conversion into validated run settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rehearse: support and sales agents rehearse against crowds of simulated customers.
#[derive(Debug, Parser)]
#[command(name = "rehearse", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  rehearse run                                     100,000 episodes of retail-support, by-the-book agent, default persona mix
  rehearse run --agent sloppy --episodes 20000 --out runs/sloppy
  rehearse run --persona calm --persona confused --seed 42 --threads 2
  rehearse run --scenario subscription-retention   retention offers; also bank-card-services, inbound-sales, telecom-troubleshooting
  rehearse run --scenario my-domain.ron            your own scenario file (see docs/scenario-language.md)
  rehearse run --agent 'cmd:python3 my_agent.py'  your own agent as a program speaking PROTOCOL.md over stdio
  rehearse run --agent openai:http://127.0.0.1:8080/v1 --model smollm2 --episodes 200
                                                   an LLM behind an OpenAI-compatible chat-completions server
  rehearse run --agent 'cmd:python3 my_agent.py' --record rec --out runs/a
  rehearse run --replay rec --out runs/b           the same run again from the recorded replies, without the agent
  rehearse tools --scenario retail-support         the tools to give your agent, as function-calling schemas
  rehearse replay --out runs/demo --episode 42     one transcript with hidden state and verdicts
  rehearse bench --scenario all                    engine throughput of every built-in scenario, 1 and all threads
  rehearse list                                    built-in scenarios, personas and agents
  rehearse lint my-scenarios/                      check every scenario and persona .ron file in a folder
  rehearse show retail-support > mine.ron          a built-in scenario (or persona) to start your own from
  rehearse transcripts convert --from star ../shared/data/star star.jsonl
                                                   a corpus's real conversations in one transcript format

Exit codes: 0 the run completed; 1 --fail-on-violation was given and some episode broke a policy rule; 2 bad input or an
error (also: another run holds the --out folder); 130 / 143 stopped by SIGINT / SIGTERM, partial output removed.";

const LINT_EXAMPLES: &str = "\
Examples:
  rehearse lint                                    the built-in scenarios and personas embedded in the binary
  rehearse lint my-scenarios/                      every .ron file under my-scenarios/, recursively
  rehearse lint my-scenarios/refunds.ron personas/picky.ron
  rehearse lint --scenario my-scenarios/refunds.ron personas/picky.ron   the persona also fits that scenario

A file starting with `Scenario(` is checked as a scenario, one starting with `Persona(` as a persona.

Exit codes: 0 every file is valid; 2 some file has problems or a path does not exist.";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate episodes and write episodes.parquet, turns.parquet, transcripts.jsonl and summary.json.
    #[command(after_help = EXAMPLES)]
    Run(RunArgs),
    /// Print one episode of a finished run: transcript, hidden customer state and verdicts at their turns.
    Replay(ReplayArgs),
    /// Measure engine throughput (episodes/s, turns/s) on 1 and all threads; writes no files; `--scenario all`
    /// measures every built-in scenario.
    Bench(BenchArgs),
    /// Compare two agents on the same sampled customers: per metric the paired difference with a bootstrap 95%
    /// CI, the episodes whose verdict flipped, pass^k per intent; writes compare.json.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Play one episode of a finished run up to a turn with the agent that ran it, then continue it with another
    /// agent; prints the forked episode like `replay`.
    #[command(after_help = FORK_EXAMPLES)]
    Fork(ForkArgs),
    /// List the built-in scenarios, personas and agents.
    List,
    /// Print a scenario's policy: the text an agent under test would be given as its system prompt, or with
    /// `--rules` each rule the oracles check and the policy sentence it enforces.
    #[command(after_help = POLICY_EXAMPLES)]
    Policy(PolicyArgs),
    /// Print a scenario's tools as chat-completions function schemas (a JSON array): the `tools` an agent outside
    /// rehearse is given beside the policy text (`rehearse policy`).
    #[command(after_help = TOOLS_EXAMPLES)]
    Tools(ToolsArgs),
    /// Measure the act tagger: precision and recall per act on agent messages whose act is known (every scenario's
    /// agent acts written as text, and STAR's labelled wizard messages)
    #[command(name = "tagger-eval", after_help = TAGGER_EVAL_EXAMPLES)]
    TaggerEval(TaggerEvalArgs),
    /// Real conversations from public corpora in one JSON Lines transcript format (calibration-data/README.md).
    #[command(subcommand)]
    Transcripts(TranscriptsCommand),
    /// Score how much simulated conversations look like real ones, feature by feature (words per message, act
    /// given the agent's act, outcome, …): each feature's score against the ceiling of real against real, and a
    /// classifier's AUC on customer messages; writes realism.json and realism.html.
    #[command(after_help = REALISM_EXAMPLES)]
    Realism(RealismArgs),
    /// Fit the customer model to real conversations: P(the customer's next act, and its length, given the agent's
    /// last act and the customer's own history), with context variables chosen by held-out likelihood, and the
    /// customers' labelled traits and outcomes (distributions and counts); writes a fitted persona file (RON) with
    /// its source, sample sizes and fit statistics.
    #[command(after_help = CALIBRATE_EXAMPLES)]
    Calibrate(CalibrateArgs),
    /// Train the customer-act tagger on labelled customer messages (MultiDoGO's), report its precision and recall
    /// per act on held-out ones, and write it (RON), for `--acts` of calibrate and realism: it reads the act of
    /// customer messages that have none (STAR's, rehearse's own).
    #[command(after_help = CUSTOMER_ACTS_EXAMPLES)]
    CustomerActs(CustomerActsArgs),
    /// Print a built-in scenario or persona as RON, to start your own from: `rehearse show retail-support > mine.ron`.
    Show(ShowArgs),
    /// Check scenario and persona files and list every problem with its line and column.
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
}

/// What to simulate; shared by `run` and `bench`, and recorded in summary.json so `replay` can re-simulate.
#[derive(Debug, Clone, Args, serde::Serialize, serde::Deserialize)]
pub struct SimArgs {
    /// Scenario: a built-in id or a path to a .ron file.
    #[arg(long, default_value = "retail-support")]
    pub scenario: String,
    /// Agent under test: by-the-book, sloppy, random, or one built to cheat (deny-all, close-now, claim-done, tool-spam);
    /// `cmd:COMMAND`, a program speaking the stdio protocol of PROTOCOL.md (one process per worker thread); or
    /// `openai:URL`, an OpenAI-compatible chat-completions API at base URL (e.g. http://127.0.0.1:8080/v1 or
    /// `https://api.openai.com/v1`; HTTPS trusts Mozilla's roots, or the bundle SSL_CERT_FILE names), with --model;
    /// `openai:URL1,URL2` spreads episodes over replicas of one model.
    #[arg(long, default_value = "by-the-book")]
    pub agent: String,
    /// The model an `openai:` agent is asked for (the request's `model`).
    #[arg(long, value_name = "NAME")]
    #[serde(default)]
    pub model: Option<String>,
    /// Seconds an outside agent may take for one turn (`openai:`: one episode's answer, retries included; `cmd:` one
    /// batch's reply); past it the episode ends as agent_failed (a `cmd:` process is started again) and the run
    /// goes on.
    #[arg(long, default_value_t = 30.0)]
    #[serde(default = "default_agent_timeout")]
    pub agent_timeout: f64,
    /// The system message an `openai:` agent is given, from a file, in place of the scenario's policy text (e.g. a
    /// shortened policy for a model with a small context window).
    #[arg(long, value_name = "FILE")]
    #[serde(default)]
    pub system_prompt: Option<PathBuf>,
    /// Play back the agent replies recorded with `run --record DIR` instead of running the agent: the outputs are
    /// those of the recorded run, and a turn whose observation changed is reported as a divergence.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["agent", "model"])]
    #[serde(skip)]
    pub replay: Option<PathBuf>,
    /// Per worker thread: requests an `openai:` agent has in flight at once, each over its own keep-alive connection
    /// (default 8); processes of a `cmd:` agent, thinking at the same time (default 1).
    #[arg(long, value_name = "N")]
    #[serde(default)]
    pub agent_workers: Option<usize>,
    /// Persona: a built-in id or a path to a .ron file; repeat for a mix. Default: the scenario's weighted mix.
    #[arg(long = "persona", value_name = "PERSONA")]
    pub personas: Vec<String>,
    /// Customers speak with real customers' words: a transcript file (`transcripts convert`'s format) whose
    /// customer messages are read as acts, their values cut out; each customer turn says one of the messages of its
    /// act with its own values (the scenario's `corpus_slots` name the transcripts' slots). An act no message fits
    /// keeps the built-in phrasing, counted in the summary. Customers are called by the names the file's customers
    /// gave, when they gave 48 or more. What the customers do is unchanged.
    #[arg(long, value_name = "FILE")]
    #[serde(default)]
    pub customer_text: Option<PathBuf>,
    /// The customer-act tagger that reads the messages of --customer-text (`rehearse customer-acts`); default
    /// calibration-data/fitted/customer-acts.ron, built in.
    #[arg(long, value_name = "FILE", requires = "customer_text")]
    #[serde(default)]
    pub customer_acts: Option<PathBuf>,
    /// Run seed; with the same inputs, the same seed gives byte-identical outputs.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Concurrent episodes held in each worker's World.
    #[arg(long, default_value_t = 256)]
    pub slots: usize,
    /// Sloppy agent: P(skip a verification step) per episode.
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub skip_verification: Option<f64>,
    /// Sloppy agent: P(refund more than the order total).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub over_refund: Option<f64>,
    /// Sloppy agent: P(skip another required step).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub skip_step: Option<f64>,
    /// Sloppy agent: P(close before the last step).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub close_early: Option<f64>,
    /// Sloppy agent: P(carry on after a failed identity, purchase or membership check).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub ignore_failed_check: Option<f64>,
    /// Sloppy agent: P(keep working when the customer insists on a human).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub ignore_human_request: Option<f64>,
    /// Sloppy agent: P(tell a customer their account details before verifying them).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub disclose_early: Option<f64>,
    /// Sloppy agent: P(make another offer after the customer said no).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub pressure_after_no: Option<f64>,
    /// Sloppy agent: P(claim a "yes" the tools reported as "no" when making an offer).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub false_claim: Option<f64>,
    /// Sloppy agent: P(offer again after a customer's objection without answering it).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub ignore_objection: Option<f64>,
    /// Sloppy agent: P(enter a value other than the one the policy prescribes).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub wrong_value: Option<f64>,
    /// Sloppy agent: P(refuse the request before any check said no).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub wrongful_refusal: Option<f64>,
    /// Sloppy agent: P(call a write tool outside the intent's steps before the first step).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub off_script: Option<f64>,
    /// Sloppy agent: P(refuse on a check that said no without saying which).
    #[arg(long, value_name = "P", help_heading = "Sloppy agent")]
    pub unexplained_refusal: Option<f64>,
}

/// `rehearse run`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// What to simulate.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Number of episodes.
    #[arg(long, default_value_t = 100_000)]
    pub episodes: u64,
    /// Output directory.
    #[arg(long, default_value = "runs/demo")]
    pub out: PathBuf,
    /// Which episodes go to transcripts.jsonl; `auto` is `all` up to 100,000 episodes, else `failing`.
    #[arg(long, value_enum, default_value_t = TranscriptChoice::Auto)]
    pub transcripts: TranscriptChoice,
    /// With `--transcripts failing`, also keep every N-th episode (default: about 1,000 in all).
    #[arg(long, value_name = "N")]
    pub sample_every: Option<u64>,
    /// Record every agent reply into DIR (replies.jsonl, keyed by episode, turn and a hash of what the agent was
    /// shown), for `--replay DIR`.
    #[arg(long, value_name = "DIR")]
    pub record: Option<PathBuf>,
    /// With --record DIR: continue the run recorded (perhaps unfinished) in DIR. Turns it holds are answered from it
    /// and given to the agent as its own; the agent answers the rest; the outputs are those of one uninterrupted run.
    /// The scenario, personas, seed and agent must be the recording's; --episodes may be more.
    #[arg(long, requires = "record", conflicts_with = "replay")]
    pub resume: bool,
    /// Exit with code 1 if any episode broke a policy rule.
    #[arg(long)]
    pub fail_on_violation: bool,
    /// Also print the per-persona and per-intent tables (always in summary.json).
    #[arg(long)]
    pub breakdown: bool,
    /// No progress bar and no table.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `rehearse compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// An agent (as for `run --agent`); give exactly two, A then B.
    #[arg(long = "agent", value_name = "AGENT", required = true)]
    pub agents: Vec<String>,
    /// Scenario: a built-in id or a path to a .ron file.
    #[arg(long, default_value = "retail-support")]
    pub scenario: String,
    /// Persona: a built-in id or a path; repeat for a mix. Default: the scenario's weighted mix.
    #[arg(long = "persona", value_name = "PERSONA")]
    pub personas: Vec<String>,
    /// Episodes per agent (the same episodes for both).
    #[arg(long, default_value_t = 10_000)]
    pub episodes: u64,
    /// Run seed: episode i of both agents meets the same customer.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// For `openai:` agents: the model.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Seconds an outside agent may take for one turn.
    #[arg(long, default_value_t = 30.0)]
    pub agent_timeout: f64,
    /// Requests in flight (`openai:`, default 8) or processes (`cmd:`, default 1) per worker thread.
    #[arg(long, value_name = "N")]
    pub agent_workers: Option<usize>,
    /// Bootstrap resamples for the confidence intervals.
    #[arg(long, default_value_t = 2000)]
    pub resamples: u64,
    /// Folder for compare.json.
    #[arg(long, default_value = "runs/compare")]
    pub out: PathBuf,
}

const COMPARE_EXAMPLES: &str = "Examples:
  rehearse compare --agent by-the-book --agent sloppy --episodes 20000
  rehearse compare --agent 'cmd:python3 v1.py' --agent 'cmd:python3 v2.py' --episodes 2000 --out runs/v1-v2";

/// `rehearse fork`.
#[derive(Debug, Clone, Args)]
pub struct ForkArgs {
    /// The finished run's folder.
    #[arg(long)]
    pub out: PathBuf,
    /// The episode to fork.
    #[arg(long)]
    pub episode: u64,
    /// The turn (as `replay` numbers them) from which the other agent takes over: its first agent turn at or after.
    #[arg(long)]
    pub turn: u16,
    /// The agent that continues (as for `run --agent`).
    #[arg(long)]
    pub agent: String,
    /// Answer the turns before the fork from this recording of the run's agent (`run --record DIR`) instead of
    /// running it again.
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,
    /// For an `openai:` agent: the model.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Seconds an outside agent may take for one turn.
    #[arg(long, default_value_t = 30.0)]
    pub agent_timeout: f64,
    /// Fork even if an input changed since the run (the episode may then not be the one that ran).
    #[arg(long)]
    pub force: bool,
    /// Also write the forked episode's transcript line (transcripts.jsonl's format) to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

const FORK_EXAMPLES: &str = "Examples:
  rehearse run --agent sloppy --episodes 1000 --out runs/sloppy
  rehearse fork --out runs/sloppy --episode 42 --turn 5 --agent by-the-book
  rehearse fork --out runs/llm --replay runs/llm-rec --episode 3 --turn 4 --agent 'cmd:python3 v2.py'";

/// Transcript selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranscriptChoice {
    /// All up to 100,000 episodes, else failing plus a sample.
    Auto,
    /// Every episode.
    All,
    /// Episodes with a violation or unresolved, plus a sample.
    Failing,
    /// No transcripts.jsonl.
    None,
}

/// `rehearse policy`.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// Scenario: a built-in id or a path to a .ron file.
    #[arg(long, default_value = "retail-support")]
    pub scenario: String,
    /// List the rules instead: id, what it checks, and the sentence of the policy it enforces.
    #[arg(long)]
    pub rules: bool,
}

/// `rehearse tools`.
#[derive(Debug, Clone, Args)]
pub struct ToolsArgs {
    /// Scenario: a built-in id or a path to a .ron file.
    #[arg(long, default_value = "retail-support")]
    pub scenario: String,
}

/// `rehearse tagger-eval`.
#[derive(Debug, Clone, Args)]
pub struct TaggerEvalArgs {
    /// Scenarios whose agent acts are written as text and read back (repeat; default: every built-in one).
    #[arg(long)]
    pub scenario: Vec<String>,
    /// Episodes of by-the-book per scenario whose messages are scored.
    #[arg(long, default_value_t = 2000)]
    pub episodes: u64,
    /// STAR's folder (dialogues.jsonl.gz); its wizard messages are read by `--star-scenario`'s tagger. Default:
    /// ../shared/data/star when it exists.
    #[arg(long)]
    pub star: Option<PathBuf>,
    /// The scenario whose tagger reads STAR's messages.
    #[arg(long, default_value = "retail-support")]
    pub star_scenario: String,
    /// Also write the scores as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// `rehearse transcripts …`.
#[derive(Debug, Subcommand)]
pub enum TranscriptsCommand {
    /// Convert a corpus's own files into the transcript format: one conversation per line. Every row that cannot be
    /// used whole is reported with its file and line (or dialogue id) and counted; OUT is written whole or not at all.
    #[command(after_help = TRANSCRIPTS_CONVERT_EXAMPLES)]
    Convert(ConvertArgs),
    /// Split a transcript file into a training and a held-out file by conversation id: each conversation's side
    /// depends only on its id (a hash), so the split is the same whatever the file's order or size.
    #[command(after_help = TRANSCRIPTS_SPLIT_EXAMPLES)]
    Split(SplitArgs),
    /// Keep the conversations of some intents or domains (their labels): the tasks a scenario plays, like for like,
    /// for `run --customer-text`, `calibrate` or `realism --real`. OUT is written whole or not at all.
    #[command(after_help = TRANSCRIPTS_FILTER_EXAMPLES)]
    Filter(FilterArgs),
}

/// `rehearse transcripts filter`.
#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// The transcript file to read.
    #[arg(value_name = "IN.jsonl")]
    pub input: PathBuf,
    /// The transcript file to write: the conversations kept, in the order read.
    #[arg(value_name = "OUT.jsonl")]
    pub out: PathBuf,
    /// Keep the conversations labelled with this intent (repeatable; STAR's multi-task conversations join theirs with
    /// +, and are kept only by that whole label).
    #[arg(long, value_name = "INTENT")]
    pub intent: Vec<String>,
    /// Keep the conversations of this domain (repeatable); with --intent, a conversation must have both.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Vec<String>,
}

const TRANSCRIPTS_FILTER_EXAMPLES: &str = "Examples:
  rehearse transcripts filter star-train.jsonl star-hotel-train.jsonl --intent hotel_book --intent weather
  rehearse transcripts filter multidogo-train.jsonl finance-train.jsonl --domain finance

Exit codes: 0 the file was written; 2 the input cannot be read, neither --intent nor --domain was given, or no
conversation is kept (the labels the file has are named).";

/// `rehearse transcripts convert`.
#[derive(Debug, Clone, Args)]
pub struct ConvertArgs {
    /// The corpus the input is in.
    #[arg(long, value_enum)]
    pub from: crate::transcripts::Corpus,
    /// The corpus's file, or the folder holding it (as in `../shared/data/CORPUS`).
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// The transcript file to write (JSON Lines).
    #[arg(value_name = "OUT.jsonl")]
    pub out: PathBuf,
}

/// `rehearse realism`.
#[derive(Debug, Clone, Args)]
pub struct RealismArgs {
    /// The real conversations: a transcript file (`rehearse transcripts convert`), ideally held out from any fit.
    #[arg(long, value_name = "FILE")]
    pub real: PathBuf,
    /// Closed loop: the simulated conversations, a run folder (its transcripts.jsonl) or a transcript file.
    #[arg(long, value_name = "RUN_DIR|FILE", required_unless_present = "persona")]
    pub sim: Option<PathBuf>,
    /// Open loop: a fitted persona file (`rehearse calibrate`); each real customer move is scored under it given the
    /// real conversation so far, in nats per move, beside the unigram baseline.
    #[arg(long, value_name = "FILE", conflicts_with = "sim", requires = "open_loop")]
    pub persona: Option<PathBuf>,
    /// Score in open loop (with --persona).
    #[arg(long, requires = "persona")]
    pub open_loop: bool,
    /// A customer-act tagger file (`rehearse customer-acts`): every customer message's act, real and simulated alike,
    /// in the tagger's terms (a label it knows is kept; any other message, labelled or not, gets its reading).
    #[arg(long, value_name = "FILE")]
    pub acts: Option<PathBuf>,
    /// Keep only the real conversations labelled with this intent (repeatable): like for like, the tasks the
    /// simulated scenario plays (STAR's hotel_book and weather for star-hotel).
    #[arg(long, value_name = "INTENT")]
    pub intent: Vec<String>,
    /// Folder for realism.json and realism.html (created if missing).
    #[arg(long, default_value = "runs/realism")]
    pub out: PathBuf,
}

/// `rehearse calibrate`.
#[derive(Debug, Clone, Args)]
pub struct CalibrateArgs {
    /// The real conversations to fit on: a transcript file (`rehearse transcripts convert`, `transcripts split`).
    #[arg(long, value_name = "FILE")]
    pub transcripts: PathBuf,
    /// A customer-act tagger file (`rehearse customer-acts`): every customer message's act in the tagger's terms (a
    /// label it knows is kept; any other message, labelled or not, gets its reading).
    #[arg(long, value_name = "FILE")]
    pub acts: Option<PathBuf>,
    /// The fitted persona file to write (RON), e.g. calibration-data/fitted/multidogo.ron.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Fit a persona for this scenario (a built-in id or a .ron path) instead of the customer model: a persona file
    /// `run --persona` takes, whose reaction table and vague openings are the transcripts' customers', read as the
    /// scenario's acts (the rules of `run --customer-text`); the tagger is --acts or the built-in one.
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<String>,
    /// Fit on the conversations of this domain only (their `domain` label: MultiDoGO's finance, STAR's hotel…), as
    /// customers of one domain open and answer unlike another's.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Fit on the conversations labelled with this intent only (repeatable): like for like, the tasks a scenario
    /// plays (STAR's hotel_book and weather for star-hotel), as customers of other tasks answer unlike them.
    #[arg(long, value_name = "INTENT")]
    pub intent: Vec<String>,
    /// With --scenario: the persona whose other parameters the fitted one keeps.
    #[arg(long, value_name = "PERSONA", default_value = "calm", requires = "scenario")]
    pub base: String,
    /// With --scenario: fit how often customers come with each of its intents too (`intent_shares`), so the persona
    /// comes for what the transcripts' customers came for instead of the scenario's mix.
    #[arg(long, requires = "scenario")]
    pub intent_shares: bool,
}

/// `rehearse customer-acts`.
#[derive(Debug, Clone, Args)]
pub struct CustomerActsArgs {
    /// The labelled conversations to train on: a transcript file whose customer turns carry acts.
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,
    /// Labelled conversations held out from training, to report precision and recall per act on.
    #[arg(long, value_name = "FILE")]
    pub held_out: PathBuf,
    /// The tagger file to write (RON), e.g. calibration-data/fitted/customer-acts.ron.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

const CUSTOMER_ACTS_EXAMPLES: &str = "Examples:
  rehearse transcripts convert --from multidogo ../shared/data/multidogo multidogo.jsonl
  rehearse transcripts split multidogo.jsonl --train train.jsonl --held-out held-out.jsonl
  rehearse customer-acts --train train.jsonl --held-out held-out.jsonl --out calibration-data/fitted/customer-acts.ron
  rehearse calibrate --transcripts star-train.jsonl --acts calibration-data/fitted/customer-acts.ron --out star.ron

A naive Bayes over a message's words, word pairs and length: every count is in the file. MultiDoGO's intents are read
as its seven generic acts and `goal` (any domain intent).

Exit codes: 0 the file was written; 2 the transcripts cannot be read or hold no labelled customer message.";

const CALIBRATE_EXAMPLES: &str = "Examples:
  rehearse transcripts convert --from multidogo ../shared/data/multidogo multidogo.jsonl
  rehearse transcripts split multidogo.jsonl --train train.jsonl --held-out held-out.jsonl
  rehearse calibrate --transcripts train.jsonl --out calibration-data/fitted/multidogo.ron
  rehearse calibrate --transcripts star-train.jsonl --intent hotel_book --intent weather --scenario star-hotel \
      --out star-hotel-customers.ron
  rehearse realism --real held-out.jsonl --persona calibration-data/fitted/multidogo.ron --open-loop --out runs/open

A fifth of the conversations (by a hash of corpus and id) validates the choice of context variables and of the
smoothing; the tables are then counted from all of them. Every row of the file records its sample size.

Exit codes: 0 the file was written; 2 the transcripts cannot be read or give no customer move.";

const REALISM_EXAMPLES: &str = "Examples:
  rehearse transcripts convert --from multidogo ../shared/data/multidogo multidogo.jsonl
  rehearse run --episodes 2000 --out runs/demo
  rehearse realism --real multidogo.jsonl --sim runs/demo --out runs/realism
  rehearse realism --real held-out.jsonl --persona calibration-data/fitted/multidogo.ron --open-loop
  rehearse realism --real star-held-out.jsonl --intent hotel_book --intent weather --sim runs/star-hotel
                                            like for like: the real conversations of the scenario's tasks

Open loop (--persona FILE --open-loop): each real conversation's agent turns are replayed to the fitted customer
model, and what the real customer did next (act, or the end; length given the act) is scored in nats per move,
beside the unigram the model backs off to.

A feature's score is exp(mean log-likelihood) of the real values under the simulated histogram (a pseudocount of
0.1 in every bin), in (0, 1]; its ceiling is the same score of half the real conversations against the other half.
A feature one side has no values of (acts, where a corpus has no labels) is shown as – and left out of the overall
score.

Exit codes: 0 the report was written; 2 an input cannot be read or holds no conversation.";

/// `rehearse transcripts split`.
#[derive(Debug, Clone, Args)]
pub struct SplitArgs {
    /// The transcript file to split.
    #[arg(value_name = "IN.jsonl")]
    pub input: PathBuf,
    /// Where the training conversations go.
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,
    /// Where the held-out conversations go.
    #[arg(long, value_name = "FILE")]
    pub held_out: PathBuf,
    /// The share held out, in (0, 1): of conversations, or with --by intent|domain of intents or domains.
    #[arg(long, default_value_t = 0.2)]
    pub fraction: f64,
    /// What is held out together: each conversation on its own, or whole intents (STAR's tasks) or domains, so the
    /// training side never sees what is scored (a counterfactual split).
    #[arg(long, value_enum, default_value = "id")]
    pub by: crate::transcripts::SplitBy,
}

const TRANSCRIPTS_SPLIT_EXAMPLES: &str = "Examples:
  rehearse transcripts split star.jsonl --train star-train.jsonl --held-out star-heldout.jsonl
  rehearse transcripts split multidogo.jsonl --fraction 0.1 --train md-train.jsonl --held-out md-heldout.jsonl
  rehearse transcripts split star.jsonl --by intent --train seen-tasks.jsonl --held-out unseen-tasks.jsonl

A conversation is held out when the first 8 bytes of SHA-256(\"rehearse-split:\" + its corpus + \":\" + its id), read
as a number, fall below the fraction of 2^64. With --by intent (or domain) the same hash is taken of each intent's
name, and a conversation is held out when any of its intents (joined by +) is.";

const TRANSCRIPTS_CONVERT_EXAMPLES: &str = "Examples:
  rehearse transcripts convert --from star ../shared/data/star star.jsonl
  rehearse transcripts convert --from multidogo ../shared/data/multidogo/customer_turns_turn_level.jsonl.gz multidogo.jsonl
  rehearse transcripts convert --from persuasionforgood ../shared/data/persuasionforgood p4g.jsonl

Exit codes: 0 conversations were written (rejected rows are listed on stderr and counted on stdout); 2 the input
cannot be read, holds no conversation, or OUT cannot be written (OUT is then left as it was).";

const TAGGER_EVAL_EXAMPLES: &str = "Examples:
  rehearse tagger-eval
  rehearse tagger-eval --scenario retail-support --episodes 500 --star ../shared/data/star --json tagger.json
  rehearse tagger-eval --scenario my-scenarios/refunds.ron";

const TOOLS_EXAMPLES: &str = "Examples:
  rehearse tools --scenario retail-support > tools.json
  rehearse tools --scenario my-scenarios/refunds.ron | jq '.[].function.name'";

const POLICY_EXAMPLES: &str = "Examples:
  rehearse policy --scenario retail-support > system-prompt.md
  rehearse policy --scenario bank-card-services --rules";

/// `rehearse replay`.
#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// The run's output directory.
    #[arg(long, default_value = "runs/demo")]
    pub out: PathBuf,
    /// Episode index.
    #[arg(long)]
    pub episode: u64,
    /// Re-simulate even if an input changed since the run (the episode shown may not be the one that ran).
    #[arg(long)]
    pub force: bool,
}

/// `rehearse bench`.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// What to simulate.
    #[command(flatten)]
    pub sim: SimArgs,
    /// Episodes per measurement.
    #[arg(long, default_value_t = 400_000)]
    pub episodes: u64,
    /// Repetitions per measurement; the best is reported.
    #[arg(long, default_value_t = 3)]
    pub repeat: u32,
}

/// `rehearse show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// A built-in scenario or persona id (see `rehearse list`).
    pub name: String,
}

/// `rehearse lint`.
#[derive(Debug, Clone, Args)]
pub struct LintArgs {
    /// Files or folders to check; a folder means every `*.ron` file in it, recursively. Default: the built-ins.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also check that every persona can be run with this scenario (a built-in id or a .ron path): it must hold at
    /// least one of the scenario's intents.
    #[arg(long)]
    pub scenario: Option<String>,
}

/// `--agent-timeout`'s default, also for runs recorded before the flag existed.
fn default_agent_timeout() -> f64 {
    30.0
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        super::Cli::command().debug_assert();
    }
}
