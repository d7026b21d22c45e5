// Flash glue: the model slot region of each supported MCU as a tml::Flash.
// Slot addresses must match src/device/boards/*.ts in the studio.
#pragma once
#include <tinyml_core.h>

tml::Flash* board_flash();
