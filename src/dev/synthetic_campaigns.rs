//! Deterministic synthetic consultation with known campaign ground truth.
//!
//! Produces submissions like those of a real public consultation on digital
//! government: copies of 20-50 form letters (with personal sentences added,
//! width and punctuation changes, and a few characters edited), unique
//! opinions that quote a sentence or two of a letter or of each other (hard
//! negatives), unique opinions on the same topics, and many short one-line
//! opinions such as 「反対です。」. Japanese mostly, some English. Everything
//! depends only on the seed, so measurements can be repeated exactly.

/// Small deterministic PRNG (SplitMix64): the data depend only on the seed.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// Creates a generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform integer in `0..n` (`n` must be positive; 0 gives 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform integer in `low..=high`.
    pub fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// Uniform float in `0..1`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen element (`items` must not be empty).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// How a campaign copy differs from its letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CopyKind {
    /// The letter as published.
    Verbatim,
    /// Personal sentences added before, after or inside the letter.
    Additions,
    /// Full-width Latin and digits, half-width katakana, or changed case.
    Width,
    /// Punctuation, spaces and line breaks changed.
    Punctuation,
    /// 1-3 % of the chars substituted, deleted or inserted.
    Edits,
    /// Additions combined with width or punctuation changes and edits.
    Mixed,
}

/// Ground truth of one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Truth {
    /// A copy of campaign number `campaign`.
    Copy {
        /// Index into [`Consultation::templates`].
        campaign: u32,
        /// How the copy was made.
        kind: CopyKind,
    },
    /// A unique opinion that quotes one or two sentences of a letter or of
    /// sentences other opinions also use.
    HardNegative,
    /// A unique opinion on the same topics as the letters.
    SameTopic,
    /// A short one-line opinion such as 「反対です。」 (never a campaign).
    Short,
}

/// A generated consultation: submissions in arrival order with their truth.
///
/// All texts live in one buffer, so a large consultation costs little more
/// memory than its text (and measurements of the engine are not skewed by
/// the generator's own allocations).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consultation {
    texts: String,
    submissions: Vec<(std::ops::Range<usize>, Truth)>,
    templates: Vec<String>,
}

impl Consultation {
    /// Number of submissions.
    pub fn len(&self) -> usize {
        self.submissions.len()
    }

    /// True if there are no submissions.
    pub fn is_empty(&self) -> bool {
        self.submissions.is_empty()
    }

    /// Text of submission `i` (empty if out of range).
    pub fn text(&self, i: usize) -> &str {
        self.submissions
            .get(i)
            .and_then(|(range, _)| self.texts.get(range.clone()))
            .unwrap_or("")
    }

    /// Ground truth of submission `i`.
    pub fn truth(&self, i: usize) -> Option<Truth> {
        self.submissions.get(i).map(|(_, truth)| *truth)
    }

    /// Submissions in arrival order, as `(text, truth)`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Truth)> {
        self.submissions
            .iter()
            .map(|(range, truth)| (self.texts.get(range.clone()).unwrap_or(""), *truth))
    }

    /// The form letter of each campaign, by campaign number.
    pub fn templates(&self) -> &[String] {
        &self.templates
    }
}

/// Size and seed of a generated consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Number of submissions.
    pub submissions: usize,
    /// Seed of the PRNG.
    pub seed: u64,
}

/// Share of submissions that are campaign copies.
const CAMPAIGN_SHARE: f64 = 0.6;
/// Share of submissions that are short one-line opinions.
const SHORT_SHARE: f64 = 0.1;
/// Share of submissions that are hard negatives; the rest are same-topic opinions.
const HARD_NEGATIVE_SHARE: f64 = 0.12;
/// Share of letters and opinions written in English.
const ENGLISH_SHARE: f64 = 0.1;
/// Share of letters that rewrite part of an earlier letter (a sibling campaign).
const SIBLING_SHARE: f64 = 0.2;
/// Fewest and most campaigns.
const CAMPAIGNS_MIN: usize = 20;
const CAMPAIGNS_MAX: usize = 50;
/// Submissions per campaign added to the campaign count (so 200,000 → 50).
const SUBMISSIONS_PER_CAMPAIGN: usize = 4_000;
/// Smallest campaign.
const MIN_COPIES: usize = 3;
/// Letter lengths in chars (Japanese) before noise.
const LETTER_CHARS_MIN: usize = 150;
const LETTER_CHARS_MAX: usize = 600;
/// Copy kinds and their weights (verbatim copies dominate real campaigns).
const COPY_KINDS: [(CopyKind, u32); 6] = [
    (CopyKind::Verbatim, 35),
    (CopyKind::Additions, 17),
    (CopyKind::Width, 12),
    (CopyKind::Punctuation, 12),
    (CopyKind::Edits, 14),
    (CopyKind::Mixed, 10),
];

/// Generates a consultation.
pub fn generate(config: Config) -> Consultation {
    let mut rng = Rng::new(config.seed);
    let n = config.submissions;
    let campaign_count = (n / SUBMISSIONS_PER_CAMPAIGN).clamp(CAMPAIGNS_MIN, CAMPAIGNS_MAX);
    let letters = make_letters(&mut rng, campaign_count);
    let popular: Vec<Sentence> = (0..40)
        .map(|_| {
            let lang = lang_for(&mut rng);
            let theme = rng.below(THEMES.len());
            formal_sentence(&mut rng, theme, lang)
        })
        .collect();

    // Decide every submission's truth first, shuffle, then write the texts
    // in arrival order straight into one buffer.
    let copies = (n as f64 * CAMPAIGN_SHARE) as usize;
    let sizes = campaign_sizes(copies, letters.len());
    let mut plan: Vec<Truth> = Vec::with_capacity(n);
    for (campaign, &size) in sizes.iter().enumerate() {
        for _ in 0..size {
            plan.push(Truth::Copy {
                campaign: campaign as u32,
                kind: pick_copy_kind(&mut rng),
            });
        }
    }
    let copies_made = plan.len();
    let shorts = (n as f64 * SHORT_SHARE) as usize;
    let hard = (n as f64 * HARD_NEGATIVE_SHARE) as usize;
    while plan.len() < n {
        let made = plan.len() - copies_made;
        plan.push(if made < shorts {
            Truth::Short
        } else if made < shorts + hard {
            Truth::HardNegative
        } else {
            Truth::SameTopic
        });
    }
    plan.truncate(n);
    rng.shuffle(&mut plan);

    let mut consultation = Consultation {
        texts: String::new(),
        submissions: Vec::with_capacity(n),
        templates: letters.iter().map(Letter::text).collect(),
    };
    for truth in plan {
        let text = match truth {
            Truth::Copy { campaign, kind } => match letters.get(campaign as usize) {
                Some(letter) => make_copy(&mut rng, letter, kind),
                None => String::new(),
            },
            Truth::Short => make_short(&mut rng),
            Truth::HardNegative => make_hard_negative(&mut rng, &letters, &popular),
            Truth::SameTopic => make_same_topic(&mut rng),
        };
        let start = consultation.texts.len();
        consultation.texts.push_str(&text);
        consultation
            .submissions
            .push((start..consultation.texts.len(), truth));
    }
    consultation
}

