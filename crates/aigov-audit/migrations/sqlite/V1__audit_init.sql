CREATE TABLE audit_entries (
    idx INTEGER PRIMARY KEY NOT NULL,
    leaf_hash BLOB NOT NULL,
    payload BLOB,
    time TEXT NOT NULL,
    redaction TEXT
);
CREATE TABLE audit_nodes (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE audit_checkpoints (
    size INTEGER PRIMARY KEY NOT NULL,
    note TEXT NOT NULL
);
CREATE TABLE audit_holds (
    id INTEGER PRIMARY KEY NOT NULL,
    from_idx INTEGER NOT NULL,
    to_idx INTEGER NOT NULL,
    reason TEXT NOT NULL,
    placed_by TEXT NOT NULL,
    placed_at TEXT NOT NULL,
    released_at TEXT
);
CREATE TABLE audit_cursors (
    name TEXT PRIMARY KEY NOT NULL,
    position INTEGER NOT NULL
);
