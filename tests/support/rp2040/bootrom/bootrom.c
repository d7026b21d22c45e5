/*
 * Test boot ROM for the emulated RP2040 in TinyML Studio's test harness (rp2040js's 16 KB ROM area).
 *
 * What it does, as seen by a pico-sdk image:
 *  - at reset: connects the QSPI pins to the SSI, takes the flash out of continuous-read mode,
 *    reads the first 256 bytes of flash with the serial READ (03h) command into SRAM at
 *    0x20041f00, checks their CRC-32 (MSB-first, polynomial 0x04c11db7, initial value all ones,
 *    no final XOR; the last 4 bytes hold it) and runs them as boot stage 2 with lr = 0;
 *  - a ROM table at 0x10.. with a lookup function and the functions pico-sdk asks for: flash
 *    access through real SPI NOR commands on the SSI (chip select forced through IO_QSPI's
 *    SS output override), memory and bit helpers.
 * Unknown codes look up to 0. Floating point tables are not provided.
 */
#include <stdint.h>
#include <stddef.h>

#define REG(a) (*(volatile uint32_t *)(a))

/* SSI (XIP_SSI_BASE) */
#define SSI_BASE 0x18000000u
#define SSI_CTRLR0 REG(SSI_BASE + 0x00)
#define SSI_CTRLR1 REG(SSI_BASE + 0x04)
#define SSI_SSIENR REG(SSI_BASE + 0x08)
#define SSI_SER REG(SSI_BASE + 0x10)
#define SSI_BAUDR REG(SSI_BASE + 0x14)
#define SSI_SR REG(SSI_BASE + 0x28)
#define SSI_DR0 REG(SSI_BASE + 0x60)
#define SSI_SPI_CTRLR0 REG(SSI_BASE + 0xf4)
#define SSI_SR_TFNF 0x2u
#define SSI_SR_RFNE 0x8u

/* IO_QSPI: GPIO_QSPI_<pin>_CTRL at 0x04 + 8 * pin (SCLK, SS, SD0..SD3) */
#define IO_QSPI_BASE 0x40018000u
#define QSPI_CTRL(pin) REG(IO_QSPI_BASE + 0x04 + 8u * (pin))
#define QSPI_SS 1u
#define OUTOVER_SHIFT 8u
#define OUTOVER_MASK (3u << OUTOVER_SHIFT)
#define OUTOVER_NORMAL 0u
#define OUTOVER_LOW 2u
#define OUTOVER_HIGH 3u

/* PADS_QSPI */
#define PADS_QSPI_BASE 0x40020000u

/* XIP_CTRL */
#define XIP_CTRL_BASE 0x14000000u
#define XIP_FLUSH REG(XIP_CTRL_BASE + 0x04)
#define XIP_STAT REG(XIP_CTRL_BASE + 0x08)

#define SIO_CPUID REG(0xd0000000u)

#define FLASH_PAGE 256u
#define FLASH_SECTOR 4096u

#define CMD_PAGE_PROGRAM 0x02
#define CMD_READ 0x03
#define CMD_READ_STATUS 0x05
#define CMD_WRITE_ENABLE 0x06
#define CMD_SECTOR_ERASE 0x20

#define STAGE2_ADDR 0x20041f00u
#define STAGE2_SIZE 256u

void rom_enter_stage2(uint32_t entry) __attribute__((noreturn));
void rom_park(void) __attribute__((noreturn));

/* ---- chip select and byte transfer ---- */

static void cs_override(uint32_t v) {
  uint32_t c = QSPI_CTRL(QSPI_SS);
  QSPI_CTRL(QSPI_SS) = (c & ~OUTOVER_MASK) | (v << OUTOVER_SHIFT);
}

static uint8_t xfer(uint8_t out) {
  while (!(SSI_SR & SSI_SR_TFNF)) {
  }
  SSI_DR0 = out;
  while (!(SSI_SR & SSI_SR_RFNE)) {
  }
  return (uint8_t)SSI_DR0;
}