/// Language of a letter or opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Japanese,
    English,
}

/// One sentence with its language (English sentences are joined by spaces).
#[derive(Debug, Clone)]
struct Sentence {
    text: String,
    lang: Lang,
}

/// A form letter as a list of sentences.
#[derive(Debug, Clone)]
struct Letter {
    sentences: Vec<Sentence>,
    theme: usize,
    lang: Lang,
}

impl Letter {
    fn text(&self) -> String {
        join(&self.sentences)
    }
}

fn join(sentences: &[Sentence]) -> String {
    let mut out = String::new();
    for s in sentences {
        if s.lang == Lang::English && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s.text);
    }
    out
}

fn lang_for(rng: &mut Rng) -> Lang {
    if rng.chance(ENGLISH_SHARE) {
        Lang::English
    } else {
        Lang::Japanese
    }
}

fn pick_copy_kind(rng: &mut Rng) -> CopyKind {
    let total: u32 = COPY_KINDS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total as usize) as u32;
    for (kind, weight) in COPY_KINDS {
        if roll < weight {
            return kind;
        }
        roll -= weight;
    }
    CopyKind::Verbatim
}

/// Zipf-like campaign sizes adding up to `copies`, each at least [`MIN_COPIES`].
fn campaign_sizes(copies: usize, campaigns: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..campaigns).map(|i| 1.0 / (i as f64 + 1.0)).collect();
    let total: f64 = weights.iter().sum();
    let mut sizes: Vec<usize> = weights
        .iter()
        .map(|w| ((w / total) * copies as f64) as usize)
        .map(|s| s.max(MIN_COPIES))
        .collect();
    let assigned: usize = sizes.iter().sum();
    if let Some(first) = sizes.first_mut() {
        *first = (*first + copies).saturating_sub(assigned).max(MIN_COPIES);
    }
    sizes
}

fn make_letters(rng: &mut Rng, count: usize) -> Vec<Letter> {
    let mut letters: Vec<Letter> = Vec::with_capacity(count);
    for i in 0..count {
        let sibling_of = (i >= 4 && rng.chance(SIBLING_SHARE)).then(|| rng.below(i));
        let letter = match sibling_of.and_then(|p| letters.get(p)) {
            Some(parent) => sibling_letter(rng, parent),
            None => {
                let lang = lang_for(rng);
                let theme = rng.below(THEMES.len());
                new_letter(rng, theme, lang)
            }
        };
        letters.push(letter);
    }
    letters
}

fn char_len(sentences: &[Sentence]) -> usize {
    sentences
        .iter()
        .map(|s| match s.lang {
            // English letters are longer in chars for the same content.
            Lang::English => s.text.chars().count() / 2,
            Lang::Japanese => s.text.chars().count(),
        })
        .sum()
}

fn new_letter(rng: &mut Rng, theme: usize, lang: Lang) -> Letter {
    let target = rng.between(LETTER_CHARS_MIN, LETTER_CHARS_MAX);
    let mut sentences = vec![sentence(rng, theme, lang, opening_patterns(lang))];
    let closing = sentence(rng, theme, lang, closing_patterns(lang));
    while char_len(&sentences) + char_len(std::slice::from_ref(&closing)) < target {
        sentences.push(formal_sentence(rng, theme, lang));
    }
    sentences.push(closing);
    Letter {
        sentences,
        theme,
        lang,
    }
}

/// A letter that keeps about half of `parent` and rewrites the rest.
fn sibling_letter(rng: &mut Rng, parent: &Letter) -> Letter {
    let mut sentences = parent.sentences.clone();
    let last = sentences.len().saturating_sub(1);
    let mut replaced = 0;
    for (i, s) in sentences.iter_mut().enumerate() {
        if i == last || rng.chance(0.5) {
            *s = formal_sentence(rng, parent.theme, parent.lang);
            replaced += 1;
        }
    }
    // Keep siblings clearly apart: at least 40 % of the sentences differ.
    let len = sentences.len();
    let mut i = 0;
    while replaced * 10 < len * 4 && i < len {
        if let Some(s) = sentences.get_mut(i) {
            *s = formal_sentence(rng, parent.theme, parent.lang);
        }
        replaced += 1;
        i += 2;
    }
    Letter {
        sentences,
        theme: parent.theme,
        lang: parent.lang,
    }
}

fn make_copy(rng: &mut Rng, letter: &Letter, kind: CopyKind) -> String {
    let lang = letter.lang;
    match kind {
        CopyKind::Verbatim => letter.text(),
        CopyKind::Additions => with_additions(rng, letter),
        CopyKind::Width => change_width(rng, &letter.text(), lang),
        CopyKind::Punctuation => change_punctuation(rng, &letter.text(), lang),
        CopyKind::Edits => edit_chars(rng, &letter.text(), lang),
        CopyKind::Mixed => {
            let text = with_additions(rng, letter);
            let text = if rng.chance(0.5) {
                change_width(rng, &text, lang)
            } else {
                change_punctuation(rng, &text, lang)
            };
            edit_chars(rng, &text, lang)
        }
    }
}

