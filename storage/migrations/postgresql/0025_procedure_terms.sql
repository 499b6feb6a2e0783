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
    term          TEXT COLLATE "C" NOT NULL,
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

-- Learn the terms, sizes and totals of these procedures (as stored now), all at once.
CREATE FUNCTION procedure_terms_learn(ids BIGINT[]) RETURNS VOID LANGUAGE sql AS $$
    INSERT INTO procedure_terms (unit_id, procedure_id, term, in_name, in_field)
    SELECT unit_id, id, tok, COUNT(*) FILTER (WHERE col = 0), COUNT(*) FILTER (WHERE col = 1)
    FROM (SELECT unit_id, id, 0 AS col, search_tokens(name_search) AS tok
          FROM procedures WHERE id = ANY(ids)
          UNION ALL
          SELECT unit_id, id, 1, search_tokens(field) FROM procedures WHERE id = ANY(ids)) AS t
    GROUP BY unit_id, id, tok;
    WITH sized AS (
        INSERT INTO procedure_docs (unit_id, procedure_id, tokens)
        SELECT unit_id, id, (SELECT COUNT(*) FROM search_tokens(name_search))
                            + (SELECT COUNT(*) FROM search_tokens(field))
        FROM procedures WHERE id = ANY(ids)
        RETURNING tokens)
    INSERT INTO procedure_search_totals (id, docs, tokens)
    SELECT 1, COUNT(*), COALESCE(SUM(tokens), 0) FROM sized
    ON CONFLICT (id) DO UPDATE SET docs = procedure_search_totals.docs + excluded.docs,
        tokens = procedure_search_totals.tokens + excluded.tokens;
$$;

-- Forget the terms, sizes and totals of these procedures (units[i], ids[i]), all at once.
CREATE FUNCTION procedure_terms_forget(units BIGINT[], ids BIGINT[]) RETURNS VOID
LANGUAGE sql AS $$
    DELETE FROM procedure_terms t USING unnest(units, ids) AS g(unit_id, id)
    WHERE t.unit_id = g.unit_id AND t.procedure_id = g.id;
    WITH gone AS (
        DELETE FROM procedure_docs d USING unnest(units, ids) AS g(unit_id, id)
        WHERE d.unit_id = g.unit_id AND d.procedure_id = g.id
        RETURNING d.tokens)
    UPDATE procedure_search_totals
    SET docs = docs - (SELECT COUNT(*) FROM gone),
        tokens = tokens - (SELECT COALESCE(SUM(tokens), 0) FROM gone)
    WHERE id = 1;
$$;

-- One statement-level trigger per event, reading the statement's rows at once (an import's
-- COPY and upsert of a whole catalogue is one set-based pass, not one call per row).
CREATE FUNCTION procedure_terms_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM procedure_terms_learn(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END $$;

CREATE FUNCTION procedure_terms_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM procedure_terms_forget(ARRAY(SELECT unit_id FROM old_rows ORDER BY id),
                                   ARRAY(SELECT id FROM old_rows ORDER BY id));
    RETURN NULL;
END $$;

CREATE FUNCTION procedure_terms_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_units BIGINT[];
    old_ids BIGINT[];
    new_ids BIGINT[];
BEGIN
    SELECT array_agg(o.unit_id ORDER BY o.id), array_agg(o.id ORDER BY o.id),
           array_agg(n.id ORDER BY o.id)
    INTO old_units, old_ids, new_ids
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.name_search IS DISTINCT FROM n.name_search OR o.field IS DISTINCT FROM n.field
          OR o.unit_id <> n.unit_id;
    IF old_ids IS NOT NULL THEN
        PERFORM procedure_terms_forget(old_units, old_ids);
        PERFORM procedure_terms_learn(new_ids);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER procedure_terms_insert AFTER INSERT ON procedures
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION procedure_terms_inserted();
CREATE TRIGGER procedure_terms_update AFTER UPDATE ON procedures
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION procedure_terms_updated();
CREATE TRIGGER procedure_terms_delete AFTER DELETE ON procedures
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION procedure_terms_deleted();

-- The procedures already stored.
SELECT procedure_terms_learn(ARRAY(SELECT id FROM procedures));
