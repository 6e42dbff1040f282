#!/bin/sh
# The Debian packages as a user gets them: built by CPack from this build, their contents and
# metadata checked (dpkg-deb), then — as root, on a machine where netflix-charges is not
# installed — the server package installed with dpkg, its unit verified (systemd-analyze
# verify), `netflix-charges --help` and a short `serve` run from the installed paths as the
# service would run them, and the package purged; the machine is left as it was found.
#   debian_packages.sh BUILD_DIR OUT_DIR
# Exit 77 (CTest: skipped) with a message when the install cannot be tried here.
set -eu
build=$1
out=$2

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
if dpkg-query -W -f='${Status}' netflix-charges 2>/dev/null | grep -q installed; then
    echo "SKIP: netflix-charges is installed on this machine; the test leaves it alone"
    exit 77
fi
had_user=no; getent passwd netflix-charges >/dev/null && had_user=yes
had_state=no; [ -e /var/lib/netflix-charges ] && had_state=yes
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    dpkg --purge netflix-charges >/dev/null 2>&1 || true
    [ "$had_state" = no ] && rm -rf /var/lib/netflix-charges
    [ "$had_user" = no ] && { userdel netflix-charges 2>/dev/null || true; groupdel netflix-charges 2>/dev/null || true; }
}
trap cleanup EXIT

dpkg -i "$server" >"$out.install.log" 2>&1 || { cat "$out.install.log"; fail "dpkg -i failed"; }
getent passwd netflix-charges >/dev/null || fail "no system user netflix-charges"
[ "$(stat -c %U /var/lib/netflix-charges)" = netflix-charges ] || fail "/var/lib/netflix-charges is not the service's"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /lib/systemd/system/netflix-charges.service || fail "systemd-analyze verify"
else
    echo "note: no systemd-analyze here; the unit was not verified"
fi
/usr/bin/netflix-charges --help | grep -q "Usage:" || fail "netflix-charges --help"

# As the unit runs it: its user, its directory, its environment file.
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
[ -f /var/lib/netflix-charges/netflix-charges.db ] || fail "no database in /var/lib/netflix-charges"

dpkg --purge netflix-charges >/dev/null || fail "dpkg --purge"
[ ! -e /usr/bin/netflix-charges ] || fail "/usr/bin/netflix-charges is left after purge"
[ ! -e /etc/default/netflix-charges ] || fail "/etc/default/netflix-charges is left after purge"
echo "installed, verified, served, purged"