fn with_additions(rng: &mut Rng, letter: &Letter) -> String {
    let lang = letter.lang;
    let mut sentences = letter.sentences.clone();
    let before = rng.below(3);
    let after = rng.below(3);
    let inside = usize::from(rng.chance(0.25));
    let total = (before + after + inside).max(1);
    for k in 0..total {
        let about_topic = rng.chance(0.4);
        let s = personal_sentence(rng, lang, about_topic);
        if k < before {
            sentences.insert(0, s);
        } else if k < before + inside {
            let at = rng.between(1, sentences.len().saturating_sub(1).max(1));
            sentences.insert(at, s);
        } else {
            sentences.push(s);
        }
    }
    join(&sentences)
}

fn change_width(rng: &mut Rng, text: &str, lang: Lang) -> String {
    match (lang, rng.below(3)) {
        (Lang::English, 0) => text.to_uppercase(),
        (Lang::English, _) => widen_ascii(text),
        (Lang::Japanese, 0) => widen_ascii(text),
        (Lang::Japanese, 1) => narrow_katakana(text),
        (Lang::Japanese, _) => narrow_katakana(&widen_ascii(text)),
    }
}

/// Full-width forms of ASCII letters, digits and space.
fn widen_ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            c if c.is_ascii_alphanumeric() => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Full-width katakana and their half-width forms, in the same order.
const KATAKANA_FULL: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー。「」、・";
const KATAKANA_HALF: &str = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ｡｢｣､･";

/// Half-width forms of katakana (voiced kana become a kana plus a sound mark).
fn narrow_katakana(text: &str) -> String {
    let half = |c: char| {
        KATAKANA_FULL
            .chars()
            .position(|f| f == c)
            .and_then(|i| KATAKANA_HALF.chars().nth(i))
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let (base, mark) = if "ガギグゲゴザジズゼゾダヂヅデドバビブベボ".contains(c)
        {
            (char::from_u32(c as u32 - 1), Some('ﾞ'))
        } else if "パピプペポ".contains(c) {
            (char::from_u32(c as u32 - 2), Some('ﾟ'))
        } else if c == 'ヴ' {
            (Some('ウ'), Some('ﾞ'))
        } else {
            (Some(c), None)
        };
        match base.and_then(half) {
            Some(h) => {
                out.push(h);
                out.extend(mark);
            }
            None => out.push(c),
        }
    }
    out
}

fn change_punctuation(rng: &mut Rng, text: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match (lang, c) {
            (Lang::Japanese, '。') => {
                out.push_str(["。", "．", "。\n", "。 ", "\n", "！", ""][rng.below(7)])
            }
            (Lang::Japanese, '、') => out.push_str(["、", "，", " ", "", "　"][rng.below(5)]),
            (Lang::Japanese, '「') => out.push('『'),
            (Lang::Japanese, '」') => out.push('』'),
            (Lang::English, '.') => out.push_str([".", ". ", ".\n", "!", ";"][rng.below(5)]),
            (Lang::English, ',') => out.push_str(["", " ,", ",", ";"][rng.below(4)]),
            (Lang::English, ' ') if rng.chance(0.05) => out.push_str("  "),
            _ => out.push(c),
        }
        if lang == Lang::Japanese && rng.chance(0.01) {
            out.push(' ');
        }
    }
    out
}

/// Chars used to substitute or insert in edited copies.
const EDIT_CHARS_JA: &str = "あいうえおかきくけこさしすせそたちつてとなにのはひふまみむもやよらりるれろわを国民制度情報行政手続的性化市町村";
const EDIT_CHARS_EN: &str = "abcdefghijklmnopqrstuvwxyz";

/// Substitutes, deletes or inserts 1-3 % of the chars (at least one).
fn edit_chars(rng: &mut Rng, text: &str, lang: Lang) -> String {
    let pool: Vec<char> = match lang {
        Lang::Japanese => EDIT_CHARS_JA.chars().collect(),
        Lang::English => EDIT_CHARS_EN.chars().collect(),
    };
    let mut chars: Vec<char> = text.chars().collect();
    let rate = 0.01 + 0.02 * rng.unit();
    let edits = ((chars.len() as f64 * rate).round() as usize).max(1);
    for _ in 0..edits {
        let at = rng.below(chars.len());
        let replacement = pool.get(rng.below(pool.len())).copied().unwrap_or('x');
        match rng.below(4) {
            0 => {
                chars.remove(at);
            }
            1 => chars.insert(at, replacement),
            _ => {
                if let Some(c) = chars.get_mut(at) {
                    *c = replacement;
                }
            }
        }
    }
    chars.into_iter().collect()
}

/// Short one-line opinions that many people write independently.
const SHORT_OPINIONS: &[&str] = &[
    "反対です。",
    "賛成です。",
    "反対します",
    "賛成します。",
    "断固反対！",
    "絶対反対です",
    "反対。",
    "賛成",
    "よく考えてください。",
    "やめてください。",
    "大賛成です！",
    "反対です！！",
    "慎重に。",
    "特になし",
    "意見なし。",
    "白紙撤回を求めます。",
    "マイナ保険証に反対します。",
    "紙の保険証を残してください。",
    "I oppose this.",
    "I agree.",
    "Strongly against.",
];

fn make_short(rng: &mut Rng) -> String {
    let text = rng.pick(SHORT_OPINIONS).to_string();
    match rng.below(4) {
        0 => widen_ascii(&text),
        1 => format!("{text}\n"),
        2 => text.replace('。', "．"),
        _ => text,
    }
}

