#!/usr/bin/env bash
# The .deb as an operator gets it: built with CPack from BUILD_DIR, it holds
# the binaries, the reference data, the flags file (a conffile), the
# systemd units (checked by systemd-analyze) and the maintainer scripts,
# and depends on the shared libraries the binaries link. Unpacked into a
# temporary root, its jiwond starts from the installed paths (its reference
# data from ROOT/usr/share/jiwon/reference, its flags from the installed
# jiwond.conf) on 127.0.0.1, and the installed jiwon asks it for its
# health and its metrics answer the alert rules' names.
#   package_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1
build_dir=$2
tmp=$(mktemp -d)
pid=
cleanup() {
  [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "package_test: $*" >&2
  [ -f "$tmp/jiwond.log" ] && tail -20 "$tmp/jiwond.log" >&2
  exit 1
}

(cd "$build_dir" && cpack -G DEB -B "$tmp/pkg" >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/pkg/jiwon_*_*.deb)

# What must be in it.
dpkg-deb --contents "$deb" | awk '{print $6}' >"$tmp/contents"
for f in ./usr/bin/jiwond ./usr/bin/jiwon ./usr/bin/jiwon-rescore \
  ./usr/share/jiwon/reference/regions.csv \
  ./usr/share/jiwon/reference/ksic11.csv \
  ./usr/share/jiwon/reference/sme_size_thresholds.csv \
  ./usr/share/jiwon/reference/micro_employee_limits.csv \
  ./usr/share/jiwon/reference/region_groups.csv \
  ./etc/jiwon/jiwond.conf \
  ./usr/lib/systemd/system/jiwond.service \
  ./usr/lib/systemd/system/jiwon-rescore.service \
  ./usr/lib/systemd/system/jiwon-rescore.timer \
  ./usr/lib/systemd/system/jiwon-backup.service \
  ./usr/lib/systemd/system/jiwon-backup.timer \
  ./usr/share/doc/jiwon/README.md ./usr/share/doc/jiwon/jiwon-alerts.yml; do
  grep -qxF "$f" "$tmp/contents" || fail "$f is not in the package"
done
dpkg-deb --info "$deb" >"$tmp/info"
for want in "Package: jiwon" "librocksdb" "libgrpc++" "libprometheus-cpp-pull" \
  "adduser" " conffiles" " postinst" " prerm" " postrm"; do
  grep -qF -- "$want" "$tmp/info" || fail "the control data lacks \"$want\""
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/jiwon/jiwond.conf ||
  fail "jiwond.conf is not a conffile"
# The hardening the unit promises.
unit_text=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/jiwond.service)
for want in "User=jiwon" "ProtectSystem=strict" "StateDirectory=jiwon" \
  "NoNewPrivileges=yes" "ExecStart=/usr/bin/jiwond --flagfile=/etc/jiwon/jiwond.conf"; do
  grep -qF -- "$want" <<<"$unit_text" || fail "jiwond.service lacks $want"
done

# Unpacked into a temporary root.
root=$tmp/root
dpkg -x "$deb" "$root"
if command -v systemd-analyze >/dev/null; then
  mkdir "$tmp/units"
  for u in "$root"/usr/lib/systemd/system/*; do
    sed "s|/usr/bin/|$root/usr/bin/|g" "$u" >"$tmp/units/$(basename "$u")"
  done
  out=$(systemd-analyze verify "$tmp"/units/* 2>&1) || true
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
fi

# The installed jiwond, with the installed flags file; the paths a test may
# not write (/var/lib) given again after it.
"$root/usr/bin/jiwond" --flagfile="$root/etc/jiwon/jiwond.conf" \
  --listen=127.0.0.1:0 --port_file="$tmp/port" \
  --data_dir="$tmp/data" --backup_root="$tmp/backups" \
  --metrics_listen=127.0.0.1:0 --metrics_port_file="$tmp/metrics.port" \
  >"$tmp/jiwond.out" 2>"$tmp/jiwond.log" &
pid=$!
for _ in $(seq 600); do
  [ -s "$tmp/port" ] && [ -s "$tmp/metrics.port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the installed jiwond exited"
  sleep 0.1
done
[ -s "$tmp/port" ] || fail "the installed jiwond did not start"
grep -qF "\"reference\":\"$root/usr/share/jiwon/reference\"" "$tmp/jiwond.log" ||
  fail "jiwond did not read the installed reference data"
grep -qF '"level":"info"' "$tmp/jiwond.log" ||
  fail "jiwond did not log JSON as jiwond.conf asks"
addr=127.0.0.1:$(cat "$tmp/port")
health=$("$root/usr/bin/jiwon" --addr="$addr" health) || fail "jiwon health: $health"
[ "$health" = "jiwond: SERVING" ] || fail "jiwon health said: $health"
"$root/usr/bin/jiwon" --addr="$addr" program import \
  "$source_dir/data/demo/programs.jsonl" >/dev/null || fail "program import"
"$root/usr/bin/jiwon-rescore" --addr="$addr" --progress=none >/dev/null ||
  fail "jiwon-rescore"
"$root/usr/bin/jiwon" --addr="$addr" admin backup nightly >"$tmp/backup.out" ||
  fail "jiwon admin backup: $(cat "$tmp/backup.out")"
grep -q "^backup 1 in $tmp/backups/nightly" "$tmp/backup.out" ||
  fail "backup said: $(cat "$tmp/backup.out")"
curl -sS --max-time 20 "http://127.0.0.1:$(cat "$tmp/metrics.port")/metrics" \
  >"$tmp/metrics" || fail "metrics scrape"
# Every metric the shipped alert rules use is served.
for m in $(grep -oE 'jiwon_[a-z_]+' "$root/usr/share/doc/jiwon/jiwon-alerts.yml" | sort -u); do
  grep -qE "^# TYPE $m " "$tmp/metrics" || fail "the alert rules use $m, which jiwond does not serve"
done
kill -TERM "$pid"
wait "$pid" || fail "jiwond did not stop cleanly"
pid=
echo "package_test: $(basename "$deb"), $(wc -l <"$tmp/contents") entries, the installed jiwond served from its installed paths"
