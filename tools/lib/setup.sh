# Shared set-up for tools/run, tools/test and the benchmarks: sourced, not run.
# Installs what is missing, builds, and manages private PostgreSQL clusters made with the OS's binaries.
# Works as root (the cluster then runs as an unprivileged user) and as a normal user (apt through sudo).

HERALD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERALD_STATE="$HERALD_ROOT/.herald"
HERALD_APT_PACKAGES=(
  pkg-config libnghttp2-dev libssl-dev libpq-dev libprotobuf-c-dev libevent-dev zlib1g-dev
  postgresql postgresql-client protobuf-compiler libprotobuf-dev python3-venv python3-pip nghttp2-client tzdata openssl
)

herald_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
herald_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

herald_sudo() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    herald_die "need root (or sudo) to run: $*"
  fi
}

# Debian packages: installs only what is missing, so a second run does not touch apt at all.
herald_ensure_packages() {
  local missing=() p
  for p in "${HERALD_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    herald_log "installing ${missing[*]}"
    herald_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    herald_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v swift >/dev/null || [ -x /opt/swift/usr/bin/swift ] || herald_die "Swift 6 toolchain not found (expected swift on PATH)"
  command -v swift >/dev/null || export PATH="/opt/swift/usr/bin:$PATH"
}

# The Python virtual environment for the polyglot tests (grpcio, grpcio-tools, protobuf).
herald_ensure_venv() {
  local venv="$HERALD_STATE/venv" reqs="$HERALD_ROOT/tools/python-requirements.txt"
  if [ ! -f "$venv/.installed" ] || ! cmp -s "$reqs" "$venv/.installed"; then
    herald_log "preparing the Python environment in .herald/venv"
    mkdir -p "$HERALD_STATE"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$reqs"
    cp "$reqs" "$venv/.installed"
  fi
  HERALD_PYTHON="$venv/bin/python"
  export HERALD_PYTHON
}

herald_pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || herald_die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, clusters belong to the 'postgres' user (made if missing).
herald_pg_user() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    echo postgres
  else
    id -un
  fi
}

herald_as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$(herald_pg_user)" -- "$@"; else "$@"; fi
}

# A free TCP port on 127.0.0.1.
herald_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# herald_cluster_start DATADIR PORT [throwaway]: initdb when new, then start and wait until it accepts
# connections. A throwaway cluster trades durability for speed (fsync off). Prints nothing on success.
herald_cluster_start() {
  local data=$1 port=$2 mode=${3:-persistent} bin user
  bin=$(herald_pg_bindir)
  user=$(herald_pg_user)
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown "$user" "$data"
    chmod 700 "$data"
    herald_as_pg "$bin/initdb" -D "$data" -U herald --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = ''"
      echo "max_connections = 300"
      echo "shared_buffers = 256MB"
      if [ "$mode" = throwaway ]; then
        echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
      fi
    } | herald_as_pg tee -a "$data/postgresql.conf" >/dev/null
  fi
  herald_as_pg "$bin/pg_ctl" -D "$data" -o "-p $port" -l "$data/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$data/server.log" >&2; herald_die "PostgreSQL did not start (log: $data/server.log)"; }
  psql -h 127.0.0.1 -p "$port" -U herald -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'herald'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$port" -U herald -d postgres -qc "CREATE DATABASE herald" >/dev/null
}

herald_cluster_stop() {
  local data=$1
  [ -f "$data/postmaster.pid" ] || return 0
  herald_as_pg "$(herald_pg_bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# A data directory the cluster user can reach. As root, a folder under a home that only root may enter
# (e.g. /root) is out of the postgres user's reach, so the data lives under /var/lib/herald and DIR links to it.
herald_reachable_dir() {
  local dir=$1
  if [ "$(id -u)" != 0 ] || runuser -u "$(herald_pg_user)" -- test -x "$(dirname "$dir")" 2>/dev/null; then
    echo "$dir"; return
  fi
  local alt="/var/lib/herald/$(echo "$dir" | md5sum | cut -c1-12)"
  mkdir -p "$alt" "$(dirname "$dir")"
  chown "$(herald_pg_user)" "$alt"
  [ -L "$dir" ] || ln -sfn "$alt" "$dir"
  echo "$alt"
}

herald_build() { # herald_build [debug|release] [extra swift build args...]
  local conf=${1:-debug}; shift || true
  herald_log "building ($conf)"
  (cd "$HERALD_ROOT" && swift build -c "$conf" "$@" 2>&1 | grep -Ev '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Linking|Write|Applying|Planning)' ) \
    ; return "${PIPESTATUS[0]}"
}

# The command prefix that runs a program as the cluster user (empty when not root), for commands handed to tests.
herald_pg_prefix() {
  if [ "$(id -u)" = 0 ]; then echo "runuser -u $(herald_pg_user) --"; fi
}
