//! Spherical k-means over sparse unit vectors, with drafter constraints.
//!
//! Texts are grouped by cosine similarity to unit-length centroids. Keyed
//! clusters (one per pin key the drafter created) come first, keep their
//! pinned texts whatever the similarity, and never take a text the drafter
//! removed from them. In automatic mode the data is over-clustered, clusters that
//! are really one topic are merged (see [`MERGE_SIMILARITY`]) and clusters that hold
//! two unrelated groups are split (see [`SPLIT_SIMILARITY`]).

use super::rng::SplitMix64;
use super::vectors::SparseRows;

/// Seeding and the first iterations run on at most this many texts; the full set only refines.
const SAMPLE_SIZE: usize = 8_000;
/// Independent seedings tried on the sample; the tightest is kept (k-means++ varies run to run).
const RESTARTS: usize = 3;
/// Iterations on the sample: it converges quickly from k-means++ seeds.
const SAMPLE_ITERATIONS: usize = 25;
/// Iterations on the full set, from the sample's centroids.
const FULL_ITERATIONS: usize = 12;
/// Iterations after clusters were merged or dissolved.
const REFINE_ITERATIONS: usize = 4;
/// Stop iterating once fewer than one text in this many changes cluster.
const CONVERGED_ONE_IN: usize = 1_000;
/// Two clusters are one topic when their centroid cosine reaches this. That cosine is the
/// average similarity between their texts divided by the geometric mean of the average
/// similarity within each, so 0.45 means "their texts are about half as close to each
/// other as to their own cluster-mates" — sub-themes of one topic, not separate topics.
pub const MERGE_SIMILARITY: f32 = 0.45;
/// A cluster is split in two when the halves 2-means finds in it are less similar than this.
/// Well below [`MERGE_SIMILARITY`], so that the next merge never undoes a split.
pub const SPLIT_SIMILARITY: f32 = 0.25;
/// Each half of a split must hold at least this share of the cluster: peeling a few odd texts
/// off a topic does not make a new topic.
const SPLIT_MIN_SHARE: f32 = 0.1;
/// Bisection looks at up to this many members of a cluster.
const SPLIT_SAMPLE: usize = 2_000;
/// Iterations of each bisection.
const SPLIT_ITERATIONS: usize = 10;
/// Texts close to no centroid get at most this many new clusters per round.
const MAX_LEFTOVER_CLUSTERS: usize = 10;
/// Rounds of merge, split and refine in automatic mode.
const ADJUST_ROUNDS: usize = 3;
/// Below this cosine to every centroid a text shares almost no distinctive term with any topic.
pub const UNASSIGNED_BELOW: f32 = 0.04;
/// A secondary membership must also reach this absolute cosine, so that weak links are not listed.
pub const SECONDARY_MIN_STRENGTH: f32 = 0.12;
/// At most this many secondary topics per text: a text about everything is about nothing.
pub const MAX_SECONDARY_TOPICS: usize = 2;

/// How to cluster.
#[derive(Clone, Debug)]
pub struct ClusterSettings {
    /// Clusters to seed besides the keyed ones.
    pub free_clusters: usize,
    /// Whether similar clusters are merged and loose ones split (automatic number of topics).
    pub adjust: bool,
    /// Unkeyed clusters with fewer texts are dissolved into the others.
    pub min_size: usize,
    /// A secondary topic needs at least this share of the primary topic's strength.
    pub secondary_ratio: f32,
    /// Seed of the random choices.
    pub seed: u64,
}

/// Drafter constraints, by row.
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    /// Number of keyed clusters (they are clusters `0..keys`).
    pub keys: usize,
    /// The keyed cluster each row is pinned to.
    pub pinned: Vec<Option<u32>>,
    /// Keyed clusters each row must not join.
    pub excluded: Vec<Vec<u32>>,
}

impl Constraints {
    fn allowed(&self, row: usize, cluster: usize) -> bool {
        cluster >= self.keys || !self.excluded[row].contains(&(cluster as u32))
    }
}

/// A row's membership of one cluster.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Membership {
    /// Cluster index.
    pub cluster: u32,
    /// Cosine to the cluster's centroid.
    pub strength: f32,
}

