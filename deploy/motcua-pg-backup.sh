#!/bin/sh
# motcua-pg-backup [DATABASE [DIR [DAYS]]] — one pg_dump of the store in custom format, kept
# DAYS days (docs/deploy.md §6). DATABASE is a name or a postgresql:// URL (default $PGDATABASE,
# else motcua; the password from ~/.pgpass or peer authentication, never on the command line),
# DIR the backup folder (default $MOTCUA_BACKUP_DIR, else /var/backups/motcua), DAYS the
# retention (default $MOTCUA_BACKUP_KEEP_DAYS, else 14). Prints the new file's path.
# The dump is written to a temporary name, checked readable by pg_restore, then renamed: a
# failed run leaves no partial dump and deletes nothing old.
set -eu
db="${1:-${PGDATABASE:-motcua}}"
dir="${2:-${MOTCUA_BACKUP_DIR:-/var/backups/motcua}}"
keep="${3:-${MOTCUA_BACKUP_KEEP_DAYS:-14}}"
case "$keep" in
  ''|*[!0-9]*) echo "motcua-pg-backup: số ngày giữ bản sao lưu không hợp lệ: $keep" >&2; exit 2 ;;
esac
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$dir/motcua-$stamp.dump"
tmp="$dir/.motcua-$stamp.dump.tmp"
mkdir -p "$dir"
trap 'rm -f "$tmp"' EXIT
pg_dump --format=custom --compress=6 --no-password --file="$tmp" --dbname="$db"
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$target"
find "$dir" -maxdepth 1 -type f -name 'motcua-*.dump' -mtime +"$keep" -delete
echo "$target"
