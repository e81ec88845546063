CREATE TABLE registry_models (
    name TEXT PRIMARY KEY NOT NULL,
    last_version INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE registry_model_tags (
    name TEXT NOT NULL REFERENCES registry_models (name),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, key)
) WITHOUT ROWID;
CREATE TABLE registry_versions (
    name TEXT NOT NULL REFERENCES registry_models (name),
    version INTEGER NOT NULL,
    stage TEXT NOT NULL,
    revision INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (name, version)
) WITHOUT ROWID;
CREATE INDEX registry_versions_by_stage ON registry_versions (stage, name, version);
CREATE TABLE registry_version_tags (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES registry_versions (name, version)
) WITHOUT ROWID;
CREATE TABLE registry_aliases (
    name TEXT NOT NULL,
    alias TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES registry_versions (name, version)
) WITHOUT ROWID;
CREATE TABLE registry_deployments (
    name TEXT NOT NULL REFERENCES registry_models (name),
    environment TEXT NOT NULL,
    seq INTEGER NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (name, environment, seq)
) WITHOUT ROWID;
