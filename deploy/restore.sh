#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and uploads folder.
#   deploy/restore.sh BACKUP_DIR        (reads BV_DATABASE_URL and BV_UPLOAD_FOLDER)
# Then: flask --app bv db upgrade (a newer release's migrations) and flask --app bv search reindex.
set -euo pipefail
src=${1:?usage: restore.sh BACKUP_DIR}
url=${BV_DATABASE_URL:?set BV_DATABASE_URL (postgresql://...)}
url=${url/postgresql+psycopg:/postgresql:}
uploads=${BV_UPLOAD_FOLDER:-$(dirname "$0")/../instance/uploads}
( cd "$src" && sha256sum --check --quiet SHA256SUMS )
pg_restore --exit-on-error --no-owner --no-privileges --single-transaction --dbname="$url" "$src/database.dump"
# a dump carries no planner statistics: without them the first readers' pages are planned blind
psql --quiet --dbname="$url" --command="ANALYZE"
if [ -f "$src/uploads.tar.gz" ]; then
  mkdir -p "$uploads"
  tar -C "$uploads" -xzf "$src/uploads.tar.gz"
fi
echo "restored $src"
