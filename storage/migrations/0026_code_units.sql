-- Which units hold codes of each prefix (the part of a dossier code before its first '-', the
-- unit's administrative code '000.00.12.H31'): a citizen's lookup by code asks this small table
-- first, then only those units' dossiers (issue 16, item 5: a store spread by unit answers the
-- lookup from one unit's machine). Kept by a trigger on every new dossier; a code without '-'
-- has no prefix here, and its lookup asks every unit.
CREATE TABLE code_units (
    prefix   TEXT NOT NULL,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (prefix, unit_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO code_units (prefix, unit_id)
SELECT DISTINCT substr(code, 1, instr(code, '-') - 1), unit_id FROM dossiers
WHERE instr(code, '-') > 0;
CREATE TRIGGER code_units_dossier_insert AFTER INSERT ON dossiers
WHEN instr(NEW.code, '-') > 0 BEGIN
    INSERT OR IGNORE INTO code_units (prefix, unit_id)
    VALUES (substr(NEW.code, 1, instr(NEW.code, '-') - 1), NEW.unit_id);
END;
