CREATE TABLE incident_incidents (
    id TEXT COLLATE "C" PRIMARY KEY,
    status TEXT NOT NULL,
    entries BIGINT NOT NULL,
    opened_at TEXT COLLATE "C" NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX incident_incidents_status ON incident_incidents (status, opened_at);
