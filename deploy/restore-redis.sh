#!/usr/bin/env bash
# Puts a backup made by deploy/backup-redis.sh back into a stopped Redis's data directory.
#
#   systemctl stop thesaban-bot redis-server
#   deploy/restore-redis.sh /var/backups/thesaban-redis/redis-20261207T020000Z.rdb /var/lib/redis
#   systemctl start redis-server thesaban-bot
#
# The directory is Redis's `dir` (deploy/redis.conf: /var/lib/redis). The file names follow Redis's
# defaults; REDIS_DBFILENAME, REDIS_APPENDFILENAME and REDIS_APPENDDIRNAME override them when
# redis.conf changes dbfilename, appendfilename or appenddirname.
#
# Refused, with nothing changed: a file that is not a readable RDB file (redis-check-rdb), a
# directory in which a redis-server is running (it would overwrite the restore on its next save or
# at shutdown). Whatever data the directory held is moved to DIR/pre-restore-<UTC time>/, never
# deleted. The backup is installed twice, so Redis loads it whether appendonly is yes or no:
# as dump.rdb, and as the RDB base of a fresh multi-part AOF (appendonlydir/ with its manifest, as
# BGREWRITEAOF with aof-use-rdb-preamble leaves it).
set -euo pipefail

die() {
  echo "restore-redis: $*" >&2
  exit 1
}

[[ $# -eq 2 ]] || die "usage: restore-redis.sh BACKUP.rdb REDIS_DIR"
backup=$1
dir=$2
dbfilename=${REDIS_DBFILENAME:-dump.rdb}
appendfilename=${REDIS_APPENDFILENAME:-appendonly.aof}
appenddirname=${REDIS_APPENDDIRNAME:-appendonlydir}
command -v redis-check-rdb >/dev/null || die "redis-check-rdb not found (apt-get install redis-tools)"

[[ -f $backup && -r $backup ]] || die "$backup: no such readable file"
[[ -d $dir ]] || die "$dir: no such directory"
dir=$(cd "$dir" && pwd -P)

# An RDB file starts with "REDIS" and a 4-digit version; redis-check-rdb then reads all of it.
if [[ $(head -c 5 "$backup" | tr -d '\0') != REDIS ]]; then
  die "$backup is not a Redis RDB file (it does not start with REDIS); nothing changed"
fi
if ! check=$(redis-check-rdb "$backup" 2>&1); then
  die "$backup is damaged: $(printf '%s\n' "$check" | sed -n '/RDB ERROR DETECTED/{n;p;q}'); nothing changed"
fi
keys=$(printf '%s\n' "$check" | sed -nE 's/^\[info\] ([0-9]+) keys read$/\1/p')

# redis-server chdirs into its dir: one running there would write over the restore.
for proc in /proc/[0-9]*; do
  [[ $(cat "$proc/comm" 2>/dev/null) == redis-server* ]] || continue
  if [[ $(readlink "$proc/cwd" 2>/dev/null) == "$dir" ]]; then
    die "redis-server (pid ${proc#/proc/}) is running in $dir: stop it first; nothing changed"
  fi
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
aside="$dir/pre-restore-$stamp"
for name in "$dbfilename" "$appenddirname"; do
  if [[ -e $dir/$name ]]; then
    mkdir -p "$aside"
    mv -- "$dir/$name" "$aside/"
  fi
done

staging="$dir/.restore-$stamp"
mkdir -p "$staging/$appenddirname"
base="$appendfilename.1.base.rdb"
cp -- "$backup" "$staging/$appenddirname/$base"
printf 'file %s seq 1 type b\n' "$base" >"$staging/$appenddirname/$appendfilename.manifest"
cp -- "$backup" "$staging/$dbfilename"
sync -f "$staging/$dbfilename" 2>/dev/null || sync
# The files belong to whoever owns the directory (redis in production), readable by it only.
chown -R --reference="$dir" "$staging"
chmod 700 "$staging/$appenddirname"
chmod 600 "$staging/$dbfilename" "$staging/$appenddirname"/*
mv -- "$staging/$appenddirname" "$dir/$appenddirname"
mv -- "$staging/$dbfilename" "$dir/$dbfilename"
rmdir -- "$staging"

echo "restore-redis: $backup (${keys:-?} keys) is now in $dir; start redis-server"
[[ -d $aside ]] && echo "restore-redis: the data that was there is in $aside"
exit 0
