// TensorFlow Lite Micro model runner behind tml::InferenceHook. Compiled with the TFLM Arduino library
// (see README); without it the hook reports "no model runner" and inference stays off.
#pragma once
#include <tinyml_core.h>

tml::InferenceHook* tflm_hook(tml::Flash* flash);
uint32_t tflm_arena_capacity();
