#!/usr/bin/env bash
# Builds the prebuilt RP2040 runtime image and its build record:
#   public/firmware/tinyml-runtime-rp2040.uf2   public/firmware/tinyml-runtime-rp2040.json
#
# Needs arm-none-eabi-gcc (Debian gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# libstdc++-arm-none-eabi-newlib), cmake, node, and the third-party sources at these pins (fetch them
# yourself; this script downloads nothing). Pass their paths as environment variables:
#   PICO_SDK_PATH     raspberrypi/pico-sdk 2.2.0 (a1438dff1d38bd9c65dbd693f0e5db4b9ae91779) with
#                     lib/tinyusb = hathach/tinyusb 86ad6e56c1700e85f1c5678607a762cfe3aa2f47
#   TFLM_PATH         tensorflow/tflite-micro 90b983c2b3f1480642e040bbd2ddb37b998f3424
#   FLATBUFFERS_PATH  google/flatbuffers v25.9.23 (187240970746d00bbd26b0f5873ed54d2477f9f3)
#   GEMMLOWP_PATH     google/gemmlowp 719139ce755a0f31cbf1c37f7f98adcc7fc9f425
#   RUY_PATH          google/ruy d37128311b445e758136b8602d1bbd2a755e115d
# e.g. git -C <clone> archive <commit> | tar -x -C <dir> for each.
# Optional: BUILD_DIR (default /tmp/tinyml-pico-build), JOBS (default 2).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
for v in PICO_SDK_PATH TFLM_PATH FLATBUFFERS_PATH GEMMLOWP_PATH RUY_PATH; do
  if [ -z "${!v:-}" ] || [ ! -d "${!v}" ]; then
    echo "build.sh: $v must name the folder of that dependency (see the top of this script)" >&2
    exit 2
  fi
done
if [ ! -f "$PICO_SDK_PATH/lib/tinyusb/src/tusb.h" ]; then
  echo "build.sh: $PICO_SDK_PATH/lib/tinyusb is empty: put tinyusb at the SDK's pin there" >&2
  exit 2
fi
command -v arm-none-eabi-gcc >/dev/null || { echo "build.sh: arm-none-eabi-gcc not found (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib)" >&2; exit 2; }
build="${BUILD_DIR:-/tmp/tinyml-pico-build}"
mkdir -p "$build"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=MinSizeRel -DPICO_NO_PICOTOOL=1 \
  -DPICO_SDK_PATH="$PICO_SDK_PATH" -DTFLM_PATH="$TFLM_PATH" -DFLATBUFFERS_PATH="$FLATBUFFERS_PATH" \
  -DGEMMLOWP_PATH="$GEMMLOWP_PATH" -DRUY_PATH="$RUY_PATH" >"$build/cmake.log"
cmake --build "$build" -j "${JOBS:-2}"
out="$root/public/firmware"
mkdir -p "$out"
(cd "$root" && node bin/tinyml.mjs uf2 --in "$build/tinyml_runtime.bin" --base 0x10000000 --family rp2040 \
  --out "$out/tinyml-runtime-rp2040.uf2")
node "$here/build-record.mjs" --build "$build" --out "$out/tinyml-runtime-rp2040.json"
