//! Quality and speed of campaign grouping on synthetic consultations.
//!
//! Run with `cargo bench --bench campaigns`; sizes can be set with
//! `CAMPAIGN_BENCH_SIZES=10000,200000` (default) and the incremental store
//! size with `CAMPAIGN_BENCH_STORE=20000`.
//!
//! Pairwise precision and recall count pairs of submissions in the same
//! campaign. Short one-line opinions are in no campaign in the ground truth
//! and can never be in one in the output, so they add no pairs to either
//! side. Per case, pairs are counted from the copies of that case to every
//! other submission; for unique and short opinions the report gives how many
//! were wrongly put into a campaign.

use std::collections::HashMap;
use std::time::Instant;

use ideabox::analysis::campaigns::{MemoryStore, assign, group};
use ideabox::dev::synthetic_campaigns::{Config, Truth, generate};

fn main() {
    let sizes = env_list("CAMPAIGN_BENCH_SIZES", &[10_000, 200_000]);
    for size in sizes {
        batch_report(size);
    }
    incremental_report(env_list("CAMPAIGN_BENCH_STORE", &[20_000])[0]);
    println!(
        "VmHWM at end (since the last reset): {}",
        proc_status("VmHWM")
    );
}

fn batch_report(size: usize) {
    let data = generate(Config {
        submissions: size,
        seed: 42,
    });
    let input: Vec<(u32, &str)> = data
        .iter()
        .zip(0..)
        .map(|((text, _), i)| (i, text))
        .collect();
    let text_bytes: usize = input.iter().map(|(_, t)| t.len()).sum();
    let rss_before = proc_status("VmRSS");
    // Writing 5 to clear_refs resets VmHWM, so the next reading is the peak of grouping alone.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let started = Instant::now();
    let cpu_before = cpu_seconds();
    let grouping = group(&input);
    let cpu = cpu_seconds() - cpu_before;
    let elapsed = started.elapsed();
    let truth: Vec<Option<u32>> = data.iter().map(|(_, t)| campaign_of(t)).collect();
    let output: Vec<Option<u32>> = grouping
        .texts
        .iter()
        .map(|t| t.campaign.map(|c| c as u32))
        .collect();
    println!(
        "\n== {size} submissions: grouped in {:.2} s wall, {cpu:.2} s CPU, one thread ==",
        elapsed.as_secs_f64()
    );
    let peak = proc_status("VmHWM");
    println!(
        "texts {} MB; resident before grouping {rss_before}; peak while grouping (VmHWM) {peak}",
        text_bytes >> 20
    );
    println!(
        "{:?}; campaigns found {} (true {})",
        grouping.stats,
        grouping.campaigns.len(),
        data.templates().len()
    );
    let counts = PairCounts::new(&truth, &output);
    let mut cases: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, (_, truth)) in data.iter().enumerate() {
        let case = match truth {
            Truth::Copy { kind, .. } => format!("copy: {kind:?}"),
            other => format!("{other:?}"),
        };
        match cases.iter_mut().find(|(c, _)| *c == case) {
            Some((_, members)) => members.push(i),
            None => cases.push((case, vec![i])),
        }
    }
    cases.sort();
    println!(
        "{:<20} {:>7} {:>10} {:>10} {:>18}",
        "case", "n", "precision", "recall", "in a campaign"
    );
    for (case, members) in &cases {
        let (tp, in_truth, in_output) = counts.from(members, &truth, &output);
        let placed = members.iter().filter(|&&i| output[i].is_some()).count();
        let ratio = |a: u64, b: u64| {
            if b == 0 {
                "-".to_string()
            } else {
                format!("{:.4}", a as f64 / b as f64)
            }
        };
        println!(
            "{case:<20} {:>7} {:>10} {:>10} {:>18}",
            members.len(),
            ratio(tp, in_output),
            ratio(tp, in_truth),
            placed
        );
    }
    let all: Vec<usize> = (0..truth.len()).collect();
    let (tp, in_truth, in_output) = counts.from(&all, &truth, &output);
    println!(
        "overall pairwise precision {:.6} recall {:.6} (pairs: {tp} correct, {} wrong, {} missed)",
        tp as f64 / in_output.max(1) as f64,
        tp as f64 / in_truth.max(1) as f64,
        in_output - tp,
        in_truth - tp
    );
}

