#!/bin/sh
# Runs one test program inside a private D-Bus session with its own unlocked GNOME keyring
# (the Secret Service), a throw-away HOME and no display:
#
#     tests/secrets/run-with-keyring.sh <test> [test arguments]
#
# The keyring daemon is started in the foreground of this script (so it cannot outlive it) and
# owns org.freedesktop.secrets before the test starts; it is stopped and the HOME removed when
# the test ends. Anything missing is a failure with a message, never a skip.
set -u

fail() {
    echo "run-with-keyring: $*" >&2
    exit 1
}

if [ "${1:-}" != "--inside-session" ]; then
    [ $# -ge 1 ] || fail "usage: $0 <test> [arguments]"
    for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
        command -v "$tool" >/dev/null 2>&1 ||
            fail "$tool is missing; install the test packages (scripts/deps.sh test)"
    done
    home=$(mktemp -d "${TMPDIR:-/tmp}/cr-keyring.XXXXXX") || fail "cannot create a temporary HOME"
    trap 'rm -rf "$home"' EXIT
    trap 'exit 130' INT TERM
    # Set before the bus starts, so anything the bus activates sees the same private HOME.
    HOME=$home
    XDG_DATA_HOME=$home/.local/share
    XDG_CONFIG_HOME=$home/.config
    XDG_CACHE_HOME=$home/.cache
    XDG_RUNTIME_DIR=$home/run
    export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR
    mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" || fail "cannot prepare $home"
    mkdir -m 700 "$XDG_RUNTIME_DIR" || fail "cannot create $XDG_RUNTIME_DIR"
    unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL \
        SSH_AUTH_SOCK XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION || true
    dbus-run-session -- "$0" --inside-session "$@"
    exit $?
fi

shift # --inside-session
log=$HOME/keyring.log
# The password on stdin creates and unlocks the login keyring; --foreground keeps the daemon
# a child of this script.
printf 'test' | gnome-keyring-daemon --foreground --unlock --components=secrets >"$log" 2>&1 &
daemon=$!
trap 'kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null' EXIT
trap 'exit 130' INT TERM

owned() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'
}
tries=0
until owned; do
    kill -0 "$daemon" 2>/dev/null || fail "gnome-keyring-daemon exited: $(cat "$log")"
    tries=$((tries + 1))
    [ "$tries" -le 100 ] || fail "gnome-keyring-daemon did not register within 10 s: $(cat "$log")"
    sleep 0.1
done

"$@"
