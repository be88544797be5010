# Warnings are errors in tinyscope's own code (third-party headers are included as SYSTEM).
function(tinyscope_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Werror)
endfunction()

# Flags every freestanding target carries on every compiler, so the host build catches
# what the MCU build would reject.
function(tinyscope_freestanding target)
  tinyscope_warnings(${target})
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-exceptions -fno-rtti>)
endfunction()
