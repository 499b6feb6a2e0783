-- 0010: forget every raw digest stored before PARSE_VERSION 2 (storage/import_known.py).
-- They digested whole rows, full phone and ID numbers included, keyed only by public values:
-- a full phone number could be recovered from one by trying candidates. The digests of the
-- next import leave the personal numbers out (only their last 4 digits, as stored); until a row
-- is imported again it is parsed and compared by row_hash, as a row without a digest always was.
UPDATE dossiers SET raw_digest = NULL WHERE raw_digest IS NOT NULL;
