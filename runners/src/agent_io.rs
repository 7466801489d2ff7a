//! What an agent outside rehearse is given and how its replies are read (see PROTOCOL.md): the scenario's tools as
//! chat-completions function schemas, and the stdio transport.

pub mod schema;
pub mod stdio;
