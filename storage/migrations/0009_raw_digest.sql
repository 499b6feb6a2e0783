-- 0009: the digest of each dossier's imported row as it stood in the file (storage/import_known.py).
-- A re-imported row whose raw cells, header and time zone are unchanged is recognised by this
-- digest alone and is not parsed again; NULL (rows stored before 0009, or added by hand) never
-- matches, so such a row is parsed and compared by row_hash as before, then gets its digest.
ALTER TABLE dossiers ADD COLUMN raw_digest INTEGER;
