#!/usr/bin/env bash
# CI: the README's `npm start` works on a fresh clone, with the default settings (port 3000, data in
# .kaiku/). It must answer GET /v1/health within 120 s, refuse a second start on the same data folder at
# once with a one-line message (the second on other ports, so that only the data folder is shared), and
# stop on SIGINT (as Ctrl-C sends it, to the whole process group) within 10 s, leaving no process
# behind: no DynamoDB Local (java), no node of the service.
# Run from .ci/run after `npm ci`; the service's output is printed when anything fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd -P)
data_dir="$root/.kaiku"
health=http://127.0.0.1:3000/v1/health
start_timeout=120
second_start_timeout=30
stop_timeout=10

# Every process started here carries this in its environment (nothing of the service reads it): what it
# leaves behind is found by it, and only those processes are ever killed here.
marker="KAIKU_START_CHECK=$$.$RANDOM"
work=$(mktemp -d)
first_log="$work/first.log"
second_log="$work/second.log"
first_pid=''
second_pid=''
made_data_dir=false
own_group=$(ps -o pgid= -p $$ | tr -d ' ')

step() { echo "start-check: $*"; }

show_log() {
  local title=$1 file=$2
  echo "----- $title -----"
  if [ -s "$file" ]; then cat "$file"; else echo '(no output)'; fi
  echo "----- end of $title -----"
}

fail() {
  echo "start-check: FAILED: $*" >&2
  [ -n "$first_pid" ] && show_log 'output of the first npm start' "$first_log" >&2
  [ -n "$second_pid" ] && show_log 'output of the second npm start' "$second_log" >&2
  exit 1
}

# Processes with our marker in their environment (readable for our own processes, and for all as root).
ours() {
  local environ pid
  for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    if { tr '\0' '\n' <"$environ"; } 2>/dev/null | grep -qxF "$marker"; then echo "$pid"; fi
  done
}

