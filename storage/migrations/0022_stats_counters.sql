-- 0022: per-day counters of the report and index figures (storage/stats_counters.py, issue 17
-- "Speed"). Derived data, rebuilt per unit, lazily before a figure is read, for the units marked
-- in stats_dirty. Triggers mark a unit dirty in the same transaction as any change to its
-- dossiers, their status events or its catalogue, whoever writes them (imports, tests, by hand),
-- so the counters are never read stale.

-- One row per unit and day with any change. r_*: dossiers received that day; f_*: finished that
-- day; c_*: cumulative (received up to the day, finished up to the day); p_*: levels at the end
-- of the day (pending in supplement, in payment, late for the report, late for index 2.1).
-- Dossiers finished before they were received (inconsistent rows) are left out of f_*, c_* and
-- p_* and counted by the exact row path instead.
CREATE TABLE stats_days (
    unit_id INTEGER NOT NULL,
    day     TEXT NOT NULL,
    r_n INTEGER NOT NULL DEFAULT 0, r_direct INTEGER NOT NULL DEFAULT 0,
    r_online INTEGER NOT NULL DEFAULT 0, r_fees INTEGER NOT NULL DEFAULT 0,
    r_fees_paid INTEGER NOT NULL DEFAULT 0, r_scope INTEGER NOT NULL DEFAULT 0,
    r_dig_in INTEGER NOT NULL DEFAULT 0, r_stored INTEGER NOT NULL DEFAULT 0,
    r_reused INTEGER NOT NULL DEFAULT 0, r_full_fully INTEGER NOT NULL DEFAULT 0,
    r_none INTEGER NOT NULL DEFAULT 0, r_none_online INTEGER NOT NULL DEFAULT 0,
    r_partial INTEGER NOT NULL DEFAULT 0, r_partial_online INTEGER NOT NULL DEFAULT 0,
    r_full INTEGER NOT NULL DEFAULT 0, r_full_online INTEGER NOT NULL DEFAULT 0,
    f_rejected INTEGER NOT NULL DEFAULT 0, f_withdrawn INTEGER NOT NULL DEFAULT 0,
    f_results INTEGER NOT NULL DEFAULT 0, f_early INTEGER NOT NULL DEFAULT 0,
    f_late INTEGER NOT NULL DEFAULT 0, f_dig_out INTEGER NOT NULL DEFAULT 0,
    f_dig_both INTEGER NOT NULL DEFAULT 0,
    c_received INTEGER NOT NULL DEFAULT 0, c_finished INTEGER NOT NULL DEFAULT 0,
    p_supplement INTEGER NOT NULL DEFAULT 0, p_payment INTEGER NOT NULL DEFAULT 0,
    p_late INTEGER NOT NULL DEFAULT 0, p_late21 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, day)
) WITHOUT ROWID;

-- The r_* and f_* columns of stats_days summed per unit and month ('YYYY-MM'): a period of whole
-- months reads a few rows per unit.
CREATE TABLE stats_months (
    unit_id INTEGER NOT NULL,
    month   TEXT NOT NULL,
    r_n INTEGER NOT NULL, r_direct INTEGER NOT NULL, r_online INTEGER NOT NULL,
    r_fees INTEGER NOT NULL, r_fees_paid INTEGER NOT NULL, r_scope INTEGER NOT NULL,
    r_dig_in INTEGER NOT NULL, r_stored INTEGER NOT NULL, r_reused INTEGER NOT NULL,
    r_full_fully INTEGER NOT NULL, r_none INTEGER NOT NULL, r_none_online INTEGER NOT NULL,
    r_partial INTEGER NOT NULL, r_partial_online INTEGER NOT NULL, r_full INTEGER NOT NULL,
    r_full_online INTEGER NOT NULL,
    f_rejected INTEGER NOT NULL, f_withdrawn INTEGER NOT NULL, f_results INTEGER NOT NULL,
    f_early INTEGER NOT NULL, f_late INTEGER NOT NULL, f_dig_out INTEGER NOT NULL,
    f_dig_both INTEGER NOT NULL,
    PRIMARY KEY (unit_id, month)
) WITHOUT ROWID;

-- The catalogue's procedures per unit and level.
CREATE TABLE stats_catalogue (
    unit_id INTEGER NOT NULL, level TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (unit_id, level)
) WITHOUT ROWID;

-- Procedures with dossiers received (with a fee; with a fee paid online): per unit, day and
-- procedure, and per unit, year and procedure with one bit per month (bit 0: January), so the
-- distinct counts of any whole months of a year read one row per procedure, unsorted.
CREATE TABLE stats_proc_days (
    unit_id INTEGER NOT NULL, day TEXT NOT NULL, code TEXT NOT NULL, level TEXT,
    fee INTEGER NOT NULL, paid INTEGER NOT NULL,
    PRIMARY KEY (unit_id, day, code)
) WITHOUT ROWID;
CREATE TABLE stats_proc_years (
    unit_id INTEGER NOT NULL, year TEXT NOT NULL, code TEXT NOT NULL, level TEXT,
    months INTEGER NOT NULL, fee_months INTEGER NOT NULL, paid_months INTEGER NOT NULL,
    PRIMARY KEY (unit_id, year, code)
) WITHOUT ROWID;

-- Per unit, the latest instant any of its dossiers records (received, finished, status, events):
-- a running period ending now reads the counters of whole days when nothing is recorded later.
CREATE TABLE stats_units (unit_id INTEGER PRIMARY KEY, max_at TEXT);

-- Units whose counters must be rebuilt before the next read.
CREATE TABLE stats_dirty (unit_id INTEGER PRIMARY KEY);
INSERT INTO stats_dirty (unit_id) SELECT id FROM units;

-- Dossiers finished before they were received: found at once by the exact row path.
CREATE INDEX dossiers_inconsistent ON dossiers (unit_id) WHERE finished_at < received_at;

CREATE TRIGGER stats_dirty_dossier_insert AFTER INSERT ON dossiers BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (NEW.unit_id);
END;
CREATE TRIGGER stats_dirty_dossier_update AFTER UPDATE OF unit_id, procedure_code, channel,
    received_at, due_at, finished_at, status, status_at, fully_online, digitized_input,
    digitized_output, stored, reused, fee, paid_online ON dossiers BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (OLD.unit_id);
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (NEW.unit_id);
END;
CREATE TRIGGER stats_dirty_dossier_delete AFTER DELETE ON dossiers BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (OLD.unit_id);
END;
CREATE TRIGGER stats_dirty_event_insert AFTER INSERT ON status_events BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id)
    SELECT unit_id FROM dossiers WHERE id = NEW.dossier_id;
END;
CREATE TRIGGER stats_dirty_event_update AFTER UPDATE ON status_events BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id)
    SELECT unit_id FROM dossiers WHERE id IN (OLD.dossier_id, NEW.dossier_id);
END;
CREATE TRIGGER stats_dirty_event_delete AFTER DELETE ON status_events BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id)
    SELECT unit_id FROM dossiers WHERE id = OLD.dossier_id;
END;
CREATE TRIGGER stats_dirty_procedure_insert AFTER INSERT ON procedures BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (NEW.unit_id);
END;
CREATE TRIGGER stats_dirty_procedure_update AFTER UPDATE OF unit_id, code, level ON procedures
BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (OLD.unit_id);
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (NEW.unit_id);
END;
CREATE TRIGGER stats_dirty_procedure_delete AFTER DELETE ON procedures BEGIN
    INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (OLD.unit_id);
END;
