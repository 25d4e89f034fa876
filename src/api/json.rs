//! JSON values of the API's response types, for handlers that assemble a body by hand.

use serde_json::Value;

use crate::api::schema::{Comment, Consultation, ConsultationItem, Idea, IdeaFull, Organisation};
use crate::services::comments::CommentView;
use crate::services::consultations::{ConsultationCard, ConsultationView, OrganisationView};
use crate::services::ideas::{IdeaDetail, IdeaSummary};

pub use crate::api::schema::time;

fn value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub fn organisation(o: &OrganisationView) -> Value {
    value(Organisation::from(o))
}

pub fn consultation(c: &ConsultationView) -> Value {
    value(Consultation::from(c))
}

pub fn consultation_card(c: &ConsultationCard) -> Value {
    value(ConsultationItem::from(c))
}

pub fn idea_summary(i: &IdeaSummary) -> Value {
    value(Idea::from(i))
}

pub fn idea_detail(d: &IdeaDetail) -> Value {
    value(IdeaFull::from(d))
}

pub fn comment(c: &CommentView) -> Value {
    value(Comment::from(c))
}
