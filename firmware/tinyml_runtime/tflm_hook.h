// TensorFlow Lite Micro model runner behind tml::InferenceHook: impulse DSP (from the descriptor in the
// model slot) -> int8 input -> Invoke. Compiled with the TFLM Arduino library (see README); without it
// the hook reports "no model runner" and inference stays off.
#pragma once
#include <tinyml_core.h>

// sensor: the IMU whose axes the impulse names (nullptr: no inference). log: receives load problems.
tml::InferenceHook* tflm_hook(tml::Flash* flash, const tml::SensorDesc* sensor, void (*log)(const char*));
uint32_t tflm_arena_capacity();
