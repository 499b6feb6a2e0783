-- 0018: leaders scoped to several units or to every unit (issue 17). No row for a staff member:
-- their own unit only (staff.unit_id). A row with unit_id NULL: every unit of the store.
CREATE TABLE staff_scopes (
    staff_id  INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    unit_id   INTEGER REFERENCES units(id)          -- NULL: all units
);

CREATE UNIQUE INDEX staff_scopes_unit ON staff_scopes (staff_id, COALESCE(unit_id, 0));
