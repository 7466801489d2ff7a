//! What an agent outside rehearse is given and how its replies are read (see PROTOCOL.md): the scenario's tools as
//! chat-completions function schemas, and the two transports: chat-completions over HTTP and JSON Lines over stdio; and recordings of an agent's replies.

pub mod chat;
pub mod record;
pub mod schema;
pub mod stdio;
