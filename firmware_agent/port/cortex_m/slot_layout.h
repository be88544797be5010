// Where each Cortex-M4 board keeps its model slots: the C++ statement of the slot part of
// ld/<board>.ld (whose ASSERTs pin the same numbers), for host tools that preload a model into a
// slot before the board boots: the qemu: launcher (app/core/device/launchers) and
// `tinyscope-cli slot-image`, which scripts/qemu_run.sh calls. The slot contents are hal.h's
// (makeSlotHeader + the payload).
//
// Header only, freestanding, constant data: any thread, no memory of its own.
#pragma once

#include <stdint.h>
#include <string.h>

namespace tinyscope::agent::cortex_m {

struct BoardSlotLayout {
  const char* board;  // the QEMU machine name of the board
  uint32_t slotBase;  // address of slot 0
  uint32_t slotSize;  // bytes per slot, header included; slot n starts at slotBase + n * slotSize
  uint32_t slotCount;
};

constexpr BoardSlotLayout kBoardSlotLayouts[] = {
    {"mps2-an386", 0x21000000u, 4u << 20, 2},       // ld/mps2_an386.ld: PSRAM, RAM-backed
    {"netduinoplus2", 0x08040000u, 384u << 10, 2},  // ld/netduinoplus2.ld: flash sectors 6-11
};

// An audio clip a host preloads before boot (the qemu: launcher's wav=, -device loader): the
// board's audio sensor hears it once from StartStream, then silence. Little-endian header of
// kAudioClipHeaderBytes: magic "TSAU", sample rate (Hz), sample count, 0; then int16 mono
// samples. Only boards listed here have the sensor (mps2-an386: PSRAM above the slots and their
// journal).
constexpr uint32_t kAudioClipMagic = 0x55415354u;  // "TSAU"
constexpr uint32_t kAudioClipHeaderBytes = 16;
struct BoardAudioClip {
  const char* board;
  uint32_t address;
  uint32_t maxBytes;  // header included
};
constexpr BoardAudioClip kBoardAudioClips[] = {
    {"mps2-an386", 0x21900000u, 7u << 20},  // ld/mps2_an386.ld: PSRAM above the slot journal
};
inline const BoardAudioClip* findBoardAudioClip(const char* board) {
  for (const BoardAudioClip& c : kBoardAudioClips)
    if (strcmp(c.board, board) == 0) return &c;
  return nullptr;
}

// The layout of `board`, or nullptr for a board the port does not have.
inline const BoardSlotLayout* findBoardSlotLayout(const char* board) {
  for (const BoardSlotLayout& l : kBoardSlotLayouts)
    if (strcmp(l.board, board) == 0) return &l;
  return nullptr;
}

}  // namespace tinyscope::agent::cortex_m
