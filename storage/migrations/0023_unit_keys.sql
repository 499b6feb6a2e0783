-- Ready to be spread over machines by unit (issue 16): the tables that grow with the dossiers
-- carry unit_id, in a unique key with their own id, so a store can be distributed by unit
-- (PostgreSQL with Citus) without a schema change. Rows written without it (older code paths)
-- get it from their dossier.
ALTER TABLE status_events ADD COLUMN unit_id INTEGER REFERENCES units(id);
UPDATE status_events SET unit_id = (SELECT d.unit_id FROM dossiers d WHERE d.id = dossier_id);
CREATE UNIQUE INDEX status_events_unit ON status_events (unit_id, id);
CREATE TRIGGER status_events_unit AFTER INSERT ON status_events WHEN NEW.unit_id IS NULL BEGIN
    UPDATE status_events SET unit_id = (SELECT unit_id FROM dossiers WHERE id = NEW.dossier_id)
    WHERE id = NEW.id;
END;

ALTER TABLE subscriptions ADD COLUMN unit_id INTEGER REFERENCES units(id);
UPDATE subscriptions SET unit_id = (SELECT d.unit_id FROM dossiers d WHERE d.id = dossier_id);
CREATE UNIQUE INDEX subscriptions_unit ON subscriptions (unit_id, id);
CREATE TRIGGER subscriptions_unit AFTER INSERT ON subscriptions WHEN NEW.unit_id IS NULL BEGIN
    UPDATE subscriptions SET unit_id = (SELECT unit_id FROM dossiers WHERE id = NEW.dossier_id)
    WHERE id = NEW.id;
END;

ALTER TABLE ratings ADD COLUMN unit_id INTEGER REFERENCES units(id);
UPDATE ratings SET unit_id = (SELECT d.unit_id FROM dossiers d WHERE d.id = dossier_id);
CREATE UNIQUE INDEX ratings_unit ON ratings (unit_id, id);
CREATE TRIGGER ratings_unit AFTER INSERT ON ratings WHEN NEW.unit_id IS NULL BEGIN
    UPDATE ratings SET unit_id = (SELECT unit_id FROM dossiers WHERE id = NEW.dossier_id)
    WHERE id = NEW.id;
END;

CREATE UNIQUE INDEX dossiers_unit_id ON dossiers (unit_id, id);
CREATE UNIQUE INDEX import_runs_unit_id ON import_runs (id, unit_id);
