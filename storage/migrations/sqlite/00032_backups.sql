-- +goose Up
-- Backup, verification and restore runs of the instance: what the operator's
-- status page and the metrics report. Not tenant data: the instance's own.
CREATE TABLE backup_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,           -- backup, verify, account-export, account-restore
    backup_id   TEXT    NOT NULL DEFAULT '',
    host        TEXT    NOT NULL DEFAULT '',
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      TEXT    NOT NULL,           -- running, ok, partial, failed, interrupted
    size        INTEGER NOT NULL DEFAULT 0, -- bytes of the encrypted archive
    plain_bytes INTEGER NOT NULL DEFAULT 0,
    row_count   INTEGER NOT NULL DEFAULT 0,
    file_count  INTEGER NOT NULL DEFAULT 0,
    report      TEXT    NOT NULL DEFAULT '{}', -- per destination, JSON
    error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX backup_runs_kind ON backup_runs (kind, started_at);

-- A lease lets one instance among several sharing the database run a
-- periodic job: the holder renews it while it works; another takes over
-- once it has expired.
CREATE TABLE job_leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
DROP TABLE backup_runs;