fn incremental_report(size: usize) {
    let data = generate(Config {
        submissions: size + 1_000,
        seed: 7,
    });
    let mut store = MemoryStore::new();
    let started = Instant::now();
    for i in 0..size {
        store.add(i, data.text(i));
    }
    println!(
        "\n== incremental: {size} submissions added one by one in {:.2} s ==",
        started.elapsed().as_secs_f64()
    );
    let mut assign_times = Vec::new();
    let mut add_times = Vec::new();
    for i in size..data.len() {
        let text = data.text(i);
        let candidates = store.candidates(text);
        let started = Instant::now();
        std::hint::black_box(assign(text, &candidates.campaigns, &candidates.texts));
        assign_times.push(started.elapsed().as_secs_f64() * 1e6);
        let started = Instant::now();
        store.add(i, text);
        add_times.push(started.elapsed().as_secs_f64() * 1e6);
    }
    let summary = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
        format!(
            "mean {mean:.0} µs, p99 {:.0} µs",
            times[times.len() * 99 / 100]
        )
    };
    println!(
        "assign() given its candidates: {}",
        summary(&mut assign_times)
    );
    println!(
        "add() incl. in-memory candidate lookup: {}",
        summary(&mut add_times)
    );
    // Agreement of the incremental partition with a batch run on the same texts.
    let input: Vec<(usize, &str)> = data
        .iter()
        .enumerate()
        .map(|(i, (text, _))| (i, text))
        .collect();
    let batch: Vec<Option<u32>> = group(&input)
        .texts
        .iter()
        .map(|t| t.campaign.map(|c| c as u32))
        .collect();
    let mut incremental = vec![None; input.len()];
    for (id, campaign) in store.assignments() {
        incremental[id] = campaign.map(|c| c as u32);
    }
    let counts = PairCounts::new(&batch, &incremental);
    let all: Vec<usize> = (0..batch.len()).collect();
    let (both, in_batch, in_incremental) = counts.from(&all, &batch, &incremental);
    println!(
        "incremental vs batch pairs: {both} shared of {in_batch} (batch) and {in_incremental} (incremental)"
    );
}

fn campaign_of(truth: Truth) -> Option<u32> {
    match truth {
        Truth::Copy { campaign, .. } => Some(campaign),
        _ => None,
    }
}

/// Sizes of truth campaigns, output campaigns and their intersections.
struct PairCounts {
    truth: HashMap<u32, u64>,
    output: HashMap<u32, u64>,
    both: HashMap<(u32, u32), u64>,
}

impl PairCounts {
    fn new(truth: &[Option<u32>], output: &[Option<u32>]) -> Self {
        let mut counts = Self {
            truth: HashMap::new(),
            output: HashMap::new(),
            both: HashMap::new(),
        };
        for (t, o) in truth.iter().zip(output) {
            if let Some(t) = t {
                *counts.truth.entry(*t).or_default() += 1;
            }
            if let Some(o) = o {
                *counts.output.entry(*o).or_default() += 1;
            }
            if let (Some(t), Some(o)) = (t, o) {
                *counts.both.entry((*t, *o)).or_default() += 1;
            }
        }
        counts
    }

    /// (true positive, truth, output) ordered pairs from `members` to any other submission.
    fn from(
        &self,
        members: &[usize],
        truth: &[Option<u32>],
        output: &[Option<u32>],
    ) -> (u64, u64, u64) {
        let mut sums = (0, 0, 0);
        for &i in members {
            if let Some(t) = truth[i] {
                sums.1 += self.truth[&t] - 1;
            }
            if let Some(o) = output[i] {
                sums.2 += self.output[&o] - 1;
            }
            if let (Some(t), Some(o)) = (truth[i], output[i]) {
                sums.0 += self.both[&(t, o)] - 1;
            }
        }
        sums
    }
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect::<Vec<usize>>()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// User plus system CPU time of this process, from /proc/self/stat (clock ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the parenthesised command name, utime and stime are the 12th and 13th fields.
    let fields = stat.rsplit(')').next().unwrap_or("");
    let ticks = fields.split_whitespace().skip(11).take(2);
    ticks.filter_map(|v| v.parse::<f64>().ok()).sum::<f64>() / 100.0
}

fn proc_status(field: &str) -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split(':').nth(1))
        .map(|v| v.trim().to_string())
        .unwrap_or_else(|| "n/a".to_string())
}
