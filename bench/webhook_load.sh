#!/usr/bin/env bash
# Webhook load benchmark: how many signed webhooks a second the real thesaban-bot accepts, with
# what latency, and whether it really processes and answers all of them.
#
#   bash bench/webhook_load.sh [--duration 30] [--connections 64] [--threads 1]
#                              [--bot-cpus 0-1] [--load-cpus 0-1] [--events N] [--users 10000]
#                              [--set key.path=JSON]... [--keep DIR] [--rate N]
#
# What runs, all on loopback, in a temporary directory removed at the end (or kept in --keep DIR):
#   - redis-server on a free port with the append-only file on and fsynced every second, as in
#     deploy/redis.conf (no RDB snapshots during the run);
#   - build/fake-line-api with --any-reply-token (the bench's reply tokens are not registered one
#     by one), --keep-requests 0 (it only counts calls, GET /__stats) and --lean (message bodies
#     not checked against LINE's schema, so the stand-in is not what is measured);
#   - build/thesaban-bot with config/thesaban.example.jsonc as shipped (threads, pools, log level),
#     only paths, the bind address and the LINE/Redis addresses changed;
#   - wrk with bench/webhook_load.lua (with --rate N at a fixed N webhooks a second over all
#     connections, instead of as fast as the bot answers), which sends pre-generated webhooks (bench/make_webhooks.py):
#     each a text message "สวัสดี" with its own webhookEventId and reply token from one of
#     --users users, signed with the channel secret (x-line-signature, HMAC-SHA256). The bot
#     stores each event in the leased inbox (one script call for all the webhooks its loop accepted
#     in the same turn), answers 200, then runs the event on the same loop: the conversation from
#     Redis, the help message as a reply through the fake LINE API, the event completed in Redis.
# --set changes one configuration value for an experiment (e.g. --set worker_threads=16,
# --set server.threads=1); say so with the figures.
# Pinning (taskset): the bot on --bot-cpus, wrk, redis-server and the fake LINE API on
# --load-cpus. Default: everything shares CPUs 0-1, because this machine has only two cores;
# `--bot-cpus 1 --load-cpus 0` gives the bot one core to itself.
#
# Reported: the bot's start-up time (exec to listening) and its RSS (peak and at the end), wrk's
# requests/s, latency p50/p90/p99/p99.9, the 503s of the bot's back-pressure (server.max_pending_events:
# LINE would redeliver those; the accepted rate counts only the 200s); then, after waiting for
# the bot to drain its queue, the replies the fake LINE API answered 200, the events left in the
# Redis inbox, and the end-to-end processing rate (LINE calls / time from the first request to the
# last reply). Exits non-zero, loudly, when any answer was not 2xx, a socket error occurred, the
# pre-generated events ran out, or fewer replies arrived than requests were accepted, because a
# figure made of fast 401/503 answers or of events never answered would be worthless.
# Needs wrk (installed with apt-get if missing), redis-server, python3, curl.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

duration=30 connections=64 threads=1 bot_cpus=0-1 load_cpus=0-1 events="" users=10000 keep="" sets=() rate=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --bot-cpus) bot_cpus=$2; shift 2 ;;
        --load-cpus) load_cpus=$2; shift 2 ;;
        --events) events=$2; shift 2 ;;
        --users) users=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        --set) sets+=("$2"); shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
# Enough distinct events for 40,000 requests a second (well above the target); the Lua script
# stops rather than repeat one.
if [[ -n "$rate" ]]; then events=${events:-$((duration * rate * 11 / 10 + 1000))}; fi
events=${events:-$((duration * 40000))}

die() { echo "webhook_load: FAIL: $*" >&2; exit 1; }

if ! command -v wrk >/dev/null; then
    echo "webhook_load: installing wrk" >&2
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
for tool in redis-server redis-cli python3 curl taskset; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done

if [[ ! -x build/thesaban-bot || ! -x build/fake-line-api ]]; then
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} CCACHE_NOHASHDIR=1
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    make -C build -j2 thesaban-bot fake-line-api >/dev/null
fi

