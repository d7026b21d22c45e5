// Flash glue: the model slot region of each supported MCU as a tml::Flash. The slot addresses come
// from board_slots.h, generated from the studio's src/device/boards/*.ts (one table for both).
#pragma once
#include <tinyml_core.h>

tml::Flash* board_flash();
// Why the flash slot could not be used, or nullptr. Boards without a flash slot get a 36 KB RAM slot
// (lost at reset); a board whose slot cannot be used (layout problem) gets none (capacity 0).
const char* board_flash_problem();
