#!/usr/bin/env bash
# Copies the bot's Redis into one RDB file while Redis keeps serving.
#
#   REDIS_URL=redis://127.0.0.1:6379/0 deploy/backup-redis.sh [DIR | FILE.rdb]
#
# REDIS_URL is read as the bot reads it (redis://[[user]:password@]host[:port][/db] or
# unix:///path.sock), default redis://127.0.0.1:6379/0; the password goes to redis-cli through
# REDISCLI_AUTH, never on its command line. With a directory (default /var/backups/thesaban-redis)
# the file is DIR/redis-<UTC time>.rdb and only the newest BACKUP_KEEP (14) such files are kept.
#
# How: `redis-cli --rdb` asks Redis for the snapshot a replica would get: Redis forks and streams
# its whole dataset as of that instant, so the copy is consistent (every ticket with its indexes)
# however much the bot writes meanwhile, needs no access to Redis's own directory, and works over
# the network. The file is checked with redis-check-rdb before it gets its final name; a partial
# or damaged copy never looks like a backup. Restore with deploy/restore-redis.sh.
set -euo pipefail

die() {
  echo "backup-redis: $*" >&2
  exit 1
}

target=${1:-/var/backups/thesaban-redis}
keep=${BACKUP_KEEP:-14}
url=${REDIS_URL:-redis://127.0.0.1:6379/0}
command -v redis-cli >/dev/null || die "redis-cli not found (apt-get install redis-tools)"
command -v redis-check-rdb >/dev/null || die "redis-check-rdb not found (apt-get install redis-tools)"

cli=(redis-cli --no-auth-warning)
if [[ $url =~ ^unix://(/[^?]+)(\?.*)?$ ]]; then
  cli+=(-s "${BASH_REMATCH[1]}")
elif [[ $url =~ ^redis://(([^@/]*)@)?(\[[^]/]+\]|[^:/@]+)(:([0-9]+))?(/[0-9]*)?$ ]]; then
  userinfo=${BASH_REMATCH[2]}
  host=${BASH_REMATCH[3]}
  host=${host#[}
  host=${host%]}
  cli+=(-h "$host" -p "${BASH_REMATCH[5]:-6379}")
  if [[ -n $userinfo ]]; then
    if [[ $userinfo == *:* ]]; then
      user=${userinfo%%:*}
      export REDISCLI_AUTH=${userinfo#*:}
      [[ -n $user ]] && cli+=(--user "$user")
    else
      export REDISCLI_AUTH=$userinfo
    fi
  fi
else
  die "REDIS_URL is not redis://[[user]:password@]host[:port][/db] or unix:///path.sock"
fi
# The snapshot covers every database; the URL's db number does not matter here.

if [[ $target == *.rdb ]]; then
  out=$target
  rotate=
else
  mkdir -p "$target"
  out="$target/redis-$(date -u +%Y%m%dT%H%M%SZ).rdb"
  rotate=$target
fi
mkdir -p "$(dirname "$out")"
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT

"${cli[@]}" PING >/dev/null 2>&1 || die "Redis at $(printf '%s' "$url" | sed -E 's#//[^@/]*@#//***@#') does not answer"
started=$(date +%s%N)
# --rdb prints its progress on stderr; keep it for a failure only.
if ! log=$("${cli[@]}" --rdb "$tmp" 2>&1); then
  die "redis-cli --rdb failed: $log"
fi
if ! check=$(redis-check-rdb "$tmp" 2>&1); then
  die "the copy does not read back as an RDB file: $(printf '%s\n' "$check" | sed -n '/RDB ERROR DETECTED/{n;p;q}')"
fi
chmod 600 "$tmp"  # residents' data: readable by its owner only
mv "$tmp" "$out"
trap - EXIT
keys=$(printf '%s\n' "$check" | sed -nE 's/^\[info\] ([0-9]+) keys read$/\1/p')
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
echo "backup-redis: $out ($(stat -c %s "$out") bytes, ${keys:-?} keys, ${elapsed_ms} ms)"

if [[ -n $rotate && $keep =~ ^[0-9]+$ && $keep -gt 0 ]]; then
  # Oldest first by name (the names sort by time); never touches other files.
  mapfile -t old < <(find "$rotate" -maxdepth 1 -name 'redis-*.rdb' -printf '%f\n' | sort | head -n -"$keep")
  for f in "${old[@]}"; do rm -f -- "$rotate/$f"; done
fi
