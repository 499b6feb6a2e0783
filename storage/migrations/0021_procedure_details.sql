-- 0021 (issue 13): optional catalogue columns shown on a procedure's card: the required documents
-- ("Thành phần hồ sơ"), the office that handles it ("Cơ quan thực hiện") and an online link
-- ("Đường dẫn" / "URL").
ALTER TABLE procedures ADD COLUMN documents TEXT;
ALTER TABLE procedures ADD COLUMN office TEXT;
ALTER TABLE procedures ADD COLUMN url TEXT;