/// The outcome of clustering.
#[derive(Clone, Debug)]
pub struct Clustering {
    /// Number of clusters; keyed clusters keep their indices `0..keys`.
    pub clusters: usize,
    /// Each row's primary cluster, `None` for texts too far from every cluster.
    pub primary: Vec<Option<Membership>>,
    /// Each row's secondary clusters, strongest first.
    pub secondary: Vec<Vec<Membership>>,
    /// Unit centroids of the final primary members, cluster-major (`clusters × dimension`).
    pub centroids: Vec<Vec<f32>>,
}

/// Centroids stored term-major (`dimension × k`) so that scoring a sparse row reads contiguous memory.
#[derive(Clone, Debug)]
struct Centroids {
    k: usize,
    data: Vec<f32>,
}

impl Centroids {
    fn zeros(dimension: usize, k: usize) -> Self {
        Self {
            k,
            data: vec![0.0; dimension * k],
        }
    }

    fn scores(&self, row: (&[u32], &[f32]), out: &mut [f32]) {
        out.fill(0.0);
        for (&term, &weight) in row.0.iter().zip(row.1) {
            let column = &self.data[term as usize * self.k..][..self.k];
            for (o, &c) in out.iter_mut().zip(column) {
                *o += weight * c;
            }
        }
    }

    fn add_row(&mut self, cluster: usize, row: (&[u32], &[f32])) {
        for (&term, &weight) in row.0.iter().zip(row.1) {
            self.data[term as usize * self.k + cluster] += weight;
        }
    }

    fn set_row(&mut self, cluster: usize, row: (&[u32], &[f32])) {
        if self.k == 0 {
            return;
        }
        for chunk in self.data.chunks_exact_mut(self.k) {
            chunk[cluster] = 0.0;
        }
        self.add_row(cluster, row);
    }

    /// Scales every cluster's column to unit length; returns which clusters were empty.
    fn normalize(&mut self) -> Vec<bool> {
        if self.k == 0 {
            return Vec::new();
        }
        let mut norms = vec![0.0f32; self.k];
        for chunk in self.data.chunks_exact(self.k) {
            for (n, &v) in norms.iter_mut().zip(chunk) {
                *n += v * v;
            }
        }
        let inverse: Vec<f32> = norms
            .iter()
            .map(|&n| if n > 0.0 { 1.0 / n.sqrt() } else { 0.0 })
            .collect();
        for chunk in self.data.chunks_exact_mut(self.k) {
            for (v, &s) in chunk.iter_mut().zip(&inverse) {
                *v *= s;
            }
        }
        norms.iter().map(|&n| n == 0.0).collect()
    }

    fn from_columns(columns: &[Vec<f32>], dimension: usize) -> Self {
        let k = columns.len();
        let mut centroids = Self::zeros(dimension, k);
        for (c, column) in columns.iter().enumerate() {
            for (t, &v) in column.iter().enumerate() {
                centroids.data[t * k + c] = v;
            }
        }
        centroids
    }

    fn to_columns(&self, dimension: usize) -> Vec<Vec<f32>> {
        let mut columns = vec![vec![0.0f32; dimension]; self.k];
        if self.k == 0 {
            return columns;
        }
        for (t, chunk) in self.data.chunks_exact(self.k).enumerate() {
            for (c, &v) in chunk.iter().enumerate() {
                columns[c][t] = v;
            }
        }
        columns
    }
}

/// The best cluster a row may join, with its score; ties go to the lower index. An unpinned
/// row sharing no term with any centroid joins none.
fn best_allowed(scores: &[f32], row: usize, constraints: &Constraints) -> Option<(usize, f32)> {
    if let Some(pin) = constraints.pinned[row] {
        return Some((pin as usize, scores[pin as usize]));
    }
    let mut best: Option<(usize, f32)> = None;
    for (cluster, &score) in scores.iter().enumerate() {
        if score > 0.0 && constraints.allowed(row, cluster) && best.is_none_or(|(_, b)| score > b) {
            best = Some((cluster, score));
        }
    }
    best
}

