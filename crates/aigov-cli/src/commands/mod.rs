//! One module per command.

pub mod hash;
pub mod keys;
pub mod verify_model;
