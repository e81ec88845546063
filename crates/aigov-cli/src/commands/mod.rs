//! One module per command.

pub mod audit;
pub mod drift;
pub mod fairness;
pub mod hash;
pub mod init;
pub mod keys;
pub mod model;
pub mod policy;
pub mod redact;
pub mod verify_model;