work=${keep:-$(mktemp -d /tmp/thesaban-bench.XXXXXX)}
mkdir -p "$work/redis" "$work/data"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ -n "$keep" ]] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() {  # wait_for SECONDS COMMAND...: retries the command until it succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

secret=8c570fa6dd201bb328f1c1eac23a96d8
token=bench-channel-access-token

# Redis, persisted as in deploy/redis.conf.
redis_port=$(free_port)
taskset -c "$load_cpus" redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" \
    --appendonly yes --appendfsync everysec --aof-use-rdb-preamble yes --save "" \
    --maxmemory-policy noeviction --logfile "$work/redis.log" &
redis_pid=$!
pids+=($redis_pid)
wait_for 10 redis-cli -p "$redis_port" ping || die "redis-server did not start ($work/redis.log)"

# The fake LINE API; its first stdout line names its port.
taskset -c "$load_cpus" build/fake-line-api --port 0 --token "$token" --any-reply-token --keep-requests 0 --lean \
    >"$work/fake-line.log" 2>&1 &
line_pid=$!
pids+=($line_pid)
wait_for 10 grep -q 'listening on' "$work/fake-line.log" || die "fake-line-api did not start"
line_port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/fake-line.log" | head -1)

# The bot, with the example configuration; only what must differ on this machine is changed.
python3 - "$root" "$work" "${sets[@]}" >"$work/thesaban.json" <<'PY'
import json, re, sys
root, work = sys.argv[1], sys.argv[2]
text = open(root + "/config/thesaban.example.jsonc", encoding="utf-8").read()
# Drop // comments outside strings.
out, i, in_string = [], 0, False
while i < len(text):
    c = text[i]
    if in_string:
        out.append(c)
        if c == "\\":
            out.append(text[i + 1]); i += 1
        elif c == '"':
            in_string = False
    elif c == '"':
        in_string = True; out.append(c)
    elif text.startswith("//", i):
        while i < len(text) and text[i] != "\n": i += 1
        continue
    else:
        out.append(c)
    i += 1
# and trailing commas (the bot's parser allows both).
config = json.loads(re.sub(r",(\s*[}\]])", r"\1", "".join(out)))
config["templates_dir"] = root + "/templates"
# Files the config names relative to itself (the intent corpus, the rewrites) stay the project's.
for key in ("corpus", "rewrites"):
    if config.get("understanding", {}).get(key):
        config["understanding"][key] = root + "/config/" + config["understanding"][key]
config["data_dir"] = work + "/data"
config["public_base_url"] = "https://bot.bench.example"
config["server"]["bind_address"] = "127.0.0.1"
# Each of the 10,000 residents sends ~50 webhooks a minute at full load: over the shipped flood
# limit, which would then answer for them. The limit stays on (its Redis call is measured), higher.
config["limits"]["messages_per_minute"] = 10000
for assignment in sys.argv[3:]:
    path, value = assignment.split("=", 1)
    *parents, leaf = path.split(".")
    node = config
    for key in parents:
        node = node[key]
    if leaf not in node:
        sys.exit("--set: no such configuration key: " + path)
    node[leaf] = json.loads(value)
json.dump(config, sys.stdout, ensure_ascii=False)
PY
LINE_CHANNEL_SECRET=$secret LINE_CHANNEL_ACCESS_TOKEN=$token \
    LINE_API_BASE_URL=http://127.0.0.1:$line_port LINE_DATA_API_BASE_URL=http://127.0.0.1:$line_port \
    REDIS_URL=redis://127.0.0.1:$redis_port/0 PORT=0 \
    taskset -c "$bot_cpus" build/thesaban-bot --config "$work/thesaban.json" >"$work/bot.log" 2>&1 &
bot_pid=$!
launched_ns=$(date +%s%N)
pids+=($bot_pid)
# Start-up: from exec to the "listening" line (polled every millisecond, so ±1 ms).
deadline=$((SECONDS + 15))
until grep -q '"msg":"listening"' "$work/bot.log"; do
    ((SECONDS < deadline)) || die "the bot did not start: $(tail -5 "$work/bot.log")"
    sleep 0.001
done
startup_ms=$(( ($(date +%s%N) - launched_ns) / 1000000 ))
rss_kib() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
rss_at_start=$(rss_kib "$bot_pid" VmRSS)
echo "BENCH startup_ms=$startup_ms rss_at_start_kib=$rss_at_start" >&2
bot_port=$(sed -n 's/.*"msg":"listening","port":"\([0-9]*\)".*/\1/p' "$work/bot.log" | head -1)

# Signed webhooks, all stamped with the moment wrk will start (generation runs at ~90,000 a
# second here; the estimate below is generous and the script waits for that moment), so that the
# bot's reply-token age check sees at most the time since the run began.
run_at_ms=$(( $(date +%s%3N) + events / 40 + 2000 ))
echo "webhook_load: generating $events signed webhooks for $users users" >&2
python3 bench/make_webhooks.py --secret "$secret" --count "$events" --users "$users" \
    --timestamp-ms "$run_at_ms" >"$work/webhooks.tsv"
wait_ms=$(( run_at_ms - $(date +%s%3N) ))
if ((wait_ms > 0)); then sleep "$(python3 -c "print($wait_ms / 1000)")"; else
    echo "webhook_load: generation took ${wait_ms#-} ms longer than planned; events look that much older" >&2
fi

stat_count() {  # stat_count PATH STATUS: calls the fake LINE API answered with STATUS
    curl -sf "http://127.0.0.1:$line_port/__stats" |
        python3 -c 'import json,sys; print(json.load(sys.stdin).get(sys.argv[1], {}).get(sys.argv[2], 0))' "$1" "$2"
}
inbox_left() { redis-cli -p "$redis_port" hlen '{thesaban:inbox}:events'; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system, in clock ticks
switches() {  # voluntary + involuntary context switches of all the process's threads
    cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n}'
}
bot_switches_before=$(switches "$bot_pid")
declare -A cpu_before
for name in bot redis line; do
    case $name in bot) pid=$bot_pid ;; redis) pid=$redis_pid ;; line) pid=$line_pid ;; esac
    cpu_before[$name]=$(cpu_ticks "$pid")
