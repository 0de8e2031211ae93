//! What the spec's descriptions say, weighted BM25-style: a request that
//! names the effect it wants ("make it stop working", "sign them out
//! everywhere") finds the operation whose description and parameter
//! descriptions use those words. Common words count little (inverse
//! document frequency over the spec's operations); long descriptions do not
//! win by length (length normalisation).

use std::collections::HashMap;

/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Per operation: `(term, weight)` sorted by term number.
pub fn weights(docs: &[Vec<u32>]) -> Vec<Vec<(u32, f32)>> {
    let n = docs.len().max(1) as f32;
    let mut df: HashMap<u32, f32> = HashMap::new();
    for d in docs {
        let mut seen: Vec<u32> = d.clone();
        seen.sort_unstable();
        seen.dedup();
        for t in seen {
            *df.entry(t).or_default() += 1.0;
        }
    }
    let avg = docs.iter().map(Vec::len).sum::<usize>() as f32 / n;
    docs.iter()
        .map(|d| {
            let mut tf: HashMap<u32, f32> = HashMap::new();
            for t in d {
                *tf.entry(*t).or_default() += 1.0;
            }
            let len = d.len() as f32;
            let mut out: Vec<(u32, f32)> = tf
                .into_iter()
                .map(|(t, f)| {
                    let df = df.get(&t).copied().unwrap_or(1.0);
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    let norm = f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg.max(1.0)));
                    (t, idf * norm)
                })
                .collect();
            out.sort_by_key(|(t, _)| *t);
            out
        })
        .collect()
}

/// The weight of a term in one operation's descriptions.
pub fn weight(of: &[(u32, f32)], term: u32) -> Option<f32> {
    of.binary_search_by_key(&term, |(t, _)| *t)
        .ok()
        .map(|i| of[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_terms_weigh_more_than_common_ones() {
        let docs = vec![vec![1, 2], vec![1, 3], vec![1, 4, 4]];
        let w = weights(&docs);
        assert!(weight(&w[0], 2).unwrap() > weight(&w[0], 1).unwrap());
        assert!(weight(&w[2], 4).unwrap() > weight(&w[1], 3).unwrap());
        assert_eq!(weight(&w[0], 3), None);
    }
}