# Processes of this checkout: a command line that names it, or DynamoDB Local (java, started with
# relative paths) running in it. pgrep never lists itself.
escape_regex() { printf '%s' "$1" | sed 's/[][\.|$(){}?+*^]/\\&/g'; }
by_path() {
  local pid
  pgrep -f -- "$(escape_regex "$root")" || true
  for pid in $(pgrep -f -- DynamoDBLocal || true); do
    case "$(readlink "/proc/$pid/cwd" 2>/dev/null)/" in "$root"/*) echo "$pid" ;; esac
  done
}

describe() {
  local pid
  for pid in "$@"; do ps -o pid=,pgid=,etime=,args= -p "$pid" 2>/dev/null || true; done
}

# Left behind: our processes, and processes of this checkout that were not there before the start.
strays() {
  local pid
  {
    ours
    for pid in $(by_path); do
      if ! grep -qxF "$pid" "$work/before"; then echo "$pid"; fi
    done
  } | sort -un | while read -r pid; do
    # Not this script's own subshells (in its process group; they may name the checkout too), and only
    # the living.
    if [ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" != "$own_group" ] && [ -d "/proc/$pid" ] &&
      ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; then
      echo "$pid"
    fi
  done
}

cleanup() {
  local status=$? pid group
  set +e
  disown -a # no job notices of what is killed here
  # Whatever is still running of ours goes: the process groups started here, then anything marked.
  for group in "$first_pid" "$second_pid"; do
    if [ -n "$group" ] && kill -0 -- "-$group" 2>/dev/null; then kill -KILL -- "-$group" 2>/dev/null; fi
  done
  for pid in $(ours); do kill -KILL "$pid" 2>/dev/null; done
  for _ in $(seq 25); do
    [ -z "$(ours)" ] && break
    sleep 0.2
  done
  if $made_data_dir; then rm -rf "$data_dir"; fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
# Cancelled (Ctrl-C on this script, or CI stopping the job): clean up all the same.
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# `npm start` exactly as the README has it, in a process group of its own (as in a terminal), stdin
# closed as in CI. The check's marker is added to the environment; the settings are the defaults, but for
# what the caller adds (PORT=…).
start_service() {
  local log=$1
  shift
  set -m
  env -u PORT -u KAIKU_DATA_DIR -u KAIKU_DYNAMODB_PORT -u KAIKU_S3_PORT -u KAIKU_IDP_PORT -u KAIKU_HOST -u KAIKU_CLOCK \
    -u KAIKU_PERSIST "$marker" "$@" npm start </dev/null >"$log" 2>&1 &
  started_pid=$!
  set +m
  local group
  group=$(ps -o pgid= -p "$started_pid" | tr -d ' ')
  [ "$group" = "$started_pid" ] || fail "npm start (pid $started_pid) is not in a process group of its own"
}

# The service's own lines: npm's banner (> …) and its own error report (npm error …) left out.
service_lines() { grep -v -e '^> ' -e '^npm error' -e '^npm ERR!' -e '^[[:space:]]*$' "$1" || true; }

# --- before: a fresh checkout, and nothing on the service's ports -----------------------------------
[ -e "$data_dir" ] && fail "$data_dir exists: this check needs a fresh clone (and would delete the folder)"
for port in 3000 3001 3002 3003 3010 3011 3012 3013; do
  port_open "$port" && fail "port $port is in use: the check needs 3000-3003 (the defaults) and 3010-3013"
done
by_path >"$work/before"
made_data_dir=true

# --- 1. npm start answers /v1/health -------------------------------------------------------------------
step "npm start (PORT 3000, data in .kaiku/), waiting up to ${start_timeout} s for $health"
start_service "$first_log"
first_pid=$started_pid
deadline=$((SECONDS + start_timeout))
until curl -sf --max-time 5 "$health" >"$work/health.json" 2>/dev/null; do
  if ! kill -0 "$first_pid" 2>/dev/null; then
    wait "$first_pid" && code=0 || code=$?
    fail "npm start exited (status $code) before $health answered"
  fi
  [ "$SECONDS" -lt "$deadline" ] || fail "$health did not answer within ${start_timeout} s"
  sleep 1
done
step "health answered after $((SECONDS + start_timeout - deadline)) s: $(cat "$work/health.json")"
[ -s "$data_dir/admin-key" ] || fail "the README's admin key file .kaiku/admin-key is missing or empty"
# People sign in with the local identity provider on PORT+3 (the functions verify its tokens).
discovery=http://localhost:3003/eu-north-1_local/.well-known/openid-configuration
curl -sf --max-time 5 "$discovery" | grep -q '"issuer":"http://localhost:3003/eu-north-1_local"' ||
  fail "the local identity provider's discovery document $discovery does not answer with its issuer"

# --- 2. a second npm start on the same data folder is refused at once --------------------------------
# On ports of its own (PORT=3010: API 3010, DynamoDB 3011, S3 3012, identity provider 3013): only the
# data folder can stop it.
step "a second npm start (PORT=3010), same data folder: must exit non-zero within ${second_start_timeout} s"
start_service "$second_log" PORT=3010
second_pid=$started_pid
deadline=$((SECONDS + second_start_timeout))
while kill -0 "$second_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the second npm start still runs after ${second_start_timeout} s"
  sleep 0.2
done
wait "$second_pid" && code=0 || code=$?
[ "$code" -ne 0 ] || fail 'the second npm start exited 0: it must refuse a data folder in use'
message=$(service_lines "$second_log")
lines=$(printf '%s' "$message" | grep -c '' || true)
[ "$lines" -eq 1 ] || fail "the second npm start must say why in one line; it wrote $lines lines"
step "refused (status $code): $message"
curl -sf --max-time 5 "$health" >/dev/null || fail 'the first service no longer answers'

# --- 3. SIGINT stops it within 10 s, and nothing is left --------------------------------------------------
step "SIGINT to the process group of the first npm start (pid $first_pid)"
kill -INT -- "-$first_pid"
deadline=$((SECONDS + stop_timeout))
while kill -0 "$first_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "npm start did not exit within ${stop_timeout} s of SIGINT"
  sleep 0.2
done
wait "$first_pid" && code=0 || code=$?
# npm itself answers SIGINT with 130 once its script has exited, however that went: only said, not judged.
step "npm start exited with status $code"
# What the service started has 2 s more to go (a child that outlives it by longer is a leak).
deadline=$((SECONDS + 2))
while left=$(strays) && [ -n "$left" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo 'start-check: still running after npm start exited:' >&2
    # shellcheck disable=SC2086 # one pid a word
    describe $left >&2
    fail 'processes were left behind'
  fi
  sleep 0.2
done
port_open 3000 && fail 'port 3000 still answers after the stop'
# A clean stop says nothing alarming: no error lines (the stream poller's included), no stack trace.
if grep -nE '"level":"error"|^\s+at |Error:' "$first_log" >&2; then fail 'the service printed errors while it ran or stopped'; fi
step 'stopped within the limit, no process left, no error printed; OK'
