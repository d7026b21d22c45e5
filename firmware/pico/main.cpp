// pico-sdk entry point: the Arduino sketch, compiled unchanged, driven by setup()/loop().
#include "Arduino.h"

#include "../tinyml_runtime/tinyml_runtime.ino"

int main() {
  setup();
  for (;;) loop();
}
