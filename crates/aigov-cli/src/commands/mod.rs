//! One module per command.

pub mod assess;
pub mod audit;
pub mod audit_witness;
pub mod decide;
pub mod decommission;
pub mod drift;
pub mod evidence;
pub mod explain;
pub mod fairness;
pub mod feature_list;
pub mod hash;
pub mod incident;
pub mod init;
pub mod keys;
pub mod lifecycle;
pub mod model;
pub mod model_source;
pub mod monitor;
pub mod policy;
pub mod redact;
pub mod report;
pub mod robustness;
pub mod schema;
pub mod table;
pub mod validate;
pub mod verify_model;
