-- The change journal: a note of each registry change, written in the change's transaction,
-- until the audit log records it. AUTOINCREMENT: a settled note's seq is never reused.
CREATE TABLE registry_pending_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    note TEXT NOT NULL,
    claimed_at INTEGER NOT NULL
);
