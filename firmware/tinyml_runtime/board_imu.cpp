#include "board_imu.h"

#include <Arduino.h>
#include <Wire.h>

#if defined(ARDUINO_ARDUINO_NANO33BLE)
#include <Arduino_BMI270_BMM150.h>  // Rev2; Rev1's LSM9DS1 is driven by registers below (both libraries define IMU)
#define HAS_BMI270 1
#define INTERNAL_WIRE Wire1
#elif defined(ARDUINO_NANO_RP2040_CONNECT)
#include <Arduino_LSM6DSOX.h>
#define HAS_LSM6DSOX 1
#elif defined(ARDUINO_SEEED_XIAO_NRF52840_SENSE)
// LSM6DS3TR-C at 0x6A on the internal bus Wire1, powered from PIN_LSM6DS3TR_C_POWER (P1.08).
#define XIAO_IMU_WIRE Wire1
#endif

namespace {
// Units are the studio's (those its simulated board and demo project record): acceleration in m/s2,
// rotation in deg/s. Every IMU below converts its raw int16 reading in float32, in this order:
//   acc = (float)raw / LSB_per_g * 9.80665f        gyr = (float)raw / LSB_per_dps
// with the datasheet sensitivity at the configured range (+-4 g, +-2000 dps): MPU6050 8192 LSB/g and
// 16.4 LSB/(deg/s); ST LSM6DS3/LSM9DS1 0.122 mg/LSB (LSB_per_g = 1 / 0.000122f) and 70 mdps/LSB
// (LSB_per_dps = 1 / 0.070f). Each step rounds to float32, so a host reproduces the value bit for bit.
// Library-driven IMUs (BMI270, LSM6DSOX) hand over floats in g and deg/s: acc = g * 9.80665f.
constexpr float kStandardGravity = 9.80665f;  // m/s2 per g
inline float acc_ms2(int16_t raw, float lsbPerG) { return (float)raw / lsbPerG * kStandardGravity; }
inline float gyr_dps(int16_t raw, float lsbPerDps) { return (float)raw / lsbPerDps; }
constexpr float kMpuLsbPerG = 8192.0f;
constexpr float kMpuLsbPerDps = 16.4f;
constexpr float kStLsbPerG = 1.0f / 0.000122f;
constexpr float kStLsbPerDps = 1.0f / 0.070f;

// INT16 streams, counts per unit: 4096 counts per g (an int16 spans +-8 g) expressed per m/s2, and
// 16 counts per deg/s (+-2048 deg/s).
constexpr float kInt16PerMs2 = 4096.0f / kStandardGravity;
constexpr float kInt16PerDps = 16.0f;

void fill_desc(tml::SensorDesc& d, uint32_t rate, float accPerUnit, float gyrPerUnit) {
  static const char* names[6] = {"accX", "accY", "accZ", "gyrX", "gyrY", "gyrZ"};
  d.name = "imu";
  d.axisCount = 6;
  for (int a = 0; a < 6; a++) {
    d.axes[a].name = names[a];
    d.axes[a].units = a < 3 ? "m/s2" : "deg/s";
    d.int16PerUnit[a] = a < 3 ? accPerUnit : gyrPerUnit;
  }
  // Sampling rates offered (mHz): the sampler polls the IMU, whose own output rate is >= 104 Hz.
  const uint32_t rates[] = {25000, 50000, 62500, 100000, 104000};
  d.rateCount = sizeof(rates) / sizeof(rates[0]);
  for (int i = 0; i < d.rateCount; i++) d.ratesMilliHz[i] = rates[i];
  d.defaultRateMilliHz = rate;
}

uint8_t rd(TwoWire& w, uint8_t addr, uint8_t reg) {
  w.beginTransmission(addr);
  w.write(reg);
  if (w.endTransmission(false) != 0) return 0xFF;
  if (w.requestFrom(addr, (uint8_t)1) != 1) return 0xFF;
  return (uint8_t)w.read();
}
void wr(TwoWire& w, uint8_t addr, uint8_t reg, uint8_t v) {
  w.beginTransmission(addr);
  w.write(reg);
  w.write(v);
  w.endTransmission();
}
bool burst(TwoWire& w, uint8_t addr, uint8_t reg, uint8_t* out, uint8_t n) {
  w.beginTransmission(addr);
  w.write(reg);
  if (w.endTransmission(false) != 0) return false;
  if (w.requestFrom(addr, n) != n) return false;
  for (uint8_t i = 0; i < n; i++) out[i] = (uint8_t)w.read();
  return true;
}
int16_t le16(const uint8_t* p) { return (int16_t)(p[0] | (p[1] << 8)); }
int16_t be16(const uint8_t* p) { return (int16_t)((p[0] << 8) | p[1]); }

// ST LSM6DS3 / LSM6DS3TR-C / LSM6DSL family over registers: 104 Hz, ±4 g, ±2000 dps.
class Lsm6ds3 : public tml::Sensor {
 public:
  Lsm6ds3(TwoWire& w, uint8_t addr) : w_(w), a_(addr) { fill_desc(d_, 50000, kInt16PerMs2, kInt16PerDps); }
  static bool probe(TwoWire& w, uint8_t addr) {
    uint8_t id = rd(w, addr, 0x0F);
    return id == 0x69 || id == 0x6A || id == 0x6C;
  }
  bool init() {
    wr(w_, a_, 0x10, 0x48);  // CTRL1_XL: 104 Hz, ±4 g
    wr(w_, a_, 0x11, 0x4C);  // CTRL2_G: 104 Hz, 2000 dps
    return true;
  }
  const tml::SensorDesc& desc() const override { return d_; }
  void read(uint64_t, float* out) override {
    uint8_t b[12];
    if (!burst(w_, a_, 0x22, b, 12)) return;  // OUTX_L_G .. OUTZ_H_XL
    for (int i = 0; i < 3; i++) out[3 + i] = gyr_dps(le16(b + 2 * i), kStLsbPerDps);  // 70 mdps/LSB
    for (int i = 0; i < 3; i++) out[i] = acc_ms2(le16(b + 6 + 2 * i), kStLsbPerG);      // 0.122 mg/LSB
  }