fn make_hard_negative(rng: &mut Rng, letters: &[Letter], popular: &[Sentence]) -> String {
    let lang = lang_for(rng);
    let mut shared: Vec<Sentence> = Vec::new();
    let same_lang: Vec<&Letter> = letters.iter().filter(|l| l.lang == lang).collect();
    if let Some(letter) = same_lang.get(rng.below(same_lang.len())) {
        // Quote one or two body sentences (not the generic opening or closing).
        let body = letter.sentences.len().saturating_sub(2).max(1);
        for _ in 0..rng.between(1, 2) {
            if let Some(s) = letter.sentences.get(1 + rng.below(body)) {
                shared.push(s.clone());
            }
        }
    }
    let popular_same: Vec<&Sentence> = popular.iter().filter(|s| s.lang == lang).collect();
    for _ in 0..rng.below(3) {
        if let Some(s) = popular_same.get(rng.below(popular_same.len())) {
            shared.push((*s).clone());
        }
    }
    // A sentence is quoted once; quoting it twice would make it most of the text.
    shared.sort_by(|a, b| a.text.cmp(&b.text));
    shared.dedup_by(|a, b| a.text == b.text);
    // Own words make up most of the opinion, as in a real unique opinion.
    let shared_len = char_len(&shared);
    let theme = rng.below(THEMES.len());
    let mut own = Vec::new();
    while own.len() < 2 || char_len(&own) < shared_len + shared_len / 2 {
        own.push(own_sentence(rng, theme, lang));
    }
    let mut sentences = own;
    for s in shared {
        let at = rng.below(sentences.len() + 1);
        sentences.insert(at, s);
    }
    join(&sentences)
}

fn make_same_topic(rng: &mut Rng) -> String {
    let lang = lang_for(rng);
    let theme = rng.below(THEMES.len());
    let count = rng.between(3, 8);
    let sentences: Vec<Sentence> = (0..count)
        .map(|i| {
            // Mostly the writer's own words, sometimes a letter-like sentence.
            if i == 0 || rng.chance(0.8) {
                own_sentence(rng, theme, lang)
            } else {
                formal_sentence(rng, theme, lang)
            }
        })
        .collect();
    join(&sentences)
}

/// A sentence in an opinion's own words, assembled from an optional context,
/// a situation and a claim, so that opinions do not share sentence skeletons.
fn own_sentence(rng: &mut Rng, theme: usize, lang: Lang) -> Sentence {
    let (context, situations, claims) = match lang {
        Lang::Japanese => (CONTEXT_JA, SITUATIONS_JA, CLAIMS_JA),
        Lang::English => (CONTEXT_EN, SITUATIONS_EN, CLAIMS_EN),
    };
    let mut text = String::new();
    if rng.chance(0.7) {
        text.push_str(&sentence(rng, theme, lang, context).text);
    }
    let situation = sentence(rng, theme, lang, situations).text;
    let claim = sentence(rng, theme, lang, claims).text;
    match lang {
        Lang::Japanese => {
            text.push_str(&situation);
            text.push('、');
            text.push_str(&claim);
            text.push('。');
        }
        Lang::English => {
            text.push_str(&situation);
            text.push(' ');
            text.push_str(&claim);
            text.push('.');
            let mut chars = text.chars();
            let first = chars.next().map(|c| c.to_uppercase().to_string());
            text = first.unwrap_or_default() + chars.as_str();
        }
    }
    Sentence { text, lang }
}

fn formal_sentence(rng: &mut Rng, theme: usize, lang: Lang) -> Sentence {
    let patterns = match lang {
        Lang::Japanese => FORMAL_JA,
        Lang::English => FORMAL_EN,
    };
    sentence(rng, theme, lang, patterns)
}

/// A personal sentence: on the opinion's own theme or a self-introduction.
fn personal_sentence(rng: &mut Rng, lang: Lang, about_topic: bool) -> Sentence {
    let patterns = match (lang, about_topic) {
        (Lang::Japanese, true) => PERSONAL_JA,
        (Lang::Japanese, false) => INTRO_JA,
        (Lang::English, true) => PERSONAL_EN,
        (Lang::English, false) => INTRO_EN,
    };
    let theme = rng.below(THEMES.len());
    let mut personal = sentence(rng, theme, lang, patterns);
    // A date or occasion makes personal sentences as varied as real ones.
    // English patterns have fewer slots, so they always get one.
    let context_share = match lang {
        Lang::Japanese => 0.6,
        Lang::English => 1.0,
    };
    if about_topic && rng.chance(context_share) {
        let context = match lang {
            Lang::Japanese => CONTEXT_JA,
            Lang::English => CONTEXT_EN,
        };
        let prefix = sentence(rng, theme, lang, context);
        personal.text = match lang {
            Lang::Japanese => format!("{}{}", prefix.text, personal.text),
            Lang::English => {
                let mut chars = personal.text.chars();
                let first = chars.next().map(|c| c.to_lowercase().to_string());
                let lowered = match personal.text.strip_prefix("I ") {
                    Some(_) => personal.text.clone(),
                    None => first.unwrap_or_default() + chars.as_str(),
                };
                format!("{}{}", prefix.text, lowered)
            }
        };
    }
    personal
}

fn opening_patterns(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Japanese => OPENING_JA,
        Lang::English => OPENING_EN,
    }
}

fn closing_patterns(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Japanese => CLOSING_JA,
        Lang::English => CLOSING_EN,
    }
}

/// Fills a pattern's `{slot}`s with random words of the theme.
fn sentence(rng: &mut Rng, theme: usize, lang: Lang, patterns: &[&str]) -> Sentence {
    let pattern = rng.pick(patterns);
    let mut text = String::with_capacity(pattern.len() * 2);
    let mut rest = pattern;
    let mut previous = String::new();
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let name = &after[..close];
        let mut word = slot(rng, theme, lang, name);
        // A second slot of the same kind ({group}や{group2}) names something else.
        for _ in 0..4 {
            if word != previous {
                break;
            }
            word = slot(rng, theme, lang, name);
        }
        text.push_str(&word);
        previous = word;
        rest = &after[close + 1..];
    }
    text.push_str(rest);
    Sentence { text, lang }
}

