//! Email: composing messages from templates, the outbox table and the worker that sends it.

pub mod compose;
pub mod mailer;
pub mod outbox;