 private:
  TwoWire& w_;
  uint8_t a_;
  tml::SensorDesc d_;
};

// InvenSense MPU6050 over registers: ±4 g, ±2000 dps.
class Mpu6050 : public tml::Sensor {
 public:
  explicit Mpu6050(TwoWire& w) : w_(w) { fill_desc(d_, 50000, kInt16PerMs2, kInt16PerDps); }
  static bool probe(TwoWire& w) { return rd(w, 0x68, 0x75) == 0x68; }
  bool init() {
    wr(w_, 0x68, 0x6B, 0x00);  // wake up
    wr(w_, 0x68, 0x1C, 0x08);  // ACCEL_CONFIG ±4 g
    wr(w_, 0x68, 0x1B, 0x18);  // GYRO_CONFIG ±2000 dps
    wr(w_, 0x68, 0x1A, 0x03);  // DLPF 44 Hz
    return true;
  }
  const tml::SensorDesc& desc() const override { return d_; }
  void read(uint64_t, float* out) override {
    uint8_t b[14];
    if (!burst(w_, 0x68, 0x3B, b, 14)) return;
    for (int i = 0; i < 3; i++) out[i] = acc_ms2(be16(b + 2 * i), kMpuLsbPerG);
    for (int i = 0; i < 3; i++) out[3 + i] = gyr_dps(be16(b + 8 + 2 * i), kMpuLsbPerDps);
  }

 private:
  TwoWire& w_;
  tml::SensorDesc d_;
};

#if defined(INTERNAL_WIRE)
// Nano 33 BLE Sense Rev1: LSM9DS1 accel/gyro at 0x6B on Wire1: 119 Hz, ±4 g, ±2000 dps.
class Lsm9ds1 : public tml::Sensor {
 public:
  Lsm9ds1() { fill_desc(d_, 50000, kInt16PerMs2, kInt16PerDps); }
  static bool probe() { return rd(INTERNAL_WIRE, 0x6B, 0x0F) == 0x68; }
  bool init() {
    wr(INTERNAL_WIRE, 0x6B, 0x10, 0x78);  // CTRL_REG1_G: 119 Hz, 2000 dps
    wr(INTERNAL_WIRE, 0x6B, 0x20, 0x70);  // CTRL_REG6_XL: 119 Hz, ±4 g
    return true;
  }
  const tml::SensorDesc& desc() const override { return d_; }
  void read(uint64_t, float* out) override {
    uint8_t b[6];
    if (burst(INTERNAL_WIRE, 0x6B, 0x28, b, 6))
      for (int i = 0; i < 3; i++) out[i] = acc_ms2(le16(b + 2 * i), kStLsbPerG);
    if (burst(INTERNAL_WIRE, 0x6B, 0x18, b, 6))
      for (int i = 0; i < 3; i++) out[3 + i] = gyr_dps(le16(b + 2 * i), kStLsbPerDps);
  }

