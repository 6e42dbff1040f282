#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's postgresql package:
#   cluster.sh start <folder> <port>   initdb in <folder>/data (if new), start, listening only on a
#                                      Unix socket in <folder> (no TCP at all)
#   cluster.sh restart <folder>        a fast shutdown and a start again, as a minor-version
#                                      upgrade does; returns once it accepts connections
#   cluster.sh stop <folder>           stop it (fast shutdown) and remove <folder>
# The tests connect with postgresql:///postgres?host=<folder>&port=<port>&user=postgres.
# PostgreSQL refuses to run as root: as root, it runs as the system user "postgres".
set -euo pipefail
action=$1
folder=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

case "$action" in
start)
    port=$3
    if [[ -f "$folder/data/postmaster.pid" ]]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate stop || true; fi
    rm -rf "$folder"
    mkdir -p "$folder"
    if [[ $(id -u) -eq 0 ]]; then chown postgres: "$folder"; fi
    "${as_owner[@]}" "$bin/initdb" -D "$folder/data" -U postgres -A trust -E UTF8 --no-sync >"$folder/initdb.log"
    "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $folder -p $port -c fsync=on -c max_connections=200" start >/dev/null
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $folder port $port"
    ;;
restart)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
stop)
    if [[ -f "$folder/data/postmaster.pid" ]]; then "${as_owner[@]}" "$bin/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null; fi
    rm -rf "$folder"
    echo "stopped"
    ;;
*)
    echo "usage: $0 start <folder> <port> | restart <folder> | stop <folder>" >&2
    exit 2
    ;;
esac
