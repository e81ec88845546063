-- The change journal: a note of each registry change, written in the change's transaction,
-- until the audit log records it.
CREATE TABLE registry_pending_changes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    note TEXT NOT NULL,
    claimed_at BIGINT NOT NULL
);
