CREATE TABLE registry_directory (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    doc TEXT NOT NULL,
    generation BIGINT NOT NULL
);