done
rate_note="" && [[ -n "$rate" ]] && rate_note=" at a fixed $rate/s"
echo "webhook_load: wrk -t$threads -c$connections -d${duration}s --latency$rate_note on CPUs $load_cpus; bot on CPUs $bot_cpus" >&2
start_ns=$(date +%s%N)
BENCH_WEBHOOKS="$work/webhooks.tsv" BENCH_THREADS=$threads BENCH_RATE=$rate \
    taskset -c "$load_cpus" wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s --latency \
    -s bench/webhook_load.lua "http://127.0.0.1:$bot_port" >"$work/wrk.out" 2>&1 || die "wrk failed: $(cat "$work/wrk.out")"
wrk_end_ns=$(date +%s%N)
cat "$work/wrk.out"

field() { sed -n "s/.*BENCH.* $1=\([0-9.]*\).*/\1/p" "$work/wrk.out" | head -1; }
requests=$(field requests)
refused=$(field refused_503)
accepted=$((requests - refused))
non2xx=$(( $(field non2xx) - refused ))
errors=$(( $(field connect_err) + $(field read_err) + $(field write_err) + $(field timeout_err) ))

# Wait until every accepted event is answered: the 200s came before the replies. Give up when
# neither the LINE calls nor the inbox move for 10 s.
line_calls() {  # all calls the fake LINE API answered, and those that were not a successful reply
    curl -sf "http://127.0.0.1:$line_port/__stats" | python3 -c '
import json, sys
d = json.load(sys.stdin)
total = sum(n for s in d.values() for n in s.values())
print(total, total - d.get("/v2/bot/message/reply", {}).get("200", 0))'
}
last="" stable_since=$SECONDS
while true; do
    read -r calls other < <(line_calls)
    left=$(inbox_left)
    if [[ "$left" == 0 && "$calls" -ge "$accepted" ]]; then break; fi
    if [[ "$calls $left" != "$last" ]]; then last="$calls $left" stable_since=$SECONDS; fi
    ((SECONDS - stable_since < 10)) || break
    sleep 0.2
done
drained_ns=$(date +%s%N)
read -r calls reply_errors < <(line_calls)
replies=$((calls - reply_errors))
left=$(inbox_left)
echo "BENCH drained replies_200=$replies other_line_calls=$reply_errors inbox_left=$left" \
    "wrk_s=$(( (wrk_end_ns - start_ns) / 1000000 ))e-3 drain_after_wrk_ms=$(( (drained_ns - wrk_end_ns) / 1000000 ))" \
    "processed_per_s=$(python3 -c "print(round($calls / (($drained_ns - $start_ns) / 1e9), 1))")"
# CPU time each process used from the first request to the last answer, per accepted webhook.
hz=$(getconf CLK_TCK)
cpu_line="BENCH cpu_us_per_event"
for name in bot redis line; do
    case $name in bot) pid=$bot_pid ;; redis) pid=$redis_pid ;; line) pid=$line_pid ;; esac
    used=$(( $(cpu_ticks "$pid") - ${cpu_before[$name]} ))
    cpu_line+=" $name=$(python3 -c "print(round($used / $hz * 1e6 / max($accepted, 1), 1))")"
done
cpu_line+=" bot_context_switches_per_event=$(python3 -c "print(round(($(switches "$bot_pid") - $bot_switches_before) / max($accepted, 1), 1))")"
echo "$cpu_line (wrk: see its own figure; the fake LINE API stands in for LINE's servers)"
echo "BENCH bot_startup_ms=$startup_ms rss_kib start=$rss_at_start peak=$(rss_kib "$bot_pid" VmHWM) end=$(rss_kib "$bot_pid" VmRSS) users=$users"
pushes=$(curl -sf "http://127.0.0.1:$line_port/__stats" | python3 -c 'import json,sys; print(sum(json.load(sys.stdin).get("/v2/bot/message/push", {}).values()))')
echo "BENCH answered replies=$replies pushes=$pushes"
echo "BENCH conditions: nproc=$(nproc) load_before_end=$(cut -d' ' -f1-3 /proc/loadavg) bot_cpus=$bot_cpus load_cpus=$load_cpus"
if grep -q '"level":"error"' "$work/bot.log"; then
    echo "webhook_load: the bot logged errors:" >&2
    grep '"level":"error"' "$work/bot.log" | head -5 >&2
fi

[[ "$(field exhausted)" == 0 ]] || die "the pre-generated events ran out; rerun with a larger --events"
[[ "$non2xx" == 0 ]] || die "$non2xx answers were neither 2xx nor the back-pressure's 503: the figures above are not of processed webhooks"
[[ "$errors" == 0 ]] || die "$errors socket errors during the run"
[[ "$requests" -gt 0 ]] || die "no request completed"
[[ "$replies" -ge "$accepted" ]] || die "only $replies replies for $accepted accepted webhooks"
[[ "$left" == 0 ]] || die "$left events still in the inbox"
[[ "$reply_errors" == 0 ]] || die "$reply_errors LINE API calls other than successful replies (pushes after the reply token aged, refused replies): processing fell behind acceptance"
echo "webhook_load: OK: every accepted webhook was processed and answered" >&2
