// Arduino API shim for the pico-sdk build (see Arduino.h).
#include "Arduino.h"

#include "hardware/gpio.h"
#include "hardware/i2c.h"
#include "pico/stdio/driver.h"
#include "pico/stdio_usb.h"

unsigned long micros() { return (unsigned long)time_us_32(); }
unsigned long millis() { return (unsigned long)(time_us_64() / 1000u); }
void delay(unsigned long ms) { sleep_ms(ms); }
void delayMicroseconds(unsigned int us) { sleep_us(us); }

// ---- Serial: pico_stdio_usb's CDC driver used directly (raw bytes, no stdio translation) ----
UsbSerial Serial;
namespace {
uint8_t g_rx[512];
unsigned g_rxHead = 0, g_rxTail = 0;  // ring buffer: head = next write, tail = next read
bool g_usbUp = false;

void pull() {
  unsigned used = (g_rxHead - g_rxTail) % sizeof(g_rx);
  unsigned space = sizeof(g_rx) - 1 - used;
  while (space > 0) {
    char tmp[64];
    int want = space < sizeof(tmp) ? (int)space : (int)sizeof(tmp);
    int got = stdio_usb.in_chars(tmp, want);
    if (got <= 0) break;
    for (int i = 0; i < got; i++) {
      g_rx[g_rxHead] = (uint8_t)tmp[i];
      g_rxHead = (g_rxHead + 1) % sizeof(g_rx);
    }
    space -= (unsigned)got;
  }
}
}  // namespace

void UsbSerial::begin(unsigned long) {
  if (!g_usbUp) g_usbUp = stdio_usb_init();
}
size_t UsbSerial::write(const uint8_t* data, size_t n) {
  if (!g_usbUp || n == 0) return 0;
  stdio_usb.out_chars((const char*)data, (int)n);
  return n;
}
int UsbSerial::available() {
  if (!g_usbUp) return 0;
  pull();
  return (int)((g_rxHead - g_rxTail) % sizeof(g_rx));
}
int UsbSerial::read() {
  if (available() <= 0) return -1;
  uint8_t b = g_rx[g_rxTail];
  g_rxTail = (g_rxTail + 1) % sizeof(g_rx);
  return b;
}
size_t UsbSerial::readBytes(uint8_t* buf, size_t n) {
  size_t k = 0;
  while (k < n && available() > 0) {
    buf[k++] = g_rx[g_rxTail];
    g_rxTail = (g_rxTail + 1) % sizeof(g_rx);
  }
  return k;
}

// ---- Wire: I2C0 on GP4 (SDA) / GP5 (SCL) ----
TwoWire Wire(0, 4, 5);
namespace {
const uint32_t I2C_TIMEOUT_US = 5000;
i2c_inst_t* bus(int n) { return n == 0 ? i2c0 : i2c1; }
}  // namespace

void TwoWire::begin() {
  if (begun_) return;
  i2c_init(bus(bus_), clock_);
  gpio_set_function(sda_, GPIO_FUNC_I2C);
  gpio_set_function(scl_, GPIO_FUNC_I2C);
  gpio_pull_up(sda_);
  gpio_pull_up(scl_);
  begun_ = true;
}
void TwoWire::beginTransmission(uint8_t addr) {
  addr_ = addr;
  txLen_ = 0;
  txOverflow_ = false;
}
size_t TwoWire::write(uint8_t b) {
  if (txLen_ >= sizeof(tx_)) {
    txOverflow_ = true;
    return 0;
  }
  tx_[txLen_++] = b;
  return 1;
}
uint8_t TwoWire::endTransmission(bool sendStop) {
  if (!begun_) return 4;
  if (txOverflow_) return 1;
  if (txLen_ == 0) {  // address probe: a one-byte read
    uint8_t dummy;
    int r = i2c_read_timeout_us(bus(bus_), addr_, &dummy, 1, false, I2C_TIMEOUT_US);
    return r == 1 ? 0 : 2;
  }
  int r = i2c_write_timeout_us(bus(bus_), addr_, tx_, txLen_, !sendStop, I2C_TIMEOUT_US);
  pendingNoStop_ = !sendStop && r == (int)txLen_;
  if (r == (int)txLen_) return 0;
  return r == PICO_ERROR_GENERIC ? 2 : 4;
}
uint8_t TwoWire::requestFrom(uint8_t addr, uint8_t n, bool sendStop) {
  rxLen_ = rxPos_ = 0;
  pendingNoStop_ = false;
  if (!begun_ || n == 0) return 0;
  if (n > sizeof(rx_)) n = sizeof(rx_);
  int r = i2c_read_timeout_us(bus(bus_), addr, rx_, n, !sendStop, I2C_TIMEOUT_US);
  if (r != n) return 0;
  rxLen_ = n;
  return n;
}
