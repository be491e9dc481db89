//! Heap allocations per decoded command on the benchmark corpus (issue goal: at most one).
//!
//! A counting global allocator sees every allocation in this test binary, which holds this
//! one test only so nothing else runs beside it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::BytesMut;
use esmtp::CommandDecoder;

#[path = "../benches/corpus/commands.rs"]
mod corpus;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn at_most_one_allocation_per_command() {
    let input = corpus::stream();
    let mut decoder = CommandDecoder::default();
    let mut buf = BytesMut::with_capacity(input.len());
    let mut commands = Vec::with_capacity(corpus::LINES.len());
    // Several rounds, as a server sees several sessions; the first may set up the buffer.
    let rounds = 10;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..rounds {
        buf.extend_from_slice(&input);
        while let Some(cmd) = decoder.decode(&mut buf).expect("corpus is valid") {
            commands.push(cmd);
        }
        assert_eq!(commands.len(), corpus::LINES.len());
        commands.clear();
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    let decoded = rounds * corpus::LINES.len();
    eprintln!("{allocations} allocations for {decoded} commands");
    assert!(allocations <= decoded, "{allocations} allocations for {decoded} commands");
    // In fact parsing allocates nothing; what is left is the buffer growing per read.
    assert!(allocations <= 2 * rounds, "{allocations} allocations for {rounds} reads");
}
