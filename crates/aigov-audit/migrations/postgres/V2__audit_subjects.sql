-- What each entry is about (a model version, a model, an incident), for reports that must not
-- scan the log.
CREATE TABLE audit_subjects (
    subject TEXT NOT NULL,
    kind TEXT NOT NULL,
    idx BIGINT NOT NULL,
    PRIMARY KEY (subject, kind, idx)
);
CREATE INDEX audit_subjects_by_index ON audit_subjects (subject, idx);
