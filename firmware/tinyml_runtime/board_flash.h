// Flash glue: the model slot region of each supported MCU as a tml::Flash. The slot addresses come
// from board_slots.h, generated from the studio's src/device/boards/*.ts (one table for both).
#pragma once
#include <tinyml_core.h>

tml::Flash* board_flash();
// Why the flash slot could not be used (then board_flash() is a RAM slot), or nullptr.
const char* board_flash_problem();
