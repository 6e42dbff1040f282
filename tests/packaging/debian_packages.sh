#!/bin/sh
# The Debian packages as a user gets them: built by CPack from this build, their contents and
# metadata checked (dpkg-deb), then — as root, on a machine where netflix-charges is not
# installed — the server package installed with dpkg, its unit verified (systemd-analyze
# verify), `netflix-charges --help` and a short `serve` run from the installed paths as the
# service would run them; a charge imported, the conffile edited, and a newer version installed
# over it (this build packaged again as a later version: dpkg's upgrade path through the
# maintainer scripts and the conffile; schema upgrades are tested in tests/sqlite), after which
# the edit, the user and the charge are there and the new binary serves with the edited
# settings; the -dev package installed and a CMake project built against it where Debian put
# it; both purged. The machine is left as it was found.
#   debian_packages.sh BUILD_DIR OUT_DIR CONSUMER_SOURCE_DIR
# Exit 77 (CTest: skipped) with a message when the install cannot be tried here.
set -eu
build=$1
out=$2
consumer_source=$3

fail() { echo "FAIL: $*" >&2; exit 1; }
has() { printf '%s\n' "$2" | grep -Eq -- "$1" || fail "expected /$1/ in: $3"; }

command -v dpkg-deb >/dev/null || { echo "SKIP: not a Debian system (no dpkg-deb)"; exit 77; }
rm -rf "$out"
(cd "$build" && cpack -G DEB -B "$out" >"$out.log" 2>&1) || { cat "$out.log"; fail "cpack failed"; }
server=$(ls "$out"/netflix-charges_*.deb)
dev=$(ls "$out"/netflix-charges-dev_*.deb)

contents=$(dpkg-deb -c "$server")
for path in ./usr/bin/netflix-charges ./lib/systemd/system/netflix-charges.service ./etc/default/netflix-charges \
            ./usr/share/doc/netflix-charges/README.md; do
    has " $path\$" "$contents" "the server package's contents"
done
info=$(dpkg-deb -I "$server")
has '^ Package: netflix-charges$' "$info" "its control file"
has '^ Section: net$' "$info" "its control file"
# Computed by dpkg-shlibdeps from the binary, not written by hand:
has '^ Depends: .*adduser.*libsqlite3-0 \(>= .*libssl3 \(>= ' "$info" "its control file"
has 'conffiles' "$info" "its control file"
[ "$(dpkg-deb --ctrl-tarfile "$server" | tar -xO ./conffiles)" = /etc/default/netflix-charges ] ||
    fail "/etc/default/netflix-charges is not a conffile"

dev_contents=$(dpkg-deb -c "$dev")
has ' ./usr/include/netflix_charges/service.hpp$' "$dev_contents" "the -dev package's contents"
has ' ./usr/lib/.*libnetflix_charges_core\.a$' "$dev_contents" "the -dev package's contents"
has ' ./usr/lib/.*cmake/netflix_charges/netflix_chargesConfig\.cmake$' "$dev_contents" "the -dev package's contents"
has '^ Depends: .*libsqlitecpp-dev' "$(dpkg-deb -I "$dev")" "the -dev package's control file"
echo "packages built and checked: $(basename "$server"), $(basename "$dev")"

[ "$(id -u)" = 0 ] || { echo "SKIP: installing the package needs root (the packages themselves were checked)"; exit 77; }
for package in netflix-charges netflix-charges-dev; do
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q installed; then
        echo "SKIP: $package is installed on this machine; the test leaves it alone"
        exit 77
    fi
done
had_user=no; getent passwd netflix-charges >/dev/null && had_user=yes
had_state=no; [ -e /var/lib/netflix-charges ] && had_state=yes
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    dpkg --purge netflix-charges netflix-charges-dev >/dev/null 2>&1 || true
    [ "$had_state" = no ] && rm -rf /var/lib/netflix-charges
    [ "$had_user" = no ] && { userdel netflix-charges 2>/dev/null || true; groupdel netflix-charges 2>/dev/null || true; }
}
trap cleanup EXIT
trap 'exit 1' INT TERM  # killed (a CTest timeout, Ctrl-C): still cleaned up

dpkg -i "$server" >"$out.install.log" 2>&1 || { cat "$out.install.log"; fail "dpkg -i failed"; }
getent passwd netflix-charges >/dev/null || fail "no system user netflix-charges"
[ "$(stat -c %U /var/lib/netflix-charges)" = netflix-charges ] || fail "/var/lib/netflix-charges is not the service's"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /lib/systemd/system/netflix-charges.service || fail "systemd-analyze verify"
else
    echo "note: no systemd-analyze here; the unit was not verified"