fn slot(rng: &mut Rng, theme: usize, lang: Lang, name: &str) -> String {
    let t = THEMES.get(theme).unwrap_or(&THEMES[0]);
    let ja = lang == Lang::Japanese;
    let word = |rng: &mut Rng, ja_words: &[&str], en_words: &[&str]| {
        rng.pick(if ja { ja_words } else { en_words }).to_string()
    };
    match name {
        "topic" | "topic2" => word(rng, t.topics, t.topics_en),
        "plan" => word(rng, t.plans, t.topics_en),
        "concern" | "concern2" => word(rng, CONCERNS_JA, CONCERNS_EN),
        "group" | "group2" => word(rng, GROUPS_JA, GROUPS_EN),
        "demand" => word(rng, DEMANDS_JA, DEMANDS_EN),
        "actor" => word(rng, ACTORS_JA, ACTORS_EN),
        "eval" => word(rng, EVALS_JA, EVALS_EN),
        "feel" => word(rng, FEELINGS_JA, EVALS_EN),
        "aspect" => word(rng, ASPECTS_JA, ASPECTS_EN),
        "pref" => word(rng, PREFECTURES_JA, PREFECTURES_EN),
        "city" => word(rng, CITIES_JA, PREFECTURES_EN),
        "job" => word(rng, JOBS_JA, JOBS_EN),
        "person" => word(rng, PERSONS_JA, PERSONS_EN),
        "place" => word(rng, PLACES_JA, PLACES_EN),
        "device" => word(rng, DEVICES_JA, DEVICES_EN),
        "priority" => word(rng, PRIORITIES_JA, PRIORITIES_EN),
        "experience" => word(rng, EXPERIENCES_JA, EXPERIENCES_EN),
        "surname" => word(rng, SURNAMES, SURNAMES_EN),
        "age" => word(rng, AGES_JA, AGES_EN),
        "year" => rng.between(2019, 2031).to_string(),
        "num" => rng.between(12, 980).to_string(),
        "num2" => rng.between(100, 9_999).to_string(),
        "minutes" => rng.between(10, 180).to_string(),
        "month" => rng.between(1, 12).to_string(),
        "day" => rng.between(1, 28).to_string(),
        "month_en" => rng.pick(MONTHS_EN).to_string(),
        _ => String::new(),
    }
}

/// A policy theme with its Japanese and English topic words.
struct Theme {
    topics: &'static [&'static str],
    plans: &'static [&'static str],
    topics_en: &'static [&'static str],
}

const THEMES: &[Theme] = &[
    Theme {
        topics: &[
            "マイナンバーカード",
            "マイナ保険証",
            "健康保険証の廃止",
            "マイナンバーカードの更新手続",
            "マイナンバーカードの取得促進",
        ],
        plans: &[
            "マイナンバー制度の見直し方針（案）",
            "健康保険証の廃止に関する省令案",
        ],
        topics_en: &[
            "the My Number card",
            "the abolition of health insurance cards",
            "the card renewal procedure",
            "the health insurance card link-up",
        ],
    },
    Theme {
        topics: &[
            "行政手続のオンライン化",
            "電子申請",
            "オンライン申請システム",
            "書面手続の廃止",
            "窓口業務の縮小",
        ],
        plans: &[
            "行政手続オンライン化推進計画（案）",
            "電子申請の原則化に関する方針案",
        ],
        topics_en: &[
            "online administrative procedures",
            "the online application system",
            "the end of paper forms",
            "the reduction of service counters",
        ],
    },
    Theme {
        topics: &[
            "個人情報保護制度",
            "個人情報の利活用",
            "医療情報の二次利用",
            "匿名加工情報の提供",
            "個人情報保護委員会の監督",
        ],
        plans: &[
            "個人情報保護法の改正案",
            "医療情報の利活用に関する基本方針（案）",
        ],
        topics_en: &[
            "the personal information protection rules",
            "secondary use of medical data",
            "anonymised data sharing",
            "the oversight commission",
        ],
    },
    Theme {
        topics: &[
            "デジタル庁",
            "デジタル庁の体制",
            "ガバメントクラウド",
            "デジタル庁の調達",
            "デジタル人材の確保",
        ],
        plans: &[
            "デジタル社会の実現に向けた重点計画（案）",
            "デジタル庁設置に関する基本方針案",
        ],
        topics_en: &[
            "the Digital Agency",
            "the government cloud",
            "digital procurement",
            "the recruitment of digital staff",
        ],
    },
    Theme {
        topics: &[
            "地方自治体のシステム標準化",
            "基幹業務システムの移行",
            "標準準拠システム",
            "システム移行の期限",
            "自治体情報システムの共同化",
        ],
        plans: &[
            "自治体情報システム標準化基本方針（案）",
            "標準化法に基づく移行計画案",
        ],
        topics_en: &[
            "the standardisation of local government systems",
            "the system migration deadline",
            "the shared municipal systems",
            "the standard-compliant software",
        ],
    },
    Theme {
        topics: &[
            "教育のデジタル化",
            "GIGAスクール構想",
            "一人一台端末",
            "デジタル教科書",
            "学習データの活用",
        ],
        plans: &[
            "教育データ利活用ロードマップ（案）",
            "デジタル教科書導入方針案",
        ],
        topics_en: &[
            "digital education",
            "digital textbooks",
            "one device per pupil",
            "the use of learning data",
        ],
    },
    Theme {
        topics: &[
            "医療DX",
            "電子カルテの標準化",
            "電子処方箋",
            "オンライン診療",
            "全国医療情報プラットフォーム",
        ],
        plans: &[
            "医療DX推進工程表（案）",
            "電子カルテ情報共有サービスに関する方針案",
        ],
        topics_en: &[
            "medical digital transformation",
            "electronic prescriptions",
            "online consultations",
            "shared electronic health records",
        ],
    },
    Theme {
        topics: &[
            "公金受取口座の登録",
            "給付金のオンライン申請",
            "キャッシュレス決済の推進",
            "預貯金口座とのひも付け",
            "行政ポイントの付与",
        ],
        plans: &[
            "公金受取口座登録制度の運用方針（案）",
            "給付手続の迅速化に関する計画案",
        ],
        topics_en: &[
            "the registration of benefit bank accounts",
            "cashless payments",
            "online benefit applications",
            "administrative reward points",
        ],
    },
];

const OPENING_JA: &[&str] = &[
    "{plan}について、以下のとおり意見を申し上げます。",
    "{plan}に反対する立場から意見を提出します。",
    "{plan}に関して、国民の一人として意見を述べます。",
    "{actor}が公表した{plan}について意見を申し上げます。",
    "{plan}の内容を拝見し、次の点について意見を提出いたします。",
];

