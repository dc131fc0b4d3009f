#!/usr/bin/env bash
# Starts a throwaway single-node Ceph on loopback for the S3 compat tests and benchmark: one
# monitor, one in-memory (memstore) OSD and radosgw, with cephx off and one replica.
# Needs the Debian packages radosgw ceph-mon ceph-osd ceph-common uuid-runtime.
# Prints one line: `endpoint=http://127.0.0.1:PORT dir=DIR access-key=… secret-key=…`.
# Stop it with scripts/ceph-rgw-down.sh DIR.
set -euo pipefail

for tool in ceph-mon ceph-osd radosgw radosgw-admin ceph-authtool monmaptool uuidgen; do
  command -v "$tool" >/dev/null || { echo "ceph-rgw-up: $tool not found (apt-get install radosgw ceph-mon ceph-osd ceph-common uuid-runtime)" >&2; exit 3; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/tansu-rgw.XXXXXX")
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
mon_port=$(free_port)
rgw_port=$(free_port)
while [ "$rgw_port" = "$mon_port" ]; do rgw_port=$(free_port); done
fsid=$(uuidgen)
access_key=TANSUTESTKEY
secret_key=TANSUTESTSECRET
mkdir -p "$dir"/{mon,osd,rgw,log,run}

cat >"$dir/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
ms bind msgr2 = false
run dir = $dir/run
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
mon cluster log file = $dir/log/ceph.\$channel.log
keyring = $dir/keyring
[mon]
mon data = $dir/mon/\$cluster-\$id
[osd]
osd data = $dir/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 1073741824
osd max object name len = 460
osd max object namespace len = 64
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $dir/rgw
rgw dns name = localhost
CONF

conf=(-c "$dir/ceph.conf")
# On any failure, stop whatever started and leave the logs for a look.
fail() {
  for name in client.rgw osd.0 mon.a; do
    [ -f "$dir/run/$name.pid" ] && kill -9 "$(cat "$dir/run/$name.pid")" 2>/dev/null
  done
  echo "ceph-rgw-up: $1; see $dir/log" >&2
  exit 1
}
osd_up() { ceph "${conf[@]}" osd dump 2>/dev/null | grep -q "^osd.0 up"; }
{
  ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *'
  ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *'
  monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap"
  ceph-mon "${conf[@]}" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
  ceph-mon "${conf[@]}" -i a
  osd_uuid=$(uuidgen)
  osd_id=$(ceph "${conf[@]}" osd new "$osd_uuid")
  mkdir -p "$dir/osd/ceph-$osd_id"
  ceph-osd "${conf[@]}" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid"
} >>"$dir/log/setup.log" 2>&1 || fail "setup failed"
# An OSD that asks the monitor too early can die at start ("wrong fsid"); start it again then
# (its pid file appears a moment after the start, so a start gets two seconds before it is judged).
osd_pid() { cat "$dir/run/osd.$osd_id.pid" 2>/dev/null || true; }
ceph-osd "${conf[@]}" -i "$osd_id" >>"$dir/log/setup.log" 2>&1 || true
since=0
for _ in $(seq 1 160); do
  osd_up && break
  since=$((since + 1))
  pid=$(osd_pid)
  if [ "$since" -ge 8 ] && { [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; }; then
    rm -f "$dir/run/osd.$osd_id.pid"
    ceph-osd "${conf[@]}" -i "$osd_id" >>"$dir/log/setup.log" 2>&1 || true
    since=0
  fi
  sleep 0.25
done
osd_up || fail "the OSD did not come up"
radosgw "${conf[@]}" -n client.rgw >>"$dir/log/setup.log" 2>&1 || fail "radosgw did not start"

for _ in $(seq 1 240); do
  curl -s -o /dev/null "http://127.0.0.1:$rgw_port/" && break
  sleep 0.25
done
curl -s -o /dev/null "http://127.0.0.1:$rgw_port/" || fail "radosgw did not answer"
radosgw-admin "${conf[@]}" user create --uid=tansu --display-name=tansu --access-key="$access_key" --secret="$secret_key" >>"$dir/log/setup.log" 2>&1 || fail "creating the S3 user failed"
echo "endpoint=http://127.0.0.1:$rgw_port dir=$dir access-key=$access_key secret-key=$secret_key"
