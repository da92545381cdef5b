#!/usr/bin/env bash
# Builds thesaban-bot and runs it on this machine: installs what it needs, starts a private
# redis-server with its data under state/redis, and runs the bot with config/thesaban.example.jsonc.
# LINE credentials come from the environment or from state/secrets.env (created on first run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash deploy/install-deps.sh
bash deploy/build.sh

mkdir -p state/redis state/data
redis_port=${LOCAL_REDIS_PORT:-6390}
if ! redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  redis-server deploy/redis.conf --port "$redis_port" --bind 127.0.0.1 --dir "$PWD/state/redis" \
    --daemonize yes --pidfile "$PWD/state/redis/redis.pid" --logfile "$PWD/state/redis/redis.log"
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
echo "run-local: redis-server on 127.0.0.1:$redis_port, data in state/redis" >&2

if [ ! -f state/secrets.env ]; then
  umask 077
  cat > state/secrets.env <<SECRETS
# Put the channel's real values here (LINE Developers console > Messaging API).
LINE_CHANNEL_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
LINE_CHANNEL_ACCESS_TOKEN=replace-with-the-channel-access-token
SECRETS
  echo "run-local: wrote state/secrets.env with a development secret; put your channel's values there" >&2
fi
set -a
# shellcheck disable=SC1091
. state/secrets.env
set +a
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$redis_port/0}
export DATA_DIR=${DATA_DIR:-$PWD/state/data}
exec build/thesaban-bot --config config/thesaban.example.jsonc