/// Lloyd iterations on `members`; returns the centroid sums (unnormalised) of the last assignment
/// and the total similarity. Returns `None` when cancelled.
fn lloyd(
    rows: &SparseRows,
    members: &[usize],
    centroids: &mut Centroids,
    constraints: &Constraints,
    iterations: usize,
    tick: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<(Centroids, f64)> {
    let k = centroids.k;
    let dimension = centroids.data.len() / k.max(1);
    let mut assignment = vec![usize::MAX; members.len()];
    let mut best_scores = vec![0.0f32; members.len()];
    let mut scores = vec![0.0f32; k];
    let mut sums = Centroids::zeros(dimension, k);
    let mut objective = 0.0f64;
    for iteration in 0..iterations {
        if !tick(iteration, iterations) {
            return None;
        }
        sums.data.fill(0.0);
        let mut changes = 0usize;
        let mut counts = vec![0usize; k];
        objective = 0.0;
        for (slot, &row) in members.iter().enumerate() {
            let vector = rows.row(row);
            centroids.scores(vector, &mut scores);
            let Some((cluster, score)) = best_allowed(&scores, row, constraints) else {
                continue;
            };
            if assignment[slot] != cluster {
                changes += 1;
                assignment[slot] = cluster;
            }
            best_scores[slot] = score;
            objective += f64::from(score);
            counts[cluster] += 1;
            sums.add_row(cluster, vector);
        }
        centroids.data.copy_from_slice(&sums.data);
        let empty = centroids.normalize();
        let mut reseeded = false;
        if empty.iter().skip(constraints.keys).any(|&e| e) {
            // An empty cluster restarts at the text worst served by its own cluster.
            let mut order: Vec<usize> = (0..members.len())
                .filter(|&slot| constraints.pinned[members[slot]].is_none())
                .collect();
            order.sort_by(|&a, &b| best_scores[a].total_cmp(&best_scores[b]).then(a.cmp(&b)));
            let mut next = order.into_iter();
            for (cluster, &is_empty) in empty.iter().enumerate().skip(constraints.keys) {
                if is_empty && let Some(slot) = next.next() {
                    centroids.set_row(cluster, rows.row(members[slot]));
                    reseeded = true;
                }
            }
        }
        if iteration > 0 && !reseeded && changes * CONVERGED_ONE_IN <= members.len() {
            break;
        }
    }
    Some((sums, objective))
}

/// Unit mean of the pinned rows of each keyed cluster.
fn keyed_centroids(
    rows: &SparseRows,
    active: &[usize],
    constraints: &Constraints,
    dimension: usize,
) -> Centroids {
    let mut centroids = Centroids::zeros(dimension, constraints.keys);
    for &row in active {
        if let Some(pin) = constraints.pinned[row] {
            centroids.add_row(pin as usize, rows.row(row));
        }
    }
    centroids.normalize();
    centroids
}

/// k-means++ seeding on `sample`, after the keyed centroids already placed.
fn seed_centroids(
    rows: &SparseRows,
    sample: &[usize],
    keyed: &Centroids,
    free: usize,
    dimension: usize,
    rng: &mut SplitMix64,
) -> Centroids {
    let keys = keyed.k;
    let mut chosen: Vec<usize> = Vec::new();
    // Distance of each sample row to its nearest chosen centroid: 1 - cosine.
    let mut nearest = vec![1.0f32; sample.len()];
    if keys > 0 {
        let mut scores = vec![0.0f32; keys];
        for (slot, &row) in sample.iter().enumerate() {
            keyed.scores(rows.row(row), &mut scores);
            let best = scores.iter().copied().fold(0.0f32, f32::max);
            nearest[slot] = (1.0 - best).max(0.0);
        }
    }
    let mut dense = vec![0.0f32; dimension];
    while chosen.len() < free {
        let total: f64 = nearest.iter().map(|&d| f64::from(d) * f64::from(d)).sum();
        if total <= f64::EPSILON {
            break; // Every sample text is already a centroid's twin.
        }
        let slot = if chosen.is_empty() && keys == 0 {
            rng.below(sample.len())
        } else {
            let mut target = rng.next_f64() * total;
            let mut pick = None;
            for (slot, &d) in nearest.iter().enumerate() {
                if d <= 0.0 {
                    continue;
                }
                pick = Some(slot);
                target -= f64::from(d) * f64::from(d);
                if target <= 0.0 {
                    break;
                }
            }
            match pick {
                Some(slot) => slot,
                None => break,
            }
        };
        chosen.push(sample[slot]);
        let (idx, val) = rows.row(sample[slot]);
        for (&t, &v) in idx.iter().zip(val) {
            dense[t as usize] = v;
        }
        for (other, &row) in sample.iter().enumerate() {
            let (oi, ov) = rows.row(row);
            let similarity: f32 = oi
                .iter()
                .zip(ov)
                .map(|(&t, &v)| dense[t as usize] * v)
                .sum();
            nearest[other] = nearest[other].min((1.0 - similarity).max(0.0));
        }
        for &t in idx {
            dense[t as usize] = 0.0;
        }
    }
    let k = keys + chosen.len();
    let mut centroids = Centroids::zeros(dimension, k);
    for t in 0..dimension {
        for c in 0..keys {
            centroids.data[t * k + c] = keyed.data[t * keys + c];
        }
    }
    for (c, &row) in chosen.iter().enumerate() {
        centroids.add_row(keys + c, rows.row(row));
    }
    centroids
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn unit(v: &[f32]) -> Vec<f32> {
    let mut u = v.to_vec();
    super::vectors::normalize(&mut u);
    u
}

/// Merges clusters whose unit centroids reach [`MERGE_SIMILARITY`]; keyed clusters never merge
/// with each other and always absorb, so they keep their indices. Returns the merged sums.
fn merge_similar(sums: Vec<Vec<f32>>, keys: usize) -> (Vec<Vec<f32>>, bool) {
    // Empty free clusters go; keyed ones stay whatever they hold, to keep their indices.
    let mut sums: Vec<Vec<f32>> = sums
        .into_iter()
        .enumerate()
        .filter(|(c, s)| *c < keys || s.iter().any(|&v| v != 0.0))
        .map(|(_, s)| s)
        .collect();
    let mut units: Vec<Vec<f32>> = sums.iter().map(|s| unit(s)).collect();
    // Pairwise centroid cosines, kept up to date so that each merge costs one row.
    let mut similarity: Vec<Vec<f32>> = units
        .iter()
        .map(|a| units.iter().map(|b| dot(a, b)).collect())
        .collect();
    let mut merged_any = false;
    loop {
        let mut best: Option<(usize, usize, f32)> = None;
        for (a, row) in similarity.iter().enumerate() {
            for (b, &s) in row.iter().enumerate().skip((a + 1).max(keys)) {
                if s >= MERGE_SIMILARITY && best.is_none_or(|(_, _, top)| s > top) {
                    best = Some((a, b, s));
                }
            }
        }
        let Some((a, b, _)) = best else { break };
        let absorbed = sums.remove(b);
        units.remove(b);
        similarity.remove(b);
        for row in &mut similarity {
            row.remove(b);
        }
        for (x, y) in sums[a].iter_mut().zip(&absorbed) {
            *x += y;
        }
        units[a] = unit(&sums[a]);
        for other in 0..units.len() {
            let s = dot(&units[a], &units[other]);
            similarity[a][other] = s;
            similarity[other][a] = s;
        }
        merged_any = true;
    }
    (sums, merged_any)
}

/// Clusters the non-empty rows. `tick(done, total)` reports progress over a fixed budget.
pub fn cluster(
    rows: &SparseRows,
    dimension: usize,
    constraints: &Constraints,
    settings: &ClusterSettings,
    tick: &mut dyn FnMut(usize, usize) -> bool,
) -> Option<Clustering> {
    let active: Vec<usize> = (0..rows.len()).filter(|&r| !rows.row_is_empty(r)).collect();
    if active.is_empty() || dimension == 0 {
        let mut empty = empty_clustering(rows.len());
        // Pinned texts without terms still form their keyed clusters.
        empty.clusters = constraints.keys;
        empty.centroids = vec![vec![0.0; dimension]; constraints.keys];
        for (row, pin) in constraints.pinned.iter().enumerate() {
            empty.primary[row] = pin.map(|cluster| Membership {
                cluster,
                strength: 0.0,
            });
        }
        return Some(empty);
    }
    let mut rng = SplitMix64::new(settings.seed);
    let keys = constraints.keys;
    let keyed = keyed_centroids(rows, &active, constraints, dimension);

    // A deterministic sample, always containing the pinned rows.
    let sample: Vec<usize> = if active.len() <= SAMPLE_SIZE {
        active.clone()
    } else {
        let mut pool = active.clone();
        for i in 0..SAMPLE_SIZE {
            let j = i + rng.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(SAMPLE_SIZE);
        pool.extend(active.iter().filter(|&&r| constraints.pinned[r].is_some()));
        pool.sort_unstable();
        pool.dedup();
        pool
    };

    // Budget units: restarts on the sample, the full pass, refinement, and the final assignment.
    let total = RESTARTS + 2 + if settings.adjust { ADJUST_ROUNDS } else { 0 } + 1;
    let mut stage = 0usize;
    let mut best: Option<(Centroids, f64)> = None;
    for _ in 0..RESTARTS {
        let mut centroids = seed_centroids(
            rows,
            &sample,
            &keyed,
            settings.free_clusters,
            dimension,
            &mut rng,
        );
        let mut sub = |done: usize, of: usize| tick(stage * of + done, total * of);
        let (sums, objective) = lloyd(
            rows,
            &sample,
            &mut centroids,
            constraints,
            SAMPLE_ITERATIONS,
            &mut sub,
        )?;
        if best.as_ref().is_none_or(|(_, b)| objective > *b) {
            let mut seeds = sums;
            seeds.normalize();
            best = Some((seeds, objective));
        }
        stage += 1;
    }
    let (mut centroids, _) = best.unwrap_or((Centroids::zeros(dimension, keys), 0.0));
    if centroids.k == 0 {
        return Some(empty_clustering(rows.len()));
    }
    let mut sub = |done: usize, of: usize| tick(stage * of + done, total * of);
    let (mut sums, _) = lloyd(
        rows,
        &active,
        &mut centroids,
        constraints,
        FULL_ITERATIONS,
        &mut sub,
    )?;
    stage += 2;

    if settings.adjust {
        for _ in 0..ADJUST_ROUNDS {
            let (merged, merged_any) = merge_similar(sums.to_columns(dimension), keys);
            centroids = Centroids::from_columns(&merged, dimension);
            centroids.normalize();
            let split = split_and_seed(
                rows,
                &active,
                &centroids,
                constraints,
                settings.min_size,
                &mut rng,
                dimension,
            );
            let split_any = split.is_some();
            if let Some(columns) = split {
                centroids = Centroids::from_columns(&columns, dimension);
            }
            if !merged_any && !split_any {
                break;
            }
            let mut sub = |done: usize, of: usize| tick(stage * of + done, total * of);
            sums = lloyd(
                rows,
                &active,
                &mut centroids,
                constraints,
                REFINE_ITERATIONS,
                &mut sub,
            )?
            .0;
            stage += 1;
        }
    }

    // Dissolve clusters too small to be topics (never the keyed ones, never the largest).
    let mut columns = centroids.to_columns(dimension);
    let counts = count_members(rows, &active, &centroids, constraints);
    let largest = (0..counts.len()).max_by(|&a, &b| counts[a].cmp(&counts[b]).then(b.cmp(&a)));
    let mut kept: Vec<Vec<f32>> = Vec::new();
    for (cluster, column) in columns.drain(..).enumerate() {
        if cluster < keys || Some(cluster) == largest || counts[cluster] >= settings.min_size.max(1)
        {
            kept.push(column);
        }
    }
    let final_centroids = Centroids::from_columns(&kept, dimension);
    if !tick(total - 1, total) {
        return None;
    }
    Some(final_assignment(
        rows,
        &active,
        &final_centroids,
        constraints,
        settings,
        dimension,
    ))
}

/// Unit centroids and sizes of `k` clusters found among `sample` alone, by k-means++ and Lloyd.
fn cluster_sample(
    rows: &SparseRows,
    sample: &[usize],
    k: usize,
    free: &Constraints,
    rng: &mut SplitMix64,
    dimension: usize,
) -> Option<(Vec<Vec<f32>>, Vec<usize>)> {
    let no_keys = Centroids::zeros(dimension, 0);
    let mut centroids = seed_centroids(rows, sample, &no_keys, k, dimension, rng);
    if centroids.k < 2 {
        return None;
    }
    let (mut sums, _) = lloyd(
        rows,
        sample,
        &mut centroids,
        free,
        SPLIT_ITERATIONS,
        &mut |_, _| true,
    )?;
    sums.normalize();
    let mut counts = vec![0usize; sums.k];
    let mut scores = vec![0.0f32; sums.k];
    for &row in sample {
        sums.scores(rows.row(row), &mut scores);
        if let Some((cluster, _)) = best_allowed(&scores, row, free) {
            counts[cluster] += 1;
        }
    }
    Some((sums.to_columns(dimension), counts))
}

/// Reshapes the clusters: splits every unkeyed cluster whose two 2-means halves are less similar
/// than [`SPLIT_SIMILARITY`], and gives texts close to no centroid (views no seed fell on) their
/// own clusters. Returns the new unit centroids (cluster-major) if anything changed.
fn split_and_seed(
    rows: &SparseRows,
    active: &[usize],
    centroids: &Centroids,
    constraints: &Constraints,
    min_size: usize,
    rng: &mut SplitMix64,
    dimension: usize,
) -> Option<Vec<Vec<f32>>> {
    let k = centroids.k;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    let mut leftovers: Vec<usize> = Vec::new();
    let mut scores = vec![0.0f32; k];
    for &row in active {
        centroids.scores(rows.row(row), &mut scores);
        match best_allowed(&scores, row, constraints) {
            Some((cluster, score))
                if score >= UNASSIGNED_BELOW || constraints.pinned[row].is_some() =>
            {
                members[cluster].push(row)
            }
            _ => leftovers.push(row),
        }
    }
    let free = Constraints {
        keys: 0,
        pinned: vec![None; rows.len()],
        excluded: vec![Vec::new(); rows.len()],
    };
    let mut columns = centroids.to_columns(dimension);
    let mut changed = false;
    let smallest = min_size.max(2);
    // Evenly spaced members: deterministic and spread over the id range.
    let spaced = |texts: &[usize]| -> (Vec<usize>, usize) {
        let step = texts.len().div_ceil(SPLIT_SAMPLE).max(1);
        (texts.iter().step_by(step).copied().collect(), step)
    };
    for (cluster, texts) in members.iter().enumerate().skip(constraints.keys) {
        if texts.len() < 2 * smallest {
            continue;
        }
        let (sample, step) = spaced(texts);
        let Some((halves, sizes)) = cluster_sample(rows, &sample, 2, &free, rng, dimension) else {
            continue;
        };
        let smaller = sizes.iter().copied().min().unwrap_or(0);
        let big_enough =
            smaller as f32 >= SPLIT_MIN_SHARE * sample.len() as f32 && smaller * step >= smallest;
        if halves.len() == 2 && dot(&halves[0], &halves[1]) < SPLIT_SIMILARITY && big_enough {
            let mut halves = halves.into_iter();
            columns[cluster] = halves.next().unwrap_or_default();
            columns.extend(halves);
            changed = true;
        }
    }
    if leftovers.len() >= 2 * smallest {
        let (sample, step) = spaced(&leftovers);
        let k = ((leftovers.len() as f64).sqrt().round() as usize).clamp(2, MAX_LEFTOVER_CLUSTERS);
        if let Some((groups, sizes)) = cluster_sample(rows, &sample, k, &free, rng, dimension) {
            for (group, size) in groups.into_iter().zip(sizes) {
                if size * step >= smallest {
                    columns.push(group);
                    changed = true;
                }
            }
        }
    }
    changed.then_some(columns)
}

fn count_members(
    rows: &SparseRows,
    active: &[usize],
    centroids: &Centroids,
    constraints: &Constraints,
) -> Vec<usize> {
    let mut counts = vec![0usize; centroids.k];
    let mut scores = vec![0.0f32; centroids.k];
    for &row in active {
        centroids.scores(rows.row(row), &mut scores);
        if let Some((cluster, _)) = best_allowed(&scores, row, constraints) {
            counts[cluster] += 1;
        }
    }
    counts
}

fn empty_clustering(rows: usize) -> Clustering {
    Clustering {
        clusters: 0,
        primary: vec![None; rows],
        secondary: vec![Vec::new(); rows],
        centroids: Vec::new(),
    }
}

/// Primary and secondary memberships against fixed centroids, then the members' own centroids.
fn final_assignment(
    rows: &SparseRows,
    active: &[usize],
    centroids: &Centroids,
    constraints: &Constraints,
    settings: &ClusterSettings,
    dimension: usize,
) -> Clustering {
    let k = centroids.k;
    let mut result = empty_clustering(rows.len());
    result.clusters = k;
    let mut scores = vec![0.0f32; k];
    let mut sums = Centroids::zeros(dimension, k);
    for &row in active {
        let vector = rows.row(row);
        centroids.scores(vector, &mut scores);
        let Some((cluster, strength)) = best_allowed(&scores, row, constraints) else {
            continue;
        };
        if constraints.pinned[row].is_none() && strength < UNASSIGNED_BELOW {
            continue;
        }
        result.primary[row] = Some(Membership {
            cluster: cluster as u32,
            strength,
        });
        sums.add_row(cluster, vector);
        let floor = SECONDARY_MIN_STRENGTH.max(settings.secondary_ratio * strength);
        let mut secondary: Vec<Membership> = scores
            .iter()
            .enumerate()
            .filter(|&(c, &s)| c != cluster && s >= floor && constraints.allowed(row, c))
            .map(|(c, &s)| Membership {
                cluster: c as u32,
                strength: s,
            })
            .collect();
        secondary.sort_by(|a, b| {
            b.strength
                .total_cmp(&a.strength)
                .then(a.cluster.cmp(&b.cluster))
        });
        secondary.truncate(MAX_SECONDARY_TOPICS);
        result.secondary[row] = secondary;
    }
    // Pinned rows without any term still belong where the drafter put them.
    for (row, pin) in constraints.pinned.iter().enumerate() {
        if let (Some(pin), None) = (pin, result.primary[row]) {
            result.primary[row] = Some(Membership {
                cluster: *pin,
                strength: 0.0,
            });
        }
    }
    sums.normalize();
    result.centroids = sums.to_columns(dimension);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(vectors: &[&[(u32, f32)]]) -> SparseRows {
        let mut rows = SparseRows::new();
        for v in vectors {
            let mut values: Vec<f32> = v.iter().map(|&(_, x)| x).collect();
            super::super::vectors::normalize(&mut values);
            rows.push_row(v.iter().map(|&(t, _)| t).zip(values));
        }
        rows
    }

    fn settings(free: usize, adjust: bool) -> ClusterSettings {
        ClusterSettings {
            free_clusters: free,
            adjust,
            min_size: 1,
            secondary_ratio: 0.7,
            seed: 1,
        }
    }

    fn no_constraints(n: usize) -> Constraints {
        Constraints {
            keys: 0,
            pinned: vec![None; n],
            excluded: vec![Vec::new(); n],
        }
    }

    #[test]
    fn separates_two_obvious_groups_and_merges_duplicates() {
        let data = rows(&[
            &[(0, 1.0), (1, 1.0)],
            &[(0, 1.0), (1, 0.8)],
            &[(0, 0.9), (1, 1.0)],
            &[(2, 1.0), (3, 1.0)],
            &[(2, 1.0), (3, 0.7)],
            &[(2, 0.6), (3, 1.0)],
        ]);
        let result = cluster(
            &data,
            4,
            &no_constraints(6),
            &settings(4, true),
            &mut |_, _| true,
        );
        let result = result.unwrap_or_else(|| panic!("not cancelled"));
        assert_eq!(result.clusters, 2);
        let label = |r: usize| result.primary[r].map(|m| m.cluster);
        assert_eq!(label(0), label(1));
        assert_eq!(label(0), label(2));
        assert_eq!(label(3), label(5));
        assert_ne!(label(0), label(3));
    }

    #[test]
    fn identical_rows_make_one_cluster() {
        let data = rows(&[&[(0, 1.0)], &[(0, 1.0)], &[(0, 1.0)]]);
        let result = cluster(
            &data,
            1,
            &no_constraints(3),
            &settings(3, false),
            &mut |_, _| true,
        );
        let result = result.unwrap_or_else(|| panic!("not cancelled"));
        assert_eq!(result.clusters, 1);
        assert!(
            result
                .primary
                .iter()
                .all(|m| m.is_some_and(|m| m.cluster == 0))
        );
    }

    #[test]
    fn cancelling_returns_none() {
        let data = rows(&[&[(0, 1.0)], &[(1, 1.0)]]);
        assert!(
            cluster(
                &data,
                2,
                &no_constraints(2),
                &settings(2, false),
                &mut |_, _| false
            )
            .is_none()
        );
    }
}
