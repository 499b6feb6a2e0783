"""What `motcua store copy` does with each table: copied with the unit, merged on its key, or
skipped; and which columns carry ids that move when the source's ids are shifted."""

from __future__ import annotations

from dataclasses import dataclass, field

# Policies: UNIT — rows of the copied units (ids shifted past the target's, foreign keys
# follow); MERGE — shared rows keyed by their natural key, added unless the target has the key
# (the target's row is kept); CURSOR — the status-push cursor, moved past the copied events;
# DIRTY — the copied units are marked for a rebuild of their counters; SKIP — not copied.
UNIT, MERGE, CURSOR, DIRTY, SKIP = "unit", "merge", "cursor", "dirty", "skip"


@dataclass(frozen=True)
class Table:
    """One table of the store and what a copy does with it."""

    name: str
    policy: str
    note: str  # the policy in Vietnamese, for the help and docs/store-copy.md
    id_col: str | None = None  # this table's own id, shifted past the target's largest
    maps: dict[str, str] = field(default_factory=dict)  # column -> table whose ids it holds
    # The column a copied row is found by in the target: its own id, or its staff member's.
    owner: str | None = None
    key: tuple[str, ...] = ()  # a merged row's natural key (MERGE)


# In the order rows are inserted (a table after those its foreign keys point to).
TABLES: tuple[Table, ...] = (
    Table("units", MERGE, "gộp theo tên đơn vị; đơn vị đã có dữ liệu ở kho đích bị từ chối "
          "(trừ khi --replace-unit)", id_col="id", key=("name",)),
    Table("staff", UNIT, "chép theo đơn vị (số nhân viên được dời)", id_col="id",
          maps={"unit_id": "units"}, owner="id"),
    Table("procedures", UNIT, "chép theo đơn vị", id_col="id", maps={"unit_id": "units"},
          owner="id"),
    Table("import_runs", UNIT, "chép (lịch sử các lần nhập)", id_col="id",
          maps={"unit_id": "units"}, owner="id"),
    Table("dossiers", UNIT, "chép theo đơn vị", id_col="id", maps={"unit_id": "units"},
          owner="id"),
    Table("status_events", UNIT, "chép theo đơn vị", id_col="id",
          maps={"unit_id": "units", "dossier_id": "dossiers", "import_run_id": "import_runs"},
          owner="id"),
    Table("subscriptions", UNIT, "chép theo đơn vị", id_col="id",
          maps={"unit_id": "units", "dossier_id": "dossiers"}, owner="id"),
    Table("ratings", UNIT, "chép theo đơn vị", id_col="id",
          maps={"unit_id": "units", "dossier_id": "dossiers"}, owner="id"),
    Table("staff_invites", UNIT, "chép cùng nhân viên", maps={"staff_id": "staff"},
          owner="staff_id"),
    Table("staff_scopes", UNIT, "chép cùng nhân viên; «mọi đơn vị» của kho nguồn thành danh "
          "sách các đơn vị của kho nguồn", maps={"staff_id": "staff", "unit_id": "units"},
          owner="staff_id"),
    Table("push_prefs", UNIT, "chép cùng nhân viên", maps={"staff_id": "staff"},
          owner="staff_id"),
    Table("staff_links", MERGE, "gộp theo (kênh, tài khoản): tài khoản đã liên kết ở kho đích "
          "giữ liên kết cũ", maps={"staff_id": "staff"}, key=("channel", "user_id")),
    Table("outbox", MERGE, "gộp theo khóa chống gửi trùng (idem_key): thông báo chờ gửi vẫn "
          "được gửi, thông báo đã có ở kho đích không thêm lần nữa", id_col="id",
          maps={"staff_id": "staff"}, key=("idem_key",)),
    Table("blocked_chats", MERGE, "gộp theo (kênh, cuộc trò chuyện)", key=("channel", "chat_id")),
    Table("rate_limits", MERGE, "gộp theo (kênh, tài khoản, loại, khung giờ); kho đích giữ số "
          "của mình", key=("channel", "user_id", "bucket", "window")),
    Table("updates_seen", MERGE, "gộp theo (kênh, số cập nhật): không xử lý lại tin đã nhận",
          key=("channel", "update_id")),
    Table("zalo_choices", MERGE, "gộp theo cuộc trò chuyện", key=("chat_id",)),
    Table("store_meta", MERGE, "gộp theo khóa (kho đích giữ giá trị của mình)", key=("key",)),
    Table("push_cursors", CURSOR, "con trỏ thông báo trạng thái: đặt sau các sự kiện đã chép "
          "(không gửi lại sự kiện cũ)"),
    Table("stats_dirty", DIRTY, "các đơn vị được chép được đánh dấu để tính lại bộ đếm"),
    Table("stats_days", SKIP, "không chép: bộ đếm số liệu, tính lại từ hồ sơ"),
    Table("stats_months", SKIP, "không chép: bộ đếm số liệu, tính lại từ hồ sơ"),
    Table("stats_catalogue", SKIP, "không chép: bộ đếm số liệu, tính lại từ hồ sơ"),
    Table("stats_proc_days", SKIP, "không chép: bộ đếm số liệu, tính lại từ hồ sơ"),
    Table("stats_proc_years", SKIP, "không chép: bộ đếm số liệu, tính lại từ hồ sơ"),
    Table("stats_units", SKIP, "không chép: bộ đếm số liệu, tính lại từ hồ sơ"),
    Table("shared_files", SKIP, "không chép: tệp tạm (biểu đồ, báo cáo) hết hạn sau ít giờ"),
    Table("schema_version", SKIP, "không chép: kho đích tự nâng lược đồ trước khi chép"),
    Table("job_runs", SKIP, "không chép: các lần chạy việc định kỳ của kho nguồn"),
    Table("code_units", SKIP, "không chép: kho đích tự ghi theo hồ sơ được chép (trigger)"),
)

