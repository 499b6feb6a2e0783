-- 0016: facts about the store itself; key 'demo' marks the store `motcua demo` loaded, so the
-- demo never opens (nor reuses) a store that holds other data (issue 18).
CREATE TABLE store_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
