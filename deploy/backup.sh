#!/usr/bin/env bash
# Back up bv: the PostgreSQL database (custom format) and the uploads, into one dated folder.
#   deploy/backup.sh DEST_DIR            (reads BV_DATABASE_URL and BV_UPLOAD_FOLDER / instance/uploads)
# With BV_MEDIA_STORAGE=s3 the bucket is backed up by the object store's own versioning or
# replication (docs/deploy.md); this script then saves the database only.
set -euo pipefail
dest=${1:?usage: backup.sh DEST_DIR}
url=${BV_DATABASE_URL:?set BV_DATABASE_URL (postgresql://...)}
url=${url/postgresql+psycopg:/postgresql:}
uploads=${BV_UPLOAD_FOLDER:-$(dirname "$0")/../instance/uploads}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$dest/bv-$stamp"
mkdir -p "$out"
# a consistent snapshot without stopping the site (pg_dump runs in one transaction)
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$url"
if [ "${BV_MEDIA_STORAGE:-local}" = "local" ] && [ -d "$uploads" ]; then
  # names are content-unique and never rewritten: a plain copy of the folder is consistent
  tar -C "$uploads" -czf "$out/uploads.tar.gz" .
fi
( cd "$out" && sha256sum ./* > SHA256SUMS )
echo "$out"
