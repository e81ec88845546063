CREATE TABLE audit_entries (
    idx BIGINT PRIMARY KEY NOT NULL,
    leaf_hash BYTEA NOT NULL,
    payload BYTEA,
    time TEXT NOT NULL,
    redaction TEXT
);
CREATE TABLE audit_nodes (
    level INTEGER NOT NULL,
    idx BIGINT NOT NULL,
    hash BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);
CREATE TABLE audit_checkpoints (
    size BIGINT PRIMARY KEY NOT NULL,
    note TEXT NOT NULL
);
CREATE TABLE audit_holds (
    id BIGSERIAL PRIMARY KEY,
    from_idx BIGINT NOT NULL,
    to_idx BIGINT NOT NULL,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    released_at TEXT
);
CREATE TABLE audit_cursors (
    name TEXT PRIMARY KEY NOT NULL,
    position BIGINT NOT NULL
);
