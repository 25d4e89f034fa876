//! Quality and speed report of the topic engine on synthetic consultations.
//!
//! `cargo bench --bench topics` runs 1,000, 10,000 and 100,000 texts; set
//! `TOPICS_BENCH_SIZES=1000,5000` to choose other sizes. Reports homogeneity and
//! completeness against the known themes, time, peak memory (VmHWM), the labels at the
//! middle size, and, at the first size, summaries, minority views, section suggestions
//! and topic matching across a recomputation.

use std::time::Instant;

use ideabox::analysis::topics::{
    DEFAULT_MINORITY_SHARE, Document, Options, Reason, SectionIndex, SectionRef, TopicMap,
    compute_topics, match_topics, minority_views, summarise,
};
use ideabox::dev::synthetic_topics::{
    SyntheticDoc, THEMES, generate, homogeneity_completeness, section_key, sections,
};

const SEED: u64 = 2024;

/// Peak resident memory of this process in MiB, from /proc/self/status.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn documents(generated: &[SyntheticDoc]) -> Vec<Document<'_>> {
    generated
        .iter()
        .map(|d| Document {
            id: d.id,
            text: &d.text,
            weight: d.weight,
        })
        .collect()
}

/// Primary topic per text (unassigned texts form one extra group).
fn predicted(map: &TopicMap, generated: &[SyntheticDoc]) -> Vec<usize> {
    let mut groups = vec![map.topics.len(); generated.len()];
    for (id, topic) in map.primary_assignments() {
        groups[id as usize - 1] = topic;
    }
    groups
}

/// Main theme of each topic (by primary members).
fn main_themes(map: &TopicMap, generated: &[SyntheticDoc]) -> Vec<usize> {
    map.topics
        .iter()
        .map(|topic| {
            let mut counts = vec![0usize; THEMES.len()];
            for id in topic.primary_members() {
                counts[generated[id as usize - 1].theme] += 1;
            }
            (0..THEMES.len()).max_by_key(|&t| counts[t]).unwrap_or(0)
        })
        .collect()
}

/// Secondary memberships, how many land in a topic of the text's second theme, how many
/// two-theme texts there are, and how many of those have such a membership.
fn secondary_quality(map: &TopicMap, generated: &[SyntheticDoc]) -> (usize, usize, usize, usize) {
    let themes = main_themes(map, generated);
    let mut found = vec![false; generated.len()];
    let (mut secondary, mut right) = (0, 0);
    for (t, topic) in map.topics.iter().enumerate() {
        for member in topic.members.iter().filter(|m| !m.primary) {
            secondary += 1;
            let doc = &generated[member.doc_id as usize - 1];
            if doc.secondary_theme == Some(themes[t]) {
                right += 1;
                found[member.doc_id as usize - 1] = true;
            }
        }
    }
    let mixed = generated
        .iter()
        .filter(|d| d.secondary_theme.is_some())
        .count();
    (
        secondary,
        right,
        mixed,
        found.iter().filter(|&&f| f).count(),
    )
}

fn print_labels(map: &TopicMap, generated: &[SyntheticDoc]) {
    println!("  topics (label | texts | submissions | main theme, its share of the topic):");
    for topic in &map.topics {
        let mut counts = vec![0usize; THEMES.len()];
        for id in topic.primary_members() {
            counts[generated[id as usize - 1].theme] += 1;
        }
        let (theme, count) = counts
            .iter()
            .enumerate()
            .max_by_key(|&(_, c)| *c)
            .unwrap_or((0, &0));
        println!(
            "    {} | {} | {} | {} {:.0}%",
            topic.label,
            topic.distinct_texts,
            topic.size_submissions,
            THEMES[theme].name,
            100.0 * *count as f64 / topic.distinct_texts.max(1) as f64
        );
    }
}