const CLOSING_JA: &[&str] = &[
    "以上の理由から、本案には反対します。",
    "国民の理解が得られるまで、導入を延期してください。",
    "以上、よろしくお願いいたします。",
    "国民の声に真摯に耳を傾けていただくよう、強く要望します。",
    "以上の点を踏まえ、計画を根本から再検討してください。",
    "これらの課題が解決されない限り、本案に賛成することはできません。",
];

const FORMAL_JA: &[&str] = &[
    "{topic}について、{concern}が強く懸念されます。",
    "{actor}は{topic}を推進していますが、{concern}への対策が十分とは言えません。",
    "特に{group}にとって、{topic}は大きな負担となります。",
    "{year}年度までに{topic}を完了させるという計画は、{eval}。",
    "{topic}の{aspect}について、{demand}。",
    "{num}億円を超える予算を投じる以上、{aspect}を明確に示すべきです。",
    "{concern}が起きた場合の{aspect}が、案の中では示されていません。",
    "{group}や{group2}が取り残されることのないよう、{demand}。",
    "これまでに全国で{num2}件を超える{concern}が報告されています。",
    "{topic}を急ぐあまり、{concern}や{concern2}への備えが後回しにされています。",
    "{actor}には、{topic}の{aspect}について{demand}。",
    "{concern}と{concern2}の双方に対応できる仕組みを整えることが先決です。",
    "現場で働く{job}からも、{concern}を心配する声が上がっています。",
    "{topic}の導入にあたっては、{group}への配慮が欠かせません。",
    "{topic2}と{topic}を一体的に進めるのであれば、{aspect}の見直しが必要です。",
    "{pref}をはじめ各地の自治体で、{concern}への対応に追われているのが実情です。",
    "諸外国の事例を見ても、{topic}には{aspect}の十分な検討が求められます。",
    "{topic}は本来、国民の利便性を高めるためのものであるはずです。",
    "{year}年に実施された調査では、{group}の約{num}人に一人が{topic}に不安を感じていると答えています。",
    "{aspect}が不透明なまま{topic}を義務化することは、{eval}。",
    "{actor}と{actor}の役割分担が曖昧なため、{concern}の責任の所在がはっきりしません。",
    "{topic}に関する説明は専門用語が多く、{group}には理解しにくい内容です。",
];

const PERSONAL_JA: &[&str] = &[
    "私の{person}は{topic}の手続ができず、とても困っています。",
    "{pref}に住んでいますが、{topic}についての説明会は一度もありませんでした。",
    "先日{city}市の{place}に行ったところ、{minutes}分も待たされました。",
    "{topic}には{feel}。",
    "正直なところ、{concern}が一番心配です。",
    "{job}として働く立場から見ても、{topic}は{eval}。",
    "うちの{person}は{device}を持っていません。",
    "{topic}より先に、{priority}に予算を使ってほしいです。",
    "ニュースで{concern}の報道を見て、不安になりました。",
    "{year}年に{topic}を使ってみましたが、{experience}。",
    "{person}の代わりに手続をしようとしたら、{experience}。",
    "{device}の操作が苦手な{person}には、{topic}は難しすぎます。",
    "家族で話し合った結果、{topic}には{feel}。",
    "{city}市の{place}では、{topic}の案内がほとんどありませんでした。",
    "{age}代の私は{person}と暮らしていますが、{minutes}分かけても{device}の設定が終わりませんでした。",
    "近所の{place}で{num}人ほどが列を作っているのを見ました。",
];

const INTRO_JA: &[&str] = &[
    "私は{pref}在住の{job}です。",
    "私は二児の母です。",
    "私は{age}代の{job}です。",
    "{pref}{city}市に住む{surname}と申します。",
    "以下の意見に賛同します。",
    "知人から紹介された文章ですが、私も全く同じ考えです。",
    "私の{person}も同じ意見です。",
    "どうかよろしくお願いいたします。",
    "ぜひ真剣に検討してください。",
    "{person}のためにも、よろしくお願いします。",
    "{surname}（{age}代・{job}）",
    "{pref}で{job}をしている者です。",
];

const OPENING_EN: &[&str] = &[
    "I am writing to comment on {plan}.",
    "Please accept this comment on {plan}.",
    "As a resident, I wish to object to the current plan for {plan}.",
];

const CLOSING_EN: &[&str] = &[
    "For these reasons, I oppose the draft.",
    "Please postpone the plan until these issues are resolved.",
    "Thank you for considering my comment.",
    "I ask you to listen to the public and revise the plan.",
];

const FORMAL_EN: &[&str] = &[
    "The draft does not explain how {concern} will be prevented.",
    "{group} will find it hard to deal with {topic}.",
    "I urge the government to {demand}.",
    "A budget of {num} billion yen should instead be spent on {priority}.",
    "Paper-based procedures for {topic} must remain available to those who need them.",
    "In {pref}, residents have already reported {concern}.",
    "The target year of {year} for {topic} is {eval}.",
    "Before expanding {topic}, the government should publish an independent review of {aspect}.",
    "Neither {concern} nor {concern2} is addressed in the draft.",
    "Many people working as a {job} share these concerns about {topic}.",
    "More than {num2} cases of {concern} have been reported so far.",
    "The plan says little about {aspect}, which is essential for {topic}.",
];

const PERSONAL_EN: &[&str] = &[
    "My {person} could not complete the procedure for {topic}.",
    "I waited {minutes} minutes at the {place} last month.",
    "Honestly, I am most worried about {concern}.",
    "I tried {topic} in {year} and {experience}.",
    "I think {topic} is {eval}.",
    "My {person} does not own a {device}.",
    "Nobody at the {place} in {pref} could explain {topic} to me.",
    "My {person} spent {minutes} minutes trying to register for {topic}.",
    "The staff at the {place} told me that {topic} would start in {year}.",
    "When I asked about {concern}, nobody at the {place} could answer.",
    "I have used a {device} for {num} days and still cannot log in.",
    "Our neighbourhood association discussed {topic} with {num} residents.",
];