fi
/usr/bin/netflix-charges --help | grep -q "Usage:" || fail "netflix-charges --help"

# As the unit runs it: its user, its directory, its environment file; stopped with SIGTERM
# once /readyz answers. The log is in $log.
serve_as_the_unit() {
    log="$out.serve.log"
    (cd /var/lib/netflix-charges && set -a && . /etc/default/netflix-charges && set +a &&
        exec runuser -u netflix-charges -- /usr/bin/netflix-charges serve --listen 127.0.0.1:0) >"$log" 2>&1 &
    server_pid=$!
    port=
    for _ in $(seq 50); do
        port=$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 | sed 's|.*:||') || true
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$log"; fail "the installed server did not start"; }
    ready=$(curl -s "http://127.0.0.1:$port/readyz")
    has '"code":"OK"' "$ready" "/readyz"
    # SIGTERM to the server itself, as systemd sends it (runuser passes on its exit status).
    kill -TERM "$(pgrep -P "$server_pid" -x netflix-charges)"
    wait "$server_pid" || fail "the server did not exit 0 on SIGTERM"
    server_pid=
}
serve_as_the_unit
db=/var/lib/netflix-charges/netflix-charges.db
[ -f "$db" ] || fail "no database in /var/lib/netflix-charges"

# An upgrade over it, with the operator's data and settings in place.
printf '%s\n' '{"number":"UPGRADE-1","billing_system_customer_identifier":"c1","amount":9.99,"currency":"EUR","paid_through_date":"2026-12-31"}' |
    runuser -u netflix-charges -- /usr/bin/netflix-charges import --db "$db" --org ps_dev - >/dev/null ||
    fail "import as the service's user"
echo "NETFLIX_CHARGES_THREADS=3" >>/etc/default/netflix-charges
version=$(dpkg-deb -f "$server" Version)
(cd "$build" && cpack -G DEB -B "$out/next" -D CPACK_COMPONENTS_ALL=server \
    -D "CPACK_DEBIAN_PACKAGE_VERSION=$version+next" >"$out.next.log" 2>&1) || { cat "$out.next.log"; fail "cpack of the next version failed"; }
next=$(ls "$out"/next/netflix-charges_*.deb)
[ "$(dpkg-deb -f "$next" Version)" = "$version+next" ] || fail "the next package is not version $version+next"
dpkg -i "$next" >"$out.upgrade.log" 2>&1 || { cat "$out.upgrade.log"; fail "dpkg -i of the next version failed"; }
[ "$(dpkg-query -W -f='${Version}' netflix-charges)" = "$version+next" ] || fail "not upgraded"
grep -qx "NETFLIX_CHARGES_THREADS=3" /etc/default/netflix-charges || fail "the upgrade lost the edited conffile"
[ "$(stat -c %U "$db")" = netflix-charges ] || fail "the database is no longer the service's"
has '"number":"UPGRADE-1"' "$(/usr/bin/netflix-charges journal --db "$db" --org ps_dev)" "the journal after the upgrade"
serve_as_the_unit
has '3 thread\(s\)' "$(cat "$log")" "the upgraded server's log (the edited setting)"
echo "upgraded from $version to $version+next: settings, data and user kept"

# The -dev package: a CMake project finds the library where Debian installed it.
dpkg -i "$dev" >"$out.dev.log" 2>&1 || { cat "$out.dev.log"; fail "dpkg -i of the -dev package failed"; }
consumer="$out/consumer"
rm -rf "$consumer"
cmake -S "$consumer_source" -B "$consumer" -G Ninja -DCONSUMER_COMPONENTS=core,sqlite,http >"$out.consumer.log" 2>&1 &&
    cmake --build "$consumer" >>"$out.consumer.log" 2>&1 &&
    (cd "$consumer" && ctest --output-on-failure >>"$out.consumer.log" 2>&1) || { cat "$out.consumer.log"; fail "a project using the -dev package"; }
has '^netflix_charges_DIR:PATH=/usr/lib/.*cmake/netflix_charges$' "$(cat "$consumer/CMakeCache.txt")" "the consumer's cache"
dpkg --purge netflix-charges-dev >/dev/null || fail "dpkg --purge netflix-charges-dev"
[ ! -e /usr/include/netflix_charges ] || fail "/usr/include/netflix_charges is left after purge"
echo "-dev installed, used by a CMake project, purged"

dpkg --purge netflix-charges >/dev/null || fail "dpkg --purge"
[ ! -e /usr/bin/netflix-charges ] || fail "/usr/bin/netflix-charges is left after purge"
[ ! -e /etc/default/netflix-charges ] || fail "/etc/default/netflix-charges is left after purge"
echo "installed, verified, served, purged"
