//! Grouping quality on a small synthetic consultation, and agreement between
//! batch grouping and one-by-one incremental assignment on the same texts.

use std::collections::HashMap;

use crate::analysis::campaigns::{MemoryStore, group};
use crate::dev::synthetic_campaigns::{Config, Truth, generate};

/// (shared pairs, pairs in `a`, pairs in `b`) of two partitions.
fn pair_counts(a: &[Option<usize>], b: &[Option<usize>]) -> (u64, u64, u64) {
    let mut sizes: [HashMap<(usize, usize), u64>; 3] = Default::default();
    for (x, y) in a.iter().zip(b) {
        if let Some(x) = x {
            *sizes[0].entry((*x, 0)).or_default() += 1;
        }
        if let Some(y) = y {
            *sizes[1].entry((*y, 0)).or_default() += 1;
        }
        if let (Some(x), Some(y)) = (x, y) {
            *sizes[2].entry((*x, *y)).or_default() += 1;
        }
    }
    let pairs = |m: &HashMap<(usize, usize), u64>| m.values().map(|n| n * (n - 1) / 2).sum::<u64>();
    (pairs(&sizes[2]), pairs(&sizes[0]), pairs(&sizes[1]))
}

#[test]
fn synthetic_consultation_meets_quality_targets_both_ways() {
    let data = generate(Config {
        submissions: 2_000,
        seed: 2024,
    });
    let input: Vec<(usize, &str)> = data
        .iter()
        .enumerate()
        .map(|(i, (text, _))| (i, text))
        .collect();
    let truth: Vec<Option<usize>> = data
        .iter()
        .map(|(_, truth)| match truth {
            Truth::Copy { campaign, .. } => Some(campaign as usize),
            _ => None,
        })
        .collect();

    let batch: Vec<Option<usize>> = group(&input).texts.iter().map(|t| t.campaign).collect();
    let (shared, in_truth, in_batch) = pair_counts(&truth, &batch);
    let precision = shared as f64 / in_batch as f64;
    let recall = shared as f64 / in_truth as f64;
    assert!(
        precision >= 0.99 && recall >= 0.95,
        "precision {precision} recall {recall}"
    );
    for ((text, truth), b) in data.iter().zip(&batch) {
        if truth == Truth::Short {
            assert_eq!(*b, None, "short text in a campaign: {text}");
        }
    }

    let mut store = MemoryStore::new();
    for &(i, text) in &input {
        store.add(i, text);
    }
    let mut incremental = vec![None; input.len()];
    for (id, campaign) in store.assignments() {
        incremental[id] = campaign;
    }
    let (shared, in_batch, in_incremental) = pair_counts(&batch, &incremental);
    let agreement = shared as f64 / in_batch.max(in_incremental) as f64;
    assert!(
        agreement >= 0.99,
        "batch and incremental pairs agree at {agreement}"
    );
}
