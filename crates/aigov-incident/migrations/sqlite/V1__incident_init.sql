CREATE TABLE incident_incidents (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    entries INTEGER NOT NULL,
    opened_at TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX incident_incidents_status ON incident_incidents (status, opened_at);
