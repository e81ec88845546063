CREATE TABLE registry_models (
    name TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    last_version BIGINT NOT NULL DEFAULT 0,
    doc TEXT NOT NULL
);
CREATE TABLE registry_model_tags (
    name TEXT COLLATE "C" NOT NULL REFERENCES registry_models (name),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE registry_versions (
    name TEXT COLLATE "C" NOT NULL REFERENCES registry_models (name),
    version BIGINT NOT NULL,
    stage TEXT NOT NULL,
    revision BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE INDEX registry_versions_by_stage ON registry_versions (stage, name, version);
CREATE TABLE registry_version_tags (
    name TEXT COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (name, version, key),
    FOREIGN KEY (name, version) REFERENCES registry_versions (name, version)
);
CREATE TABLE registry_aliases (
    name TEXT COLLATE "C" NOT NULL,
    alias TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (name, alias),
    FOREIGN KEY (name, version) REFERENCES registry_versions (name, version)
);
CREATE TABLE registry_deployments (
    name TEXT COLLATE "C" NOT NULL REFERENCES registry_models (name),
    environment TEXT NOT NULL,
    seq BIGINT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (name, environment, seq)
);
