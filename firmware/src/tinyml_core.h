// Umbrella header of the portable TinyML runtime core (Arduino library "TinyMLRuntime").
#pragma once
#include "protocol_ids.h"
#include "crc32.h"
#include "cobs.h"
#include "frame.h"
#include "flash.h"
#include "model_slot.h"
#include "device_core.h"
#include "impulse_descriptor.h"
#include "impulse_runner.h"
