#pragma once
// A test binary that links counting_allocator.cpp replaces global operator new (and, outside
// sanitizer builds, malloc/calloc/realloc) with versions that count calls while counting is on.
// Used to prove the runtime allocates nothing on the heap.

namespace tinyscope::runner::test {

// True when malloc itself is counted (false under ASan, which owns malloc).
bool countsMalloc();
void startCountingAllocations();
// Stops counting and returns the allocations seen since start (and resets the count).
long stopCountingAllocations();

}  // namespace tinyscope::runner::test