static void send_addr(uint8_t cmd, uint32_t addr) {
  xfer(cmd);
  xfer((uint8_t)(addr >> 16));
  xfer((uint8_t)(addr >> 8));
  xfer((uint8_t)addr);
}

static void simple_cmd(uint8_t cmd) {
  cs_override(OUTOVER_LOW);
  xfer(cmd);
  cs_override(OUTOVER_HIGH);
}

static void wait_not_busy(void) {
  uint8_t sr;
  do {
    cs_override(OUTOVER_LOW);
    xfer(CMD_READ_STATUS);
    sr = xfer(0);
    cs_override(OUTOVER_HIGH);
  } while (sr & 1u);
}

/* ---- flash functions (ROM codes IF, EX, RE, RP, FC, CX) ---- */

/* 'IF': QSPI pins to the SSI (function 0), pads as after reset. */
void rom_connect_internal_flash(void) {
  for (uint32_t pin = 0; pin < 6; pin++) QSPI_CTRL(pin) = 0;
  /* SCLK, SS, SD0..3 pad control registers: input enabled, 4 mA drive, schmitt. */
  for (uint32_t i = 0; i < 6; i++) REG(PADS_QSPI_BASE + 4 + 4 * i) = 0x56u;
  cs_override(OUTOVER_HIGH);
}

/* 'EX': SSI to plain serial mode (8-bit frames, transmit and receive), flash out of any
 * continuous-read mode (mode bits cleared by clocking ones), chip select left deasserted. */
void rom_flash_exit_xip(void) {
  SSI_SSIENR = 0;
  SSI_BAUDR = 6;
  SSI_CTRLR0 = 7u << 16; /* DFS_32 = 8 bits, TMOD = 0, SPI_FRF = 0 */
  SSI_CTRLR1 = 0;
  SSI_SPI_CTRLR0 = 0;
  SSI_SER = 1;
  SSI_SSIENR = 1;
  /* A flash in continuous read sees 0xff as mode bits != 0b10 and leaves that mode. */
  cs_override(OUTOVER_LOW);
  for (int i = 0; i < 4; i++) xfer(0xff);
  cs_override(OUTOVER_HIGH);
  cs_override(OUTOVER_LOW);
  xfer(0xff);
  xfer(0xff);
  cs_override(OUTOVER_HIGH);
}

/* 'RE': erase `count` bytes from flash offset `addr` (both sector aligned); where a whole
 * `block_size` block is aligned and covered, `block_cmd` erases it in one go. */
void rom_flash_range_erase(uint32_t addr, size_t count, uint32_t block_size, uint8_t block_cmd) {
  uint32_t end = addr + (uint32_t)count;
  addr &= ~(FLASH_SECTOR - 1u);
  while (addr < end) {
    uint8_t cmd = CMD_SECTOR_ERASE;
    uint32_t step = FLASH_SECTOR;
    if (block_size > FLASH_SECTOR && block_cmd && (addr & (block_size - 1u)) == 0 && end - addr >= block_size) {
      cmd = block_cmd;
      step = block_size;
    }
    simple_cmd(CMD_WRITE_ENABLE);
    cs_override(OUTOVER_LOW);
    send_addr(cmd, addr);
    cs_override(OUTOVER_HIGH);
    wait_not_busy();
    addr += step;
  }
}

/* 'RP': program `count` bytes at flash offset `addr`, one page program per 256-byte page. */
void rom_flash_range_program(uint32_t addr, const uint8_t *data, size_t count) {
  while (count > 0) {
    uint32_t room = FLASH_PAGE - (addr & (FLASH_PAGE - 1u));
    uint32_t n = count < room ? (uint32_t)count : room;
    simple_cmd(CMD_WRITE_ENABLE);
    cs_override(OUTOVER_LOW);
    send_addr(CMD_PAGE_PROGRAM, addr);
    for (uint32_t i = 0; i < n; i++) xfer(data[i]);
    cs_override(OUTOVER_HIGH);
    wait_not_busy();
    addr += n;
    data += n;
    count -= n;
  }
}

