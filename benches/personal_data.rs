//! Quality and speed report for the personal-data engine on synthetic opinions.
//!
//! Run with `cargo bench --bench personal_data`. A finding is a true positive
//! when it has the planted span's kind and an intersection-over-union of at
//! least `MATCH_MIN_IOU` with it; a planted span is recalled when some finding
//! matches it that way. Set `PERSONAL_DATA_BENCH_EXAMPLES=N` to print up to N
//! missed spans and false positives.

use std::collections::BTreeMap;
use std::time::Instant;

use ideabox::analysis::personal_data::{Finding, Hints, Kind, detect};
use ideabox::dev::synthetic_personal_data::{
    LookAlike, SyntheticOpinion, generate, generate_held_out,
};

/// Seed of the quality corpus.
const QUALITY_SEED: u64 = 20_250_401;
/// Opinions in the quality corpus.
const QUALITY_OPINIONS: usize = 5_000;
/// Opinions in the held-out corpus (formats never used during development).
const HELD_OUT_OPINIONS: usize = 2_000;
/// Seed of the speed corpus (different from the quality corpus).
const SPEED_SEED: u64 = 77;
/// Distinct opinions cycled through in the speed run.
const SPEED_DISTINCT_OPINIONS: usize = 20_000;
/// Detections in the speed run.
const SPEED_SUBMISSIONS: usize = 200_000;
/// Minimum intersection over union for a finding to match a planted span.
const MATCH_MIN_IOU: f64 = 0.5;

fn main() {
    let examples: usize = std::env::var("PERSONAL_DATA_BENCH_EXAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    quality_report(
        "quality",
        &generate(QUALITY_SEED, QUALITY_OPINIONS),
        examples,
    );
    quality_report(
        "held-out formats",
        &generate_held_out(QUALITY_SEED, HELD_OUT_OPINIONS),
        examples,
    );
    speed_report();
}

fn hints_for(opinion: &SyntheticOpinion) -> Hints {
    Hints {
        known_names: opinion.known_names.clone(),
        public_contacts: opinion.public_contacts.clone(),
    }
}

fn iou(a: (usize, usize), b: (usize, usize)) -> f64 {
    let intersection = a.1.min(b.1).saturating_sub(a.0.max(b.0));
    let union = a.1.max(b.1) - a.0.min(b.0);
    if union == 0 {
        0.0
    } else {
        intersection as f64 / union as f64
    }
}

fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn snippet(text: &str, start: usize, end: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let from = start.saturating_sub(12);
    let to = (end + 12).min(chars.len());
    let show =
        |range: std::ops::Range<usize>| chars[range].iter().collect::<String>().replace('\n', "⏎");
    format!(
        "{}[{}]{}",
        show(from..start),
        show(start..end.min(chars.len())),
        show(end.min(chars.len())..to)
    )
}

