-- Which units hold codes of each prefix (the part of a dossier code before its first '-', the
-- unit's administrative code '000.00.12.H31'): a citizen's lookup by code asks this small
-- (reference) table first, then only those units' dossiers (issue 16, item 5: on a store spread
-- by unit the lookup goes to one unit's shard). Kept by a statement-level trigger; a code
-- without '-' has no prefix here, and its lookup asks every unit.
CREATE TABLE code_units (
    prefix   TEXT COLLATE "C" NOT NULL,
    unit_id  BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (prefix, unit_id)
);
INSERT INTO code_units (prefix, unit_id)
SELECT DISTINCT split_part(code, '-', 1), unit_id FROM dossiers WHERE strpos(code, '-') > 0
ON CONFLICT DO NOTHING;
CREATE FUNCTION code_units_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO code_units (prefix, unit_id)
    SELECT DISTINCT split_part(code, '-', 1), unit_id FROM new_rows WHERE strpos(code, '-') > 0
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER code_units_dossier_insert AFTER INSERT ON dossiers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION code_units_new();