const INTRO_EN: &[&str] = &[
    "I live in {pref} and work as a {job}.",
    "I fully support the letter below.",
    "Thank you for reading my comment.",
    "Please take this seriously.",
    "My name is {surname} and I am a {job} in {pref}.",
    "I am in my {age} and my {person} agrees with me.",
];

const CONTEXT_JA: &[&str] = &[
    "{month}月{day}日、",
    "先週、",
    "昨年の{month}月に、",
    "{year}年の夏、",
    "今朝、",
    "{day}日ほど前、",
    "{city}市に引っ越してから、",
    "{month}月の説明会で聞いたのですが、",
];

const CONTEXT_EN: &[&str] = &[
    "On {month_en} {day}, ",
    "Last week, ",
    "In {month_en} {year}, ",
    "Since moving to {pref}, ",
    "{day} days ago, ",
    "At a meeting in {month_en}, ",
];

const MONTHS_EN: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const SITUATIONS_JA: &[&str] = &[
    "{person}が{place}で{topic}の手続をした際",
    "{topic}の説明を{city}市の{place}で受けたとき",
    "{pref}の{place}では",
    "{job}の立場から言えば",
    "{topic}について自分で調べてみると",
    "{group}の声を聞くと",
    "今の{aspect}のままでは",
    "{year}年の制度改正以降",
    "{device}で{topic}を試したところ",
    "私が働く{place}には毎日{num}人ほどが来ますが",
    "{person}に{topic}の話をすると",
    "{actor}の資料を{minutes}分ほど読みましたが",
    "{topic}と{topic2}の違いについて",
    "{month}月に届いた案内によれば",
];

const CLAIMS_JA: &[&str] = &[
    "{concern}が心配でなりません",
    "{concern}は避けられないと思います",
    "{aspect}が分かりにくいです",
    "{aspect}が全く説明されていませんでした",
    "{topic}は{eval}",
    "{group}は取り残されてしまいます",
    "{num}件もの{concern}が放置されていると聞きました",
    "{demand}",
    "{person}は手続を諦めてしまいました",
    "窓口で{minutes}分も待つことになりました",
    "{priority}のほうがよほど大切です",
    "{concern}への備えが足りないと感じました",
];

const SITUATIONS_EN: &[&str] = &[
    "my {person} in {city}",
    "the staff at the {place}",
    "people like my {person}",
    "everyone I know who works as a {job}",
    "our neighbourhood association of {num} households",
    "the leaflet we received in {month_en}",
    "a {job} I spoke to at the {place}",
    "most residents of {pref}",
    "the website for {topic}",
    "my colleagues at the {place}",
];

const CLAIMS_EN: &[&str] = &[
    "cannot cope with {topic}",
    "worry a great deal about {concern}",
    "were never told anything about {aspect}",
    "waited {minutes} minutes for help with {topic}",
    "think that {topic} is {eval}",
    "would rather see the money spent on {priority}",
    "asked the city {num} times to {demand}",
    "say that {concern} has already happened in {pref}",
    "could not explain {aspect} at all",
    "found the {device} setup for {topic} impossible",
];

const CONCERNS_JA: &[&str] = &[
    "個人情報の漏えい",
    "システム障害",
    "誤った紐付け",
    "不正アクセス",
    "情報格差の拡大",
    "費用の増大",
    "窓口の混雑",
    "高齢者の負担増",
    "災害時の対応",
    "運用コストの増加",
    "監視社会化",
    "サイバー攻撃",
    "自治体職員の負担",
    "国民への説明不足",
    "セキュリティ対策の遅れ",
    "委託先の管理不足",
    "特定ベンダーへの依存",
    "データの目的外利用",
    "通信障害時の混乱",
    "暗証番号の管理",
];

const CONCERNS_EN: &[&str] = &[
    "data leaks",
    "system failures",
    "incorrect data linkage",
    "unauthorised access",
    "the digital divide",
    "rising costs",
    "long queues at service counters",
    "cyber attacks",
    "vendor lock-in",
    "use of data beyond its original purpose",
];

const GROUPS_JA: &[&str] = &[
    "高齢者",
    "障害のある方",
    "外国籍の住民",
    "子育て世帯",
    "中小企業",
    "離島や山間部の住民",
    "視覚障害のある方",
    "一人暮らしの高齢者",
    "介護施設の入所者",
    "若い世代",
    "生活困窮者",
    "デジタル機器に不慣れな人",
];

const GROUPS_EN: &[&str] = &[
    "Elderly people",
    "People with disabilities",
    "Foreign residents",
    "Families with small children",
    "Small businesses",
    "Residents of remote islands",
];

const DEMANDS_JA: &[&str] = &[
    "抜本的な見直しを求めます",
    "慎重な検討を求めます",
    "撤回を強く求めます",
    "丁寧な説明をお願いします",
    "十分な周知期間を設けてください",
    "第三者による検証を実施してください",
    "国民の声を反映させてください",
    "拙速な導入は避けるべきです",
    "早期の実現を期待します",
    "予算の使途を明らかにしてください",
    "選択制を維持してください",
    "紙の手続も残してください",
    "具体的な数値目標を示してください",
    "地方の実情を踏まえた支援をお願いします",
];

const DEMANDS_EN: &[&str] = &[
    "reconsider the plan",
    "extend the consultation period",
    "keep the current system as an option",
    "publish the full cost estimate",
    "commission an independent security audit",
    "explain the plan to residents in person",
];

const ACTORS_JA: &[&str] = &[
    "国",
    "政府",
    "デジタル庁",
    "自治体",
    "総務省",
    "厚生労働省",
    "文部科学省",
    "個人情報保護委員会",
    "各省庁",
    "内閣府",
];

const ACTORS_EN: &[&str] = &["the government", "the Digital Agency", "the ministry"];

const EVALS_JA: &[&str] = &[
    "時期尚早だと考えます",
    "拙速と言わざるを得ません",
    "大いに期待しています",
    "一定の評価ができます",
    "不安を感じます",
    "到底納得できません",
    "現実的ではありません",
    "方向性には賛成です",
    "問題が多いと思います",
    "説明が不十分です",
    "国民不在の議論です",
];

