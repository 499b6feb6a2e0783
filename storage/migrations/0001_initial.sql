-- 0001: units, procedures (catalogue), dossiers, status events, import runs.
-- Datetimes are stored as local wall-clock text 'YYYY-MM-DDTHH:MM:SS' in the settings' timezone
-- (Asia/Ho_Chi_Minh by default), so a calendar day is substr(x, 1, 10) and period bounds compare
-- as text. Booleans are 0/1.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE procedures (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_search TEXT NOT NULL,            -- lowercase, accents and đ folded, for /thutuc
    field       TEXT,
    level       TEXT NOT NULL CHECK (level IN ('toan_trinh', 'mot_phan', 'khong')),
    days        INTEGER CHECK (days IS NULL OR days >= 0),
    fee_text    TEXT,
    updated_at  TEXT NOT NULL,
    UNIQUE (unit_id, code)
);

CREATE TABLE import_runs (
    id              INTEGER PRIMARY KEY,
    unit_id         INTEGER REFERENCES units(id),
    kind            TEXT NOT NULL CHECK (kind IN ('dossiers', 'procedures')),
    file_name       TEXT NOT NULL,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    strict          INTEGER NOT NULL DEFAULT 0,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    inserted        INTEGER NOT NULL DEFAULT 0,
    updated         INTEGER NOT NULL DEFAULT 0,
    unchanged       INTEGER NOT NULL DEFAULT 0,
    rejected        INTEGER NOT NULL DEFAULT 0,
    status_changes  INTEGER NOT NULL DEFAULT 0,
    rejects_path    TEXT,
    outcome         TEXT NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'done', 'refused', 'failed'))
);

CREATE TABLE dossiers (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units(id),
    code             TEXT NOT NULL,
    procedure_code   TEXT NOT NULL,
    procedure_name   TEXT,
    applicant        TEXT NOT NULL,
    phone_last4      TEXT,
    id_last4         TEXT,
    channel          TEXT NOT NULL CHECK (channel IN ('truc_tiep', 'truc_tuyen', 'buu_chinh')),
    received_at      TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    finished_at      TEXT,
    returned_at      TEXT,
    status           TEXT NOT NULL CHECK (status IN ('received', 'processing', 'supplement',
                         'payment', 'result', 'returned', 'rejected', 'stopped', 'withdrawn')),
    status_at        TEXT NOT NULL,
    officer          TEXT,
    fully_online     INTEGER NOT NULL DEFAULT 0,
    digitized_input  INTEGER NOT NULL DEFAULT 0,
    digitized_output INTEGER NOT NULL DEFAULT 0,
    stored           INTEGER NOT NULL DEFAULT 0,
    reused           INTEGER NOT NULL DEFAULT 0,
    fee              INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0),
    paid_online      INTEGER NOT NULL DEFAULT 0,
    supplement_note  TEXT,
    row_hash         TEXT NOT NULL,        -- hash of the imported content, for "unchanged"
    updated_at       TEXT NOT NULL,
    UNIQUE (unit_id, code)
);

-- Lookup by code from chat (any unit).
CREATE INDEX dossiers_code ON dossiers (code);
-- Period scans.
CREATE INDEX dossiers_received ON dossiers (unit_id, received_at, status);
CREATE INDEX dossiers_finished ON dossiers (unit_id, finished_at, status);
-- An officer's open dossiers by due date.
CREATE INDEX dossiers_officer_open ON dossiers (officer, due_at) WHERE finished_at IS NULL;

CREATE TABLE status_events (
    id             INTEGER PRIMARY KEY,
    dossier_id     INTEGER NOT NULL REFERENCES dossiers(id) ON DELETE CASCADE,
    old_status     TEXT,                  -- NULL for the first status seen (insert)
    new_status     TEXT NOT NULL,
    status_at      TEXT NOT NULL,
    import_run_id  INTEGER REFERENCES import_runs(id),
    recorded_at    TEXT NOT NULL
);

CREATE INDEX status_events_dossier ON status_events (dossier_id, status_at);
