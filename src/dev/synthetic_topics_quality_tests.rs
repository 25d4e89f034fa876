//! The engine recovers the themes of a small synthetic consultation.

use crate::analysis::topics::{Document, Options, compute_topics};
use crate::dev::synthetic_topics::{generate, homogeneity_completeness};

#[test]
fn synthetic_themes_are_recovered() {
    let generated = generate(800, 3);
    let docs: Vec<Document<'_>> = generated
        .iter()
        .map(|d| Document {
            id: d.id,
            text: &d.text,
            weight: d.weight,
        })
        .collect();
    let map = compute_topics(&docs, &Options::default(), &mut |_, _| true)
        .unwrap_or_else(|_| panic!("not cancelled"));
    let mut predicted = vec![usize::MAX; generated.len()];
    for (id, topic) in map.primary_assignments() {
        predicted[id as usize - 1] = topic;
    }
    let truth: Vec<usize> = generated.iter().map(|d| d.theme).collect();
    let (homogeneity, completeness) = homogeneity_completeness(&truth, &predicted);
    assert!(
        homogeneity > 0.7 && completeness > 0.55,
        "h={homogeneity} c={completeness}"
    );
}

#[test]
fn the_same_seed_gives_the_same_topics_in_any_input_order() {
    let generated = generate(600, 11);
    let docs: Vec<Document<'_>> = generated
        .iter()
        .map(|d| Document {
            id: d.id,
            text: &d.text,
            weight: d.weight,
        })
        .collect();
    let mut shuffled = docs.clone();
    shuffled.reverse();
    shuffled.rotate_left(17);
    let options = Options {
        seed: 99,
        ..Options::default()
    };
    let first = compute_topics(&docs, &options, &mut |_, _| true);
    let second = compute_topics(&shuffled, &options, &mut |_, _| true);
    assert!(first.is_ok());
    assert_eq!(first, second);
}
