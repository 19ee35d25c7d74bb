//! Planning: turning a diff into ordered, hazard-annotated steps. So far the hazard model
//! ([`hazard`]); ordering and SQL rendering build on it.

pub mod hazard;