const EVALS_EN: &[&str] = &[
    "unrealistic",
    "premature",
    "a welcome step",
    "too ambitious",
    "poorly justified",
    "reasonable",
];

const FEELINGS_JA: &[&str] = &[
    "不安しかありません",
    "期待しています",
    "反対です",
    "賛成できません",
    "大いに賛成です",
    "疑問を感じます",
    "納得がいきません",
    "慎重であってほしいと思います",
];

const ASPECTS_JA: &[&str] = &[
    "運用体制",
    "費用対効果",
    "安全管理措置",
    "スケジュール",
    "説明責任",
    "利用者への支援",
    "問い合わせ窓口",
    "データの管理方法",
    "責任の所在",
    "代替手段",
    "障害発生時の手順",
];

const ASPECTS_EN: &[&str] = &[
    "data management",
    "cost effectiveness",
    "security measures",
    "the schedule",
    "accountability",
    "user support",
];

const PREFECTURES_JA: &[&str] = &[
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

const PREFECTURES_EN: &[&str] = &[
    "Saitama",
    "Osaka",
    "Hokkaido",
    "Fukuoka",
    "Aichi",
    "Miyagi",
    "Hiroshima",
    "Okinawa",
    "Nagano",
    "Kyoto",
];

const CITIES_JA: &[&str] = &[
    "さいたま",
    "川口",
    "横浜",
    "川崎",
    "千葉",
    "船橋",
    "札幌",
    "仙台",
    "新潟",
    "静岡",
    "浜松",
    "名古屋",
    "京都",
    "大阪",
    "堺",
    "神戸",
    "岡山",
    "広島",
    "福岡",
    "熊本",
    "那覇",
    "松山",
    "高松",
    "金沢",
    "長野",
    "宇都宮",
    "前橋",
    "水戸",
    "盛岡",
    "秋田",
];

const JOBS_JA: &[&str] = &[
    "会社員",
    "自営業",
    "看護師",
    "教員",
    "公務員",
    "主婦",
    "大学生",
    "農家",
    "介護職員",
    "エンジニア",
    "年金生活者",
    "パート従業員",
    "医師",
    "薬剤師",
    "保育士",
    "税理士",
    "行政書士",
    "漁業者",
];

const JOBS_EN: &[&str] = &[
    "nurse",
    "teacher",
    "engineer",
    "farmer",
    "civil servant",
    "student",
    "pensioner",
    "doctor",
];

const PERSONS_JA: &[&str] = &[
    "高齢の母",
    "八十代の父",
    "小学生の息子",
    "中学生の娘",
    "一人暮らしの祖母",
    "障害のある兄",
    "近所の高齢者",
    "職場の同僚",
    "認知症の祖父",
    "外国籍の友人",
];

const PERSONS_EN: &[&str] = &[
    "mother",
    "father",
    "grandmother",
    "son",
    "daughter",
    "neighbour",
];

const PLACES_JA: &[&str] = &[
    "市役所",
    "区役所",
    "町役場",
    "郵便局",
    "病院",
    "薬局",
    "出張所",
    "公民館",
];

const PLACES_EN: &[&str] = &["city office", "post office", "ward office", "hospital"];

const DEVICES_JA: &[&str] = &["スマートフォン", "パソコン", "タブレット", "カードリーダー"];

const DEVICES_EN: &[&str] = &["smartphone", "computer", "card reader"];

const PRIORITIES_JA: &[&str] = &[
    "医療や介護",
    "子育て支援",
    "災害対策",
    "学校の耐震化",
    "公共交通の維持",
    "物価高対策",
    "道路の補修",
];

const PRIORITIES_EN: &[&str] = &[
    "health care",
    "child care",
    "disaster prevention",
    "public transport",
];

const EXPERIENCES_JA: &[&str] = &[
    "途中でエラーが出て最後まで進めませんでした",
    "思ったより簡単に終わりました",
    "説明が分かりにくく何度もやり直しました",
    "本人確認で何度も失敗しました",
    "結局窓口に行くことになりました",
    "暗証番号を三回間違えてロックされました",
];

const EXPERIENCES_EN: &[&str] = &[
    "the app crashed twice",
    "it worked without problems",
    "the instructions were confusing",
    "I had to visit the office anyway",
];

const SURNAMES: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
];

const SURNAMES_EN: &[&str] = &["Sato", "Suzuki", "Takahashi", "Tanaka", "Smith", "Brown"];

const AGES_JA: &[&str] = &["二十", "三十", "四十", "五十", "六十", "七十", "八十"];

const AGES_EN: &[&str] = &[
    "twenties",
    "thirties",
    "forties",
    "fifties",
    "sixties",
    "seventies",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_gives_same_data() {
        let config = Config {
            submissions: 500,
            seed: 7,
        };
        let (a, b) = (generate(config), generate(config));
        assert_eq!(a, b);
        assert_eq!(a.len(), 500);
        let other = generate(Config { seed: 8, ..config });
        assert_ne!(a, other);
    }

    #[test]
    fn shares_and_letter_lengths_are_as_configured() {
        let data = generate(Config {
            submissions: 4_000,
            seed: 1,
        });
        let copies = data
            .iter()
            .filter(|(_, truth)| matches!(truth, Truth::Copy { .. }))
            .count();
        assert!((2_300..=2_500).contains(&copies), "{copies}");
        assert_eq!(data.templates().len(), CAMPAIGNS_MIN);
        assert!(data.iter().all(|(text, _)| !text.is_empty()));
        for letter in data.templates() {
            let len = letter.chars().count();
            assert!(
                (LETTER_CHARS_MIN..=2 * LETTER_CHARS_MAX + 200).contains(&len),
                "{len}"
            );
        }
    }

    #[test]
    fn half_width_katakana_round_trips_through_nfkc() {
        use unicode_normalization::UnicodeNormalization;
        let text = "マイナンバーカードのパスワードをガイドに従って更新";
        let narrow = narrow_katakana(text);
        assert_ne!(narrow, text);
        assert_eq!(narrow.nfkc().collect::<String>(), text);
    }
}
