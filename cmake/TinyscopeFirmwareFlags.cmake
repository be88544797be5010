# How the cross build (preset cortex-m4, and the host build's nested firmware-arm build) compiles
# and links the Cortex-M4 images for size. Included by the root CMakeLists before any target
# exists, so every freestanding library and every image gets the same flags; the toolchain file
# (cmake/toolchain-arm-none-eabi.cmake) holds the CPU flags, -ffunction-sections/-fdata-sections,
# -Os, nano.specs and --gc-sections.
#
#   -flto   whole-image optimization: the linker sees the agent core, the protocol and the port
#           as one program, so calls across libraries inline and functions one image uses only
#           once fold into their caller (CMake's IPO: -flto=auto -fno-fat-lto-objects, archives
#           through arm-none-eabi-gcc-ar). The runtime and its kernels stay out of it for speed
#           (firmware_agent/port/cortex_m/CMakeLists.txt). Functions only asm refers to need
#           __attribute__((used)) (startup.cpp).
#   -g      line tables, so bench/firmware_size_breakdown.py can charge the image's code to its
#           source files; debug sections are not loaded and the code is the same with or without
#           it (the .bin is byte-identical). Also at link time: -flto generates the code there.
#
# -fno-unwind-tables/-fno-asynchronous-unwind-tables change nothing here (the 8-byte .ARM.exidx
# comes from libgcc), so they are not used. TINYSCOPE_FIRMWARE_LTO=OFF builds without -flto.
if(NOT CMAKE_CROSSCOMPILING)
  return()
endif()

option(TINYSCOPE_FIRMWARE_LTO "Link-time optimization for the Cortex-M4 images (-flto)" ON)
if(TINYSCOPE_FIRMWARE_LTO)
  include(CheckIPOSupported)
  check_ipo_supported(RESULT _tinyscope_lto OUTPUT _tinyscope_lto_error LANGUAGES C CXX)
  if(NOT _tinyscope_lto)
    message(FATAL_ERROR "tinyscope: -flto does not work with ${CMAKE_CXX_COMPILER} "
                        "(${_tinyscope_lto_error}); configure with -DTINYSCOPE_FIRMWARE_LTO=OFF")
  endif()
  set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
endif()

add_compile_options(-g)
add_link_options(-g)
