CREATE TABLE registry_artifact_chunks (
    digest TEXT COLLATE "C" NOT NULL,
    seq INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (digest, seq)
);
CREATE TABLE registry_artifacts (
    digest TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    size BIGINT NOT NULL,
    chunks INTEGER NOT NULL
);
