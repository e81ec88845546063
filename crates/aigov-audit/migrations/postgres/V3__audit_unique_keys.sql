-- Keys no two entries may share (a registry change's id), checked in the append transaction,
-- so an event recorded by two processes is logged once.
CREATE TABLE audit_unique_keys (
    key TEXT PRIMARY KEY,
    idx BIGINT NOT NULL
);
