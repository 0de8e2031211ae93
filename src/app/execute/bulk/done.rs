//! The targets a journal holds as done, for `--resume`: a sorted list of
//! 64-bit digests, 8 bytes a target however long its ID (a set of the IDs
//! themselves took about 80), looked up by binary search.

use std::hash::{DefaultHasher, Hash, Hasher};

/// Done targets. Digests are of this process's hasher; the set is built
/// and read in one run, never stored.
#[derive(Debug, Default)]
pub struct Done(Vec<u64>);

impl Done {
    pub fn new(targets: impl Iterator<Item = String>) -> Done {
        let mut digests: Vec<u64> = targets.map(|t| digest(&t)).collect();
        digests.sort_unstable();
        digests.dedup();
        digests.shrink_to_fit();
        Done(digests)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `target` is done. Two IDs share a digest with odds of about
    /// n²/2⁶⁵ (under 10⁻⁹ for a million targets).
    pub fn contains(&self, target: &str) -> bool {
        self.0.binary_search(&digest(target)).is_ok()
    }
}

fn digest(target: &str) -> u64 {
    let mut h = DefaultHasher::new();
    target.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::Done;

    #[test]
    fn holds_exactly_the_targets_it_was_given() {
        let done = Done::new((0..1000).map(|i| format!("user_{i}")));
        assert!((0..1000).all(|i| done.contains(&format!("user_{i}"))));
        assert!(!(1000..3000).any(|i| done.contains(&format!("user_{i}"))));
        assert!(Done::default().is_empty() && !done.is_empty());
    }
}