/* 'FC': flush the XIP cache and give chip select back to the SSI. */
void rom_flash_flush_cache(void) {
  XIP_FLUSH = 1;
  (void)XIP_FLUSH;
  cs_override(OUTOVER_NORMAL);
}

/* 'CX': XIP with the serial READ command (slow but works with any NOR flash). */
void rom_flash_enter_cmd_xip(void) {
  SSI_SSIENR = 0;
  SSI_CTRLR0 = (3u << 8) | (31u << 16);                  /* EEPROM read, 32-bit frames */
  SSI_SPI_CTRLR0 = ((uint32_t)CMD_READ << 24) | (2u << 8) | (6u << 2); /* cmd 03, 8-bit inst, 24-bit addr */
  SSI_CTRLR1 = 0;
  SSI_SSIENR = 1;
  cs_override(OUTOVER_NORMAL);
}

/* ---- memory and bit helpers (MS, MC, S4, M4, P3, L3, T3, R3) ---- */

void *rom_memset(void *ptr, int c, uint32_t n) {
  uint8_t *p = ptr;
  uint8_t v = (uint8_t)c;
  while (n && ((uintptr_t)p & 3u)) {
    *p++ = v;
    n--;
  }
  uint32_t w = v * 0x01010101u;
  while (n >= 16) {
    uint32_t *q = (uint32_t *)p;
    q[0] = w; q[1] = w; q[2] = w; q[3] = w;
    p += 16;
    n -= 16;
  }
  while (n >= 4) {
    *(uint32_t *)p = w;
    p += 4;
    n -= 4;
  }
  while (n--) *p++ = v;
  return ptr;
}

void *rom_memset4(uint32_t *ptr, int c, uint32_t n) {
  return rom_memset(ptr, c, n);
}

void *rom_memcpy(void *dest, const void *src, uint32_t n) {
  uint8_t *d = dest;
  const uint8_t *s = src;
  if ((((uintptr_t)d ^ (uintptr_t)s) & 3u) == 0) {
    while (n && ((uintptr_t)d & 3u)) {
      *d++ = *s++;
      n--;
    }
    while (n >= 16) {
      uint32_t *dw = (uint32_t *)d;
      const uint32_t *sw = (const uint32_t *)s;
      uint32_t a = sw[0], b = sw[1], e = sw[2], f = sw[3];
      dw[0] = a; dw[1] = b; dw[2] = e; dw[3] = f;
      d += 16;
      s += 16;
      n -= 16;
    }
    while (n >= 4) {
      *(uint32_t *)d = *(const uint32_t *)s;
      d += 4;
      s += 4;
      n -= 4;
    }
  }
  while (n--) *d++ = *s++;
  return dest;
}

void *rom_memcpy44(uint32_t *dest, const uint32_t *src, uint32_t n) {
  return rom_memcpy(dest, src, n);
}

uint32_t rom_popcount32(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  return (x * 0x01010101u) >> 24;
}

uint32_t rom_clz32(uint32_t x) {
  if (!x) return 32;
  uint32_t n = 0;
  if (!(x & 0xffff0000u)) { n += 16; x <<= 16; }
  if (!(x & 0xff000000u)) { n += 8; x <<= 8; }
  if (!(x & 0xf0000000u)) { n += 4; x <<= 4; }
  if (!(x & 0xc0000000u)) { n += 2; x <<= 2; }
  if (!(x & 0x80000000u)) { n += 1; }
  return n;
}

