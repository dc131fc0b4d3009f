#!/usr/bin/env bash
# Assembles the root filesystem of the FROM scratch image in DIR: the compiled binary as /tansu,
# every shared library and the loader that `ldd` lists for it (at the paths ldd prints, symlinks
# resolved), the CA certificate bundle and an empty /tmp. Dockerfile.scratch runs this in its
# build stage and copies DIR whole, and test/compat/scratch.compat.ts runs the binary from the
# same tree, so both see exactly the same files.
#   scripts/rootfs.sh BINARY DIR
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 BINARY DIR" >&2
  exit 2
fi
binary=$1
root=$2
certs=/etc/ssl/certs/ca-certificates.crt

mkdir -p "$root"
install -m 0755 "$binary" "$root/tansu"
# ldd lines: "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)", "/lib64/ld-linux-x86-64.so.2 (0x…)"
# and "linux-vdso.so.1 (0x…)" (provided by the kernel: no file)
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
mkdir -p "$root$(dirname "$certs")"
cp -L "$certs" "$root$certs"
mkdir -p "$root/tmp"
chmod 1777 "$root/tmp"
