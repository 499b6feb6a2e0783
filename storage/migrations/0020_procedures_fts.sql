-- 0020 (issue 13): full-text search of the catalogue for citizens' questions.
-- procedures_fts indexes the accent-folded name (name_search) and the field with đ → d (the
-- unicode61 tokenizer folds the other accents and the case itself). Triggers keep it in step with
-- every insert, update and delete of procedures, whoever writes them.
CREATE VIRTUAL TABLE procedures_fts USING fts5(
    name, field, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO procedures_fts (rowid, name, field)
    SELECT id, name_search, replace(replace(coalesce(field, ''), 'đ', 'd'), 'Đ', 'D')
    FROM procedures;
CREATE TRIGGER procedures_fts_insert AFTER INSERT ON procedures BEGIN
    INSERT INTO procedures_fts (rowid, name, field) VALUES
        (new.id, new.name_search, replace(replace(coalesce(new.field, ''), 'đ', 'd'), 'Đ', 'D'));
END;
CREATE TRIGGER procedures_fts_delete AFTER DELETE ON procedures BEGIN
    DELETE FROM procedures_fts WHERE rowid = old.id;
END;
CREATE TRIGGER procedures_fts_update AFTER UPDATE OF name_search, field ON procedures BEGIN
    DELETE FROM procedures_fts WHERE rowid = old.id;
    INSERT INTO procedures_fts (rowid, name, field) VALUES
        (new.id, new.name_search, replace(replace(coalesce(new.field, ''), 'đ', 'd'), 'Đ', 'D'));
END;
-- How many dossiers each procedure had lately (ranking of the search): counted from the index.
CREATE INDEX dossiers_procedure_received ON dossiers (procedure_code, received_at);
