// IMU glue: finds the board's accelerometer/gyroscope at run time and exposes it as a tml::Sensor
// with 6 axes (accX..Z in g, gyrX..Z in deg/s).
#pragma once
#include <tinyml_core.h>

tml::Sensor* board_imu_begin();
const char* board_name();