uint32_t rom_ctz32(uint32_t x) {
  if (!x) return 32;
  uint32_t n = 0;
  if (!(x & 0xffffu)) { n += 16; x >>= 16; }
  if (!(x & 0xffu)) { n += 8; x >>= 8; }
  if (!(x & 0xfu)) { n += 4; x >>= 4; }
  if (!(x & 0x3u)) { n += 2; x >>= 2; }
  if (!(x & 0x1u)) { n += 1; }
  return n;
}

uint32_t rom_reverse32(uint32_t x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
  return (x >> 16) | (x << 16);
}

/* 'UB' reset to USB boot: there is no USB mass-storage boot in this ROM; park the core with a
 * breakpoint the harness reports. */
void rom_reset_usb_boot(uint32_t gpio_mask, uint32_t disable_mask) {
  (void)gpio_mask;
  (void)disable_mask;
  rom_park();
}

/* ---- tables and lookup ---- */

#define CODE(a, b) ((uint32_t)(a) | ((uint32_t)(b) << 8))

struct rom_entry {
  uint32_t code;
  const void *ptr;
};

const struct rom_entry rom_func_table[] = {
    {CODE('I', 'F'), (const void *)rom_connect_internal_flash},
    {CODE('E', 'X'), (const void *)rom_flash_exit_xip},
    {CODE('R', 'E'), (const void *)rom_flash_range_erase},
    {CODE('R', 'P'), (const void *)rom_flash_range_program},
    {CODE('F', 'C'), (const void *)rom_flash_flush_cache},
    {CODE('C', 'X'), (const void *)rom_flash_enter_cmd_xip},
    {CODE('M', 'S'), (const void *)rom_memset},
    {CODE('S', '4'), (const void *)rom_memset4},
    {CODE('M', 'C'), (const void *)rom_memcpy},
    {CODE('M', '4'), (const void *)rom_memcpy44},
    {CODE('P', '3'), (const void *)rom_popcount32},
    {CODE('L', '3'), (const void *)rom_clz32},
    {CODE('T', '3'), (const void *)rom_ctz32},
    {CODE('R', '3'), (const void *)rom_reverse32},
    {CODE('U', 'B'), (const void *)rom_reset_usb_boot},
    {CODE('W', 'V'), (const void *)rom_park},
    {0, 0},
};

static const char rom_copyright[] = "TinyML Studio test boot ROM for rp2040js";

const struct rom_entry rom_data_table[] = {
    {CODE('C', 'R'), rom_copyright},
    {0, 0},
};

/* pico-sdk calls this with the table pointer read from 0x14/0x16 and a two-character code. */
void *rom_table_lookup(const struct rom_entry *table, uint32_t code) {
  for (; table->code; table++)
    if (table->code == code) return (void *)table->ptr;
  return 0;
}

/* ---- boot ---- */

static uint32_t crc32_msb(const uint8_t *p, uint32_t n) {
  uint32_t crc = 0xffffffffu;
  while (n--) {
    crc ^= (uint32_t)(*p++) << 24;
    for (int k = 0; k < 8; k++) crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u : crc << 1;
  }
  return crc;
}

void rom_reset(void) __attribute__((noreturn));
void rom_reset(void) {
  if (SIO_CPUID != 0) rom_park();
  rom_connect_internal_flash();
  rom_flash_exit_xip();
  uint8_t *stage2 = (uint8_t *)STAGE2_ADDR;
  cs_override(OUTOVER_LOW);
  send_addr(CMD_READ, 0);
  for (uint32_t i = 0; i < STAGE2_SIZE; i++) stage2[i] = xfer(0);
  cs_override(OUTOVER_HIGH);
  uint32_t want = (uint32_t)stage2[252] | ((uint32_t)stage2[253] << 8) | ((uint32_t)stage2[254] << 16) |
                  ((uint32_t)stage2[255] << 24);
  if (crc32_msb(stage2, 252) != want) rom_park(); /* no valid image: the real ROM would offer USB boot */
  cs_override(OUTOVER_NORMAL);
  rom_enter_stage2(STAGE2_ADDR | 1u);
}