fn report_extras(map: &TopicMap, generated: &[SyntheticDoc]) {
    let docs = documents(generated);
    // Summary of the largest topic.
    if let Some(topic) = map.topics.first() {
        let members: Vec<Document<'_>> = topic
            .primary_members()
            .map(|id| docs[id as usize - 1])
            .collect();
        let start = Instant::now();
        let summary = summarise(&members, 3);
        println!(
            "  summary of 「{}」 ({} texts, {:.0} ms): main sentences cover {} of {} submissions ({:.0}%), {} minority sentences",
            topic.label,
            members.len(),
            start.elapsed().as_secs_f64() * 1e3,
            summary.covered_weight,
            summary.total_weight,
            100.0 * summary.covered_share(),
            summary.minority.len()
        );
        for s in summary.sentences.iter().take(3) {
            println!(
                "    「{}」 cites {} texts ({} submissions)",
                s.text,
                s.cites.len(),
                s.covers_weight
            );
        }
    }
    let views = minority_views(map, DEFAULT_MINORITY_SHARE);
    let labels: Vec<&str> = views.iter().map(|v| v.label.as_str()).collect();
    println!(
        "  minority views (≤{:.0}% of submissions and of texts, distinct): {labels:?}",
        DEFAULT_MINORITY_SHARE * 100.0
    );

    // Section suggestions against the known section of each text's theme.
    let draft: Vec<SectionRef> = sections()
        .into_iter()
        .map(|s| SectionRef {
            key: s.key,
            number: s.number,
            title: s.title,
            body: s.body,
            pages: Some(s.pages),
        })
        .collect();
    let index = SectionIndex::new(&draft);
    let (mut explicit, mut explicit_right, mut similar, mut similar_right, mut similar_none) =
        (0, 0, 0, 0, 0);
    for doc in generated.iter().filter(|d| !d.english) {
        let suggestions = index.suggest(&doc.text);
        let right = suggestions
            .first()
            .is_some_and(|s| s.key == section_key(doc.theme));
        if doc.names_section {
            explicit += 1;
            explicit_right += usize::from(right && suggestions[0].reason == Reason::Explicit);
        } else {
            similar += 1;
            similar_right += usize::from(right);
            similar_none += usize::from(suggestions.is_empty());
        }
    }
    println!(
        "  sections: explicit references right {explicit_right}/{explicit}; by similarity top-1 right {similar_right}/{similar} ({similar_none} without suggestion)"
    );

    // Recomputation with another seed after 5% of the texts were withdrawn.
    let kept: Vec<Document<'_>> = docs.iter().copied().filter(|d| d.id % 20 != 0).collect();
    let again = compute_topics(
        &kept,
        &Options {
            seed: SEED + 1,
            ..Options::default()
        },
        &mut |_, _| true,
    );
    if let Ok(again) = again {
        let old = map.fingerprints();
        let matched = match_topics(&old, &again);
        let pairs: Vec<(usize, usize)> = matched
            .iter()
            .enumerate()
            .filter_map(|(n, o)| o.map(|o| (n, o)))
            .collect();
        let mean_dice = pairs
            .iter()
            .map(|&(n, o)| {
                let a = &again.topics[n].fingerprint.members;
                let b = &old[o].members;
                let shared = a.iter().filter(|id| b.binary_search(id).is_ok()).count();
                2.0 * shared as f64 / (a.len() + b.len()) as f64
            })
            .sum::<f64>()
            / pairs.len().max(1) as f64;
        println!(
            "  recomputation (other seed, 5% withdrawn): {} of {} new topics matched an old one, mean member overlap (Dice) {:.2}",
            pairs.len(),
            again.topics.len(),
            mean_dice
        );
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::var("TOPICS_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    println!(
        "topic engine on synthetic consultations ({} themes, seed {SEED})",
        THEMES.len()
    );
    for (run, &size) in sizes.iter().enumerate() {
        let generated = generate(size, SEED);
        let docs = documents(&generated);
        let chars = generated
            .iter()
            .map(|d| d.text.chars().count())
            .sum::<usize>() as f64
            / size.max(1) as f64;
        let memory_before = peak_memory_mib().unwrap_or(f64::NAN);
        let mut calls = 0usize;
        let start = Instant::now();
        let mut last_call = start;
        let mut longest_gap = 0.0f64;
        let mut stage_starts = [0.0f64; 2];
        let map = compute_topics(
            &docs,
            &Options {
                seed: SEED,
                ..Options::default()
            },
            &mut |done, total| {
                calls += 1;
                let now = Instant::now();
                // Progress runs over four quarters: terms and vectors, clustering (two), description.
                let elapsed = (now - start).as_secs_f64();
                if done >= total / 4 && stage_starts[0] == 0.0 {
                    stage_starts[0] = elapsed;
                }
                if done >= 3 * (total / 4) && stage_starts[1] == 0.0 {
                    stage_starts[1] = elapsed;
                }
                longest_gap = longest_gap.max((now - last_call).as_secs_f64());
                last_call = now;
                true
            },
        );
        let seconds = start.elapsed().as_secs_f64();
        let Ok(map) = map else {
            println!("{size} texts: cancelled");
            continue;
        };
        let truth: Vec<usize> = generated.iter().map(|d| d.theme).collect();
        let (homogeneity, completeness) =
            homogeneity_completeness(&truth, &predicted(&map, &generated));
        let (secondary, right, mixed, found) = secondary_quality(&map, &generated);
        println!(
            "{size} texts (avg {chars:.0} chars): {seconds:.2} s, {} topics, {} unassigned, homogeneity {homogeneity:.3}, completeness {completeness:.3}, peak memory {:.0} MiB ({memory_before:.0} MiB before computing), {calls} progress calls (longest gap {:.2} s)",
            map.topics.len(),
            map.unassigned.len(),
            peak_memory_mib().unwrap_or(f64::NAN),
            longest_gap,
        );
        println!(
            "  stages: terms and vectors {:.2} s, clustering {:.2} s, labels and members {:.2} s",
            stage_starts[0],
            stage_starts[1] - stage_starts[0],
            seconds - stage_starts[1]
        );
        println!(
            "  secondary memberships: {secondary}, {right} of them in a topic of the text's second theme; {found} of {mixed} two-theme texts found there"
        );
        if run == sizes.len() / 2 {
            print_labels(&map, &generated);
        }
        if run == 0 {
            report_extras(&map, &generated);
        }
    }
}
