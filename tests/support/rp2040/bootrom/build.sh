#!/bin/sh
# Builds bootrom.bin from start.S + bootrom.c with arm-none-eabi-gcc and writes bootrom.json
# (gcc version, SHA-256 of the sources, size). Run from anywhere: sh tests/support/rp2040/bootrom/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CC=${CC:-arm-none-eabi-gcc}
OBJCOPY=${OBJCOPY:-arm-none-eabi-objcopy}
flags="-mcpu=cortex-m0plus -mthumb -Os -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -nostdlib -Wall -Wextra -Werror"
"$CC" $flags -c "$here/start.S" -o "$out/start.o"
"$CC" $flags -c "$here/bootrom.c" -o "$out/bootrom.o"
"$CC" $flags -T "$here/bootrom.ld" "$out/start.o" "$out/bootrom.o" -o "$out/bootrom.elf"
"$OBJCOPY" -O binary "$out/bootrom.elf" "$here/bootrom.bin"
node "$here/record.mjs" "$("$CC" --version | head -n 1)"