fn quality_report(title: &str, opinions: &[SyntheticOpinion], examples: usize) {
    let mut planted_per_kind: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    let mut true_positives = 0usize;
    let mut total_findings = 0usize;
    let mut false_positives_by_type: BTreeMap<LookAlike, usize> = BTreeMap::new();
    let mut look_alikes_by_type: BTreeMap<LookAlike, usize> = BTreeMap::new();
    let mut other_false_positives = 0usize;
    let (mut planted_chars, mut covered_chars) = (0usize, 0usize);
    let (mut shown_misses, mut shown_false) = (0usize, 0usize);

    for opinion in opinions {
        let findings: Vec<Finding> = detect(&opinion.text, &hints_for(opinion));
        total_findings += findings.len();
        for span in &opinion.planted {
            let Some(kind) = Kind::from_name(span.kind) else {
                continue;
            };
            let recalled = findings.iter().any(|f| {
                f.kind == kind && iou((f.start, f.end), (span.start, span.end)) >= MATCH_MIN_IOU
            });
            let entry = planted_per_kind.entry(kind).or_default();
            entry.0 += 1;
            entry.1 += usize::from(recalled);
            planted_chars += span.end - span.start;
            covered_chars += (span.start..span.end)
                .filter(|&i| findings.iter().any(|f| f.start <= i && i < f.end))
                .count();
            if !recalled && shown_misses < examples {
                shown_misses += 1;
                println!(
                    "  missed {:<12} {}",
                    span.kind,
                    snippet(&opinion.text, span.start, span.end)
                );
            }
        }
        for look_alike in &opinion.look_alikes {
            *look_alikes_by_type
                .entry(look_alike.look_alike)
                .or_default() += 1;
        }
        for finding in &findings {
            let span = (finding.start, finding.end);
            let matched = opinion.planted.iter().any(|p| {
                Kind::from_name(p.kind) == Some(finding.kind)
                    && iou(span, (p.start, p.end)) >= MATCH_MIN_IOU
            });
            if matched {
                true_positives += 1;
                continue;
            }
            match opinion
                .look_alikes
                .iter()
                .find(|l| overlaps(span, (l.start, l.end)))
            {
                Some(look_alike) => {
                    *false_positives_by_type
                        .entry(look_alike.look_alike)
                        .or_default() += 1
                }
                None => other_false_positives += 1,
            }
            if shown_false < examples {
                shown_false += 1;
                println!(
                    "  false  {:<12} {}",
                    finding.kind.name(),
                    snippet(&opinion.text, finding.start, finding.end)
                );
            }
        }
    }

    let planted_total: usize = planted_per_kind.values().map(|(n, _)| n).sum();
    let clean = opinions.iter().filter(|o| o.planted.is_empty()).count();
    println!(
        "{title}: {} opinions (seed {QUALITY_SEED}, {clean} clean), {planted_total} planted spans, match = same kind and IoU >= {MATCH_MIN_IOU}",
        opinions.len()
    );
    println!(
        "  {:<12} {:>7} {:>7} {:>7}",
        "kind", "planted", "found", "recall"
    );
    for (kind, (planted, recalled)) in &planted_per_kind {
        println!(
            "  {:<12} {:>7} {:>7} {:>7.3}",
            kind.name(),
            planted,
            recalled,
            *recalled as f64 / *planted as f64
        );
    }
    let precision = if total_findings == 0 {
        1.0
    } else {
        true_positives as f64 / total_findings as f64
    };
    println!("  precision {precision:.3} ({true_positives} of {total_findings} findings)");
    println!(
        "  planted chars covered by any finding (redaction coverage): {:.3}",
        covered_chars as f64 / planted_chars.max(1) as f64
    );
    let by_type: Vec<String> = LookAlike::ALL
        .iter()
        .filter(|t| look_alikes_by_type.contains_key(t))
        .map(|t| {
            format!(
                "{} {}/{}",
                t.name(),
                false_positives_by_type.get(t).copied().unwrap_or(0),
                look_alikes_by_type.get(t).copied().unwrap_or(0)
            )
        })
        .collect();
    println!(
        "  false positives per look-alike type (FP/planted): {}",
        by_type.join(", ")
    );
    println!(
        "  other false positives (wrong kind, partial span or unplanted): {other_false_positives}"
    );
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn speed_report() {
    let opinions = generate(SPEED_SEED, SPEED_DISTINCT_OPINIONS);
    let hints: Vec<Hints> = opinions.iter().map(hints_for).collect();
    let mut chars = 0usize;
    let mut findings = 0usize;
    // Warm up the lazily compiled patterns so that they are not timed.
    let _ = detect(&opinions[0].text, &hints[0]);
    let started = Instant::now();
    for index in 0..SPEED_SUBMISSIONS {
        let slot = index % opinions.len();
        let found = detect(std::hint::black_box(&opinions[slot].text), &hints[slot]);
        findings += found.len();
        chars += opinions[slot].text.chars().count();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "speed: {SPEED_SUBMISSIONS} submissions ({} distinct), avg {:.0} chars, {:.2} s on one thread, {:.0} submissions/s, {:.1} M chars/s, {findings} findings",
        opinions.len(),
        chars as f64 / SPEED_SUBMISSIONS as f64,
        seconds,
        SPEED_SUBMISSIONS as f64 / seconds,
        chars as f64 / seconds / 1e6,
    );
    match peak_memory_kib() {
        Some(kib) => println!("  peak memory (VmHWM): {:.1} MiB", kib as f64 / 1024.0),
        None => println!("  peak memory (VmHWM): unavailable"),
    }
}
