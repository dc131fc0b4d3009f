#!/usr/bin/env bash
# Stops the Ceph that scripts/ceph-rgw-up.sh started in DIR (by its pid files) and removes DIR.
set -u
dir=${1:?usage: ceph-rgw-down.sh DIR}
case "$dir" in */tansu-rgw.*) ;; *) echo "ceph-rgw-down: $dir is not a tansu-rgw directory" >&2; exit 2 ;; esac
for name in client.rgw osd.0 mon.a; do
  pidfile="$dir/run/$name.pid"
  [ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
done
rm -rf "$dir"
