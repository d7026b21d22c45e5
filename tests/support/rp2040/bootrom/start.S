/*
 * Test boot ROM for the emulated RP2040 (rp2040js): vector table and ROM header.
 * Written for the TinyML Studio test harness; not Raspberry Pi's boot ROM.
 *
 * 0x00 initial stack pointer, 0x04 reset vector, 0x08 NMI, 0x0c HardFault,
 * 0x10 'M' 'u' 0x01 version, 0x14 function table, 0x16 data table, 0x18 lookup function
 * (16-bit pointers, as pico-sdk's rom_hword_as_ptr reads them).
 */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .section .vectors, "ax"
    .global __vectors
__vectors:
    .word 0x20041f00
    .word rom_reset + 1
    .word rom_fault + 1
    .word rom_fault + 1
    .byte 'M', 'u', 0x01, 0x03
    .hword rom_func_table
    .hword rom_data_table
    /* R_ARM_ABS16 does not set the Thumb bit: add it here. */
    .hword rom_table_lookup + 1
    .hword 0

    .section .text.rom_start, "ax"
    .thumb_func
    .global rom_fault
rom_fault:
    bkpt #0xfe
    b rom_fault

/* Enter boot stage 2 in SRAM: sp just below stage 2's 256 bytes (it pushes, and its literal pool
 * sits at its end), lr = 0 (stage 2 then vectors into flash at 0x10000100 instead of returning).
 * r0 = entry address (Thumb bit set). */
    .thumb_func
    .global rom_enter_stage2
rom_enter_stage2:
    ldr r1, =0x20041f00
    mov sp, r1
    movs r1, #0
    mov lr, r1
    bx r0

/* Parks the core (no second core in this emulator; 'WV' and USB boot end here). */
    .thumb_func
    .global rom_park
rom_park:
    bkpt #0xb0
1:  wfe
    b 1b