# Tables whose rows belong to one unit and are deleted by --replace-unit (children first);
# each is (table, the condition selecting a unit's rows with ? standing for the unit ids).
UNIT_ROWS: tuple[tuple[str, str], ...] = (
    ("ratings", "unit_id IN ({ids})"),
    ("subscriptions", "unit_id IN ({ids})"),
    ("status_events", "unit_id IN ({ids})"),
    ("dossiers", "unit_id IN ({ids})"),
    ("procedures", "unit_id IN ({ids})"),
    ("import_runs", "unit_id IN ({ids})"),
    ("outbox", "staff_id IN (SELECT id FROM staff WHERE unit_id IN ({ids}))"),
    ("staff_links", "staff_id IN (SELECT id FROM staff WHERE unit_id IN ({ids}))"),
    ("staff_invites", "staff_id IN (SELECT id FROM staff WHERE unit_id IN ({ids}))"),
    ("staff_scopes", "staff_id IN (SELECT id FROM staff WHERE unit_id IN ({ids}))"),
    ("push_prefs", "staff_id IN (SELECT id FROM staff WHERE unit_id IN ({ids}))"),
    ("staff", "unit_id IN ({ids})"),
    ("stats_days", "unit_id IN ({ids})"),
    ("stats_months", "unit_id IN ({ids})"),
    ("stats_catalogue", "unit_id IN ({ids})"),
    ("stats_proc_days", "unit_id IN ({ids})"),
    ("stats_proc_years", "unit_id IN ({ids})"),
    ("stats_units", "unit_id IN ({ids})"),
    ("code_units", "unit_id IN ({ids})"),
)

# Tables kept by the store's own triggers from others (never copied, never refused): SQLite's
# catalogue search index, PostgreSQL's catalogue terms (migration 0025).
DERIVED = ("procedures_fts", "procedure_terms", "procedure_docs", "procedure_search_totals")

# A unit "holds data" in the target when one of these has a row of it.
DATA_TABLES = ("dossiers", "procedures", "staff", "import_runs")


def by_name(name: str) -> Table | None:
    """The policy of a table, or None for a table the copy does not know (SQLite's search
    index procedures_fts*, kept by its triggers)."""
    return next((t for t in TABLES if t.name == name), None)