 private:
  tml::SensorDesc d_;
};
#endif

#if defined(HAS_BMI270) || defined(HAS_LSM6DSOX)
// Library-driven IMU (BMI270 on Nano 33 BLE Sense Rev2, LSM6DSOX on Nano RP2040 Connect).
class LibraryImu : public tml::Sensor {
 public:
  LibraryImu() { fill_desc(d_, 50000, kInt16PerMs2, kInt16PerDps); }
  const tml::SensorDesc& desc() const override { return d_; }
  void read(uint64_t, float* out) override {
    float x, y, z;
    if (IMU.accelerationAvailable() && IMU.readAcceleration(x, y, z)) {  // g -> m/s2
      acc_[0] = x * kStandardGravity; acc_[1] = y * kStandardGravity; acc_[2] = z * kStandardGravity;
    }
    if (IMU.gyroscopeAvailable() && IMU.readGyroscope(x, y, z)) { gyr_[0] = x; gyr_[1] = y; gyr_[2] = z; }
    for (int i = 0; i < 3; i++) { out[i] = acc_[i]; out[3 + i] = gyr_[i]; }
  }

 private:
  tml::SensorDesc d_;
  float acc_[3] = {0, 0, 0}, gyr_[3] = {0, 0, 0};
};
#endif

const char* g_name = "Generic board";

#if defined(XIAO_IMU_WIRE)
void xiao_imu_power_on() {
  pinMode(PIN_LSM6DS3TR_C_POWER, OUTPUT);
#if defined(NRF_P1) && defined(GPIO_PIN_CNF_DRIVE_H0H1)
  // high drive: the pin supplies the IMU (P1.08)
  NRF_P1->PIN_CNF[8] = (GPIO_PIN_CNF_DIR_Output << GPIO_PIN_CNF_DIR_Pos) |
                       (GPIO_PIN_CNF_INPUT_Disconnect << GPIO_PIN_CNF_INPUT_Pos) |
                       (GPIO_PIN_CNF_DRIVE_H0H1 << GPIO_PIN_CNF_DRIVE_Pos);
#endif
  digitalWrite(PIN_LSM6DS3TR_C_POWER, HIGH);
  delay(20);  // supply up and the IMU's boot (datasheet: 15 ms typical)
}
#endif
}  // namespace

const char* board_name() { return g_name; }

tml::Sensor* board_imu_begin() {
#if defined(XIAO_IMU_WIRE)
  xiao_imu_power_on();
  XIAO_IMU_WIRE.begin();
  const uint8_t xiaoAddrs[2] = {0x6A, 0x6B};
  for (uint8_t addr : xiaoAddrs) {
    if (Lsm6ds3::probe(XIAO_IMU_WIRE, addr)) {
      static Lsm6ds3 s(XIAO_IMU_WIRE, addr);
      g_name = "Seeed XIAO nRF52840 Sense";
      s.init();
      return &s;
    }
  }
#endif
#if defined(INTERNAL_WIRE)
  INTERNAL_WIRE.begin();
  if (Lsm9ds1::probe()) {
    static Lsm9ds1 s;
    g_name = "Arduino Nano 33 BLE Sense Rev1";
    s.init();
    return &s;
  }
#endif
#if defined(HAS_BMI270)
  if (IMU.begin()) {
    static LibraryImu s;
    g_name = "Arduino Nano 33 BLE Sense Rev2";
    return &s;
  }
#endif
#if defined(HAS_LSM6DSOX)
  if (IMU.begin()) {
    static LibraryImu s;
    g_name = "Arduino Nano RP2040 Connect";
    return &s;
  }
#endif
  Wire.begin();
  if (Mpu6050::probe(Wire)) {
    static Mpu6050 s(Wire);
    g_name = "Generic board + MPU6050";
    s.init();
    return &s;
  }
  const uint8_t addrs[2] = {0x6A, 0x6B};
  for (uint8_t addr : addrs) {
    if (Lsm6ds3::probe(Wire, addr)) {
      static Lsm6ds3 s(Wire, addr);
      g_name = "Generic board + LSM6DS3";
      s.init();
      return &s;
    }
  }
  return nullptr;
}
