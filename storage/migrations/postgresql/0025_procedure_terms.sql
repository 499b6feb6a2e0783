-- 0025 (issue 16, PostgreSQL only): the catalogue search of SQLite's procedures_fts (0020) on
-- PostgreSQL. FTS5's index is replaced by the terms of each procedure: the tokens of its folded
-- name (name_search) and of its field folded the same way (lowercase, accents and đ removed),
-- counted per column, with each procedure's token count and the store's totals — everything
-- FTS5's bm25 reads, so storage/bm25.py ranks the same procedures first on both engines.
-- Triggers keep the terms in step with every insert, update and delete of procedures.

-- A text folded as the FTS5 tokenizer 'unicode61 remove_diacritics 2' folds it (lowercase,
-- Latin letters without their accents, đ → d), the map made from storage.normalize.fold.
CREATE FUNCTION search_fold(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(translate(COALESCE(t, ''),
        'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚ'
        || 'ěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻ'
        || 'żŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭ'
        || 'ȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉ'
        || 'ṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙ'
        || 'ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữ'
        || 'ỰựỲỳỴỵỶỷỸỹ',
        'aaaaaaceeeeiiiinooooouuuuyaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddddeeeeeeeee'
        || 'egggggggghhiiiiiiiiijjkkllllllnnnnnnoooooorrrrrrssssssssttttuuuuuuuuuuuuwwyyyzzz'
        || 'zzzoouuaaiioouuuuuuuuuuaaaaggkkoooojggnnaaaaaaeeeeiiiioooorrrruuuusstthhaaeeoooo'
        || 'ooooyyaabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnn'
        || 'nnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwy'
        || 'aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuu'
        || 'uuyyyyyyyy'))
$$;

-- The tokens of a folded text: its runs of letters and digits, in order.
CREATE FUNCTION search_tokens(t TEXT) RETURNS SETOF TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT tok FROM regexp_split_to_table(search_fold(t), '[^0-9a-z]+') AS tok WHERE tok <> ''
$$;

-- Each procedure's terms: how often each occurs in the name and in the field.
CREATE TABLE procedure_terms (
    unit_id       BIGINT NOT NULL,
    procedure_id  BIGINT NOT NULL,
    term          TEXT NOT NULL,
    in_name       INTEGER NOT NULL,
    in_field      INTEGER NOT NULL,
    PRIMARY KEY (unit_id, procedure_id, term)
);
CREATE INDEX procedure_terms_term ON procedure_terms (term COLLATE "C", procedure_id);

-- Each procedure's size in tokens (name and field), FTS5's column size of the row.
CREATE TABLE procedure_docs (
    unit_id       BIGINT NOT NULL,
    procedure_id  BIGINT NOT NULL,
    tokens        INTEGER NOT NULL,
    PRIMARY KEY (unit_id, procedure_id)
);

-- The store's procedures and their tokens, FTS5's row count and total size (one row, id 1).
CREATE TABLE procedure_search_totals (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    docs    BIGINT NOT NULL,
    tokens  BIGINT NOT NULL
);

CREATE FUNCTION procedure_terms_add(p_unit BIGINT, p_id BIGINT, p_name TEXT, p_field TEXT)
RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    n INTEGER;
BEGIN
    INSERT INTO procedure_terms (unit_id, procedure_id, term, in_name, in_field)
    SELECT p_unit, p_id, tok, SUM(CASE WHEN col = 0 THEN 1 ELSE 0 END),
           SUM(CASE WHEN col = 1 THEN 1 ELSE 0 END)
    FROM (SELECT 0 AS col, search_tokens(p_name) AS tok
          UNION ALL SELECT 1, search_tokens(p_field)) AS t
    GROUP BY tok;
    n := (SELECT COUNT(*) FROM search_tokens(p_name)) + (SELECT COUNT(*) FROM search_tokens(p_field));
    INSERT INTO procedure_docs (unit_id, procedure_id, tokens) VALUES (p_unit, p_id, n);
    INSERT INTO procedure_search_totals (id, docs, tokens) VALUES (1, 1, n)
    ON CONFLICT (id) DO UPDATE SET docs = procedure_search_totals.docs + 1,
        tokens = procedure_search_totals.tokens + excluded.tokens;
END $$;

CREATE FUNCTION procedure_terms_drop(p_unit BIGINT, p_id BIGINT) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    n INTEGER;
BEGIN
    DELETE FROM procedure_docs WHERE unit_id = p_unit AND procedure_id = p_id RETURNING tokens INTO n;
    IF n IS NOT NULL THEN
        DELETE FROM procedure_terms WHERE unit_id = p_unit AND procedure_id = p_id;
        UPDATE procedure_search_totals SET docs = docs - 1, tokens = tokens - n WHERE id = 1;
    END IF;
END $$;

CREATE FUNCTION procedure_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM procedure_terms_drop(OLD.unit_id, OLD.id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM procedure_terms_add(NEW.unit_id, NEW.id, NEW.name_search, NEW.field);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER procedure_terms_insert AFTER INSERT ON procedures
    FOR EACH ROW EXECUTE FUNCTION procedure_terms_sync();
CREATE TRIGGER procedure_terms_update AFTER UPDATE ON procedures
    FOR EACH ROW WHEN (OLD.name_search IS DISTINCT FROM NEW.name_search
                       OR OLD.field IS DISTINCT FROM NEW.field
                       OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
                       OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION procedure_terms_sync();
CREATE TRIGGER procedure_terms_delete AFTER DELETE ON procedures
    FOR EACH ROW EXECUTE FUNCTION procedure_terms_sync();

-- The procedures already stored.
SELECT procedure_terms_add(unit_id, id, name_search, field) FROM procedures ORDER BY id;
