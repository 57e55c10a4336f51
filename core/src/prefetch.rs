//! Hints to the processor to fetch memory that a loop will read a few
//! steps later. Pairs of records come sorted by their first record, so
//! their second ones lie anywhere in memory; asking for them some pairs
//! ahead hides the wait (compare and score do).
//!
//! Written by hand: the standard library's one way is an architecture
//! intrinsic, and this is the one place that calls it.

/// Bytes in a cache line (x86-64 and most ARM cores).
pub(crate) const CACHE_LINE: usize = 64;

/// A hint to fetch the cache line holding `p` (no effect elsewhere than on
/// x86-64). Never faults and changes nothing the program can see.
#[inline]
pub(crate) fn line<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it reads nothing into the program and
    // never faults, whatever the address. SSE is part of x86-64.
    #[allow(unsafe_code)]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
