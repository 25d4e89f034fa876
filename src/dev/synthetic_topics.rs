//! Synthetic, labelled consultation opinions for evaluating topic grouping.
//!
//! Ten themes of a digital-policy consultation, each with its own vocabulary, sentences and
//! stances (賛成・反対・懸念・要望). Texts combine theme sentences, stance frames filled with
//! theme terms, and generic remarks shared by all themes; some texts mix in a second theme,
//! some are one short sentence, some are English, some name a section of the draft, some are
//! written in full-width characters, and a few are campaigns with large weights. Every text
//! is distinct. Everything follows from the seed. Also here: the homogeneity and completeness
//! scores (the two halves of the V-measure) for comparing a grouping with the known themes.

use std::collections::{BTreeMap, HashSet};

/// One theme of the synthetic consultation.
#[derive(Debug)]
pub struct Theme {
    /// Name of the theme (also the title of its section of the draft).
    pub name: &'static str,
    /// Relative frequency of the theme among opinions.
    pub share: u32,
    /// Terms of the theme, used to fill stance frames.
    pub terms: &'static [&'static str],
    /// Sentences only this theme's opinions write.
    pub sentences: &'static [&'static str],
    /// English terms of the theme.
    pub english_terms: &'static [&'static str],
}

/// The ten themes, most frequent first.
pub const THEMES: &[Theme] = &[
    Theme {
        name: "マイナンバーカードと健康保険証",
        share: 22,
        terms: &[
            "マイナンバーカード",
            "マイナ保険証",
            "健康保険証",
            "保険証廃止",
            "資格確認書",
            "紐付け",
            "誤登録",
            "医療機関",
            "薬局",
            "顔認証",
            "暗証番号",
            "利用登録",
            "医療費通知",
            "カードリーダー",
        ],
        sentences: &[
            "健康保険証の廃止は延期すべきです。",
            "マイナ保険証で別人の情報が紐付けられた事例があり不安です。",
            "医療機関の受付で顔認証がうまく動かないことがあります。",
            "資格確認書の発行手続きを簡単にしてください。",
            "暗証番号を忘れた場合の再設定が大変です。",
            "薬剤情報を医師と共有できるのは便利です。",
            "紙の保険証を残す選択肢を設けてほしい。",
            "マイナンバーカードの更新手続きが面倒です。",
        ],
        english_terms: &[
            "My Number card",
            "health insurance card",
            "linking errors",
            "face recognition",
            "PIN codes",
            "hospital reception",
        ],
    },
    Theme {
        name: "行政手続のオンライン化",
        share: 14,
        terms: &[
            "オンライン申請",
            "電子申請",
            "行政手続",
            "押印廃止",
            "添付書類",
            "書面主義",
            "ワンストップサービス",
            "マイナポータル",
            "電子署名",
            "申請様式",
            "処理期間",
            "引越手続",
            "確定申告",
            "申請画面",
        ],
        sentences: &[
            "役所に行かずにオンライン申請できるのは助かります。",
            "電子申請の画面が分かりにくく途中で諦めました。",
            "添付書類の提出をなくしてほしいです。",
            "引っ越しの手続をワンストップで済ませたい。",
            "押印廃止をさらに進めてください。",
            "マイナポータルのログインが複雑すぎます。",
            "紙の申請書も引き続き受け付けてください。",
            "確定申告のオンライン化はとても便利になりました。",
        ],
        english_terms: &[
            "online applications",
            "paper forms",
            "hanko seals",
            "one-stop service",
            "Mynaportal login",
            "attached documents",
        ],
    },
    Theme {
        name: "地方自治体システム標準化",
        share: 12,
        terms: &[
            "自治体システム",
            "標準化",
            "標準仕様書",
            "基幹業務システム",
            "システム移行",
            "移行期限",
            "移行経費",
            "ベンダー",
            "カスタマイズ",
            "住民記録システム",
            "市町村",
            "財政支援",
            "標準準拠システム",
            "共通機能",
        ],
        sentences: &[
            "標準化の移行期限が厳しすぎて市町村の現場が対応できません。",
            "移行経費は国が全額負担すべきです。",
            "ベンダーの人手不足で標準準拠システムへの移行が遅れています。",
            "標準仕様書の改定が頻繁で開発が追いつきません。",
            "小規模な自治体へのシステム移行支援を拡充してください。",
            "独自のカスタマイズを認めないと住民サービスが低下します。",
            "基幹業務システムの移行後に不具合が多発しています。",
        ],
        english_terms: &[
            "system standardization",
            "migration deadline",
            "migration costs",
            "vendors",
            "municipal systems",
            "customization",
        ],
    },
    Theme {
        name: "デジタル人材育成",
        share: 10,
        terms: &[
            "デジタル人材",
            "人材育成",
            "リスキリング",
            "情報処理技術者",
            "研修制度",
            "民間人材",
            "資格取得",
            "職員研修",
            "キャリアパス",
            "専門人材",
            "外部人材",
            "スキル認定",
            "副業人材",
            "給与体系",
        ],
        sentences: &[
            "自治体にはデジタル人材が圧倒的に不足しています。",
            "リスキリングの講座を無料で受けられるようにしてください。",
            "民間の専門人材を登用しやすい給与体系にすべきです。",
            "職員研修の時間が確保されていません。",
            "地方でもデジタル人材が育つ仕組みを作ってほしい。",
            "資格取得への補助を拡充してください。",
            "若手職員のキャリアパスを明確に示してほしい。",
        ],
        english_terms: &[
            "digital talent",
            "reskilling",
            "training programs",
            "IT specialists",
            "salary levels",
            "skill certification",
        ],
    },
    Theme {
        name: "教育のデジタル化",
        share: 9,
        terms: &[
            "GIGAスクール",
            "一人一台端末",
            "タブレット端末",
            "デジタル教科書",
            "学習データ",
            "教員",
            "校内ネットワーク",
            "通信環境",
            "情報モラル",
            "プログラミング教育",
            "端末更新",
            "保護者負担",
            "授業",
            "ICT支援員",
        ],
        sentences: &[
            "一人一台端末の更新費用を保護者に負担させないでください。",
            "デジタル教科書だけでなく紙の教科書も残してほしい。",
            "校内ネットワークが遅くて授業で端末が使えません。",
            "教員の負担が増えているのでICT支援員を配置してください。",
            "子どもの視力や長時間利用への影響が心配です。",
            "学習データの扱いについて保護者に説明してください。",
            "プログラミング教育を教えられる教員が足りません。",
        ],
        english_terms: &[
            "GIGA School",
            "student tablets",
            "digital textbooks",
            "teachers",
            "school networks",
            "learning data",
        ],
    },
    Theme {
        name: "個人情報保護",
        share: 8,
        terms: &[
            "個人情報",
            "プライバシー",
            "個人情報保護法",
            "情報漏えい",
            "本人同意",
            "利用目的",
            "第三者提供",
            "監視社会",
            "匿名加工情報",
            "個人情報保護委員会",
            "目的外利用",
            "開示請求",
            "安全管理措置",
            "一元管理",
        ],
        sentences: &[
            "個人情報が漏えいした場合の責任の所在を明確にしてください。",
            "本人の同意なく第三者に提供しないでほしい。",
            "国が個人の情報を一元管理することは監視社会につながります。",
            "個人情報保護委員会の権限を強化すべきです。",
            "自分の情報がどこで使われたか確認できる仕組みが欲しい。",
            "目的外利用を厳しく禁止してください。",
            "プライバシーへの配慮が足りないと感じます。",
        ],
        english_terms: &[
            "personal data",
            "privacy",
            "consent",
            "data leaks",
            "surveillance",
            "third-party sharing",
        ],
    },
    Theme {
        name: "アクセシビリティ・高齢者支援",
        share: 8,
        terms: &[
            "高齢者",
            "障害者",
            "アクセシビリティ",
            "デジタルデバイド",
            "読み上げ機能",
            "スマホ教室",
            "デジタル活用支援員",
            "操作説明",
            "文字サイズ",
            "視覚障害",
            "代理申請",
            "対面窓口",
            "家族",
            "スマートフォン",
        ],
        sentences: &[
            "スマートフォンを持っていない高齢者を置き去りにしないでください。",
            "視覚障害者でも使えるように読み上げ機能に対応してほしい。",
            "地域のスマホ教室をもっと増やしてください。",
            "対面の窓口を必ず残してください。",
            "文字が小さくて操作が難しいです。",
            "家族が代理で申請できる仕組みを作ってください。",
            "デジタル活用支援員の派遣を続けてほしい。",
        ],
        english_terms: &[
            "elderly people",
            "accessibility",
            "screen readers",
            "digital divide",
            "in-person counters",
            "smartphone classes",
        ],
    },
    Theme {
        name: "データ連携・オープンデータ",
        share: 7,
        terms: &[
            "オープンデータ",
            "データ連携",
            "ベース・レジストリ",
            "API",
            "データ形式",
            "機械判読",
            "データ利活用",
            "公共データ",
            "データ標準",
            "統計データ",
            "ダッシュボード",
            "データカタログ",
            "民間活用",
            "地理空間情報",
        ],
        sentences: &[
            "公共データをAPIで無償公開してください。",
            "自治体ごとにデータ形式が違うので統一してほしい。",
            "PDFではなく機械判読可能な形式で公開すべきです。",
            "ベース・レジストリの整備を急いでください。",
            "オープンデータを使ったアプリ開発を支援してください。",
            "データカタログが古いまま更新されていません。",
            "統計データをダッシュボードで見られるようにしてほしい。",
        ],
        english_terms: &[
            "open data",
            "APIs",
            "machine-readable formats",
            "data catalogs",
            "base registries",
            "public datasets",
        ],
    },
    Theme {
        name: "サイバーセキュリティ",
        share: 6,
        terms: &[
            "サイバー攻撃",
            "セキュリティ対策",
            "ランサムウェア",
            "不正アクセス",
            "脆弱性",
            "インシデント対応",
            "多要素認証",
            "ゼロトラスト",
            "標的型攻撃",
            "情報セキュリティ",
            "暗号化",
            "バックアップ",
            "監視体制",
            "セキュリティ人材",
        ],
        sentences: &[
            "病院や自治体がランサムウェアの被害に遭っています。",
            "不正アクセスへの監視体制を強化してください。",
            "脆弱性が見つかったら速やかに公表すべきです。",
            "多要素認証を必須にしてほしい。",
            "サイバー攻撃を受けたときの復旧手順を定めてください。",
            "中小企業のセキュリティ対策への補助が必要です。",
            "バックアップを取っていても暗号化されると復旧できません。",
        ],
        english_terms: &[
            "cyber attacks",
            "ransomware",
            "multi-factor authentication",
            "vulnerabilities",
            "incident response",
            "security monitoring",
        ],
    },
    Theme {
        name: "ガバメントクラウド",
        share: 4,
        terms: &[
            "ガバメントクラウド",
            "クラウド移行",
            "運用経費",
            "外資系クラウド",
            "国産クラウド",
            "データ主権",
            "クラウド事業者",
            "ランニングコスト",
            "可用性",
            "障害対応",
            "円安",
            "共同利用方式",
            "移行計画",
            "クラウド利用料",
        ],
        sentences: &[
            "ガバメントクラウドに移行したら運用経費が逆に増えました。",
            "外資系クラウドに依存するのはデータ主権の観点から問題です。",
            "国産クラウドを育成してください。",
            "円安でクラウドの利用料が上がっています。",
            "クラウド事業者の障害時の責任を明確にしてほしい。",
            "移行計画の見直しを求めます。",
            "共同利用方式ならランニングコストを抑えられるはずです。",
        ],
        english_terms: &[
            "government cloud",
            "cloud migration",
            "running costs",
            "foreign cloud providers",
            "data sovereignty",
            "outages",
        ],
    },
];

/// Stance frames; `{a}` and `{b}` take two terms of the theme.
#[rustfmt::skip]
const STANCE_FRAMES: &[&str] = &[
    // 賛成
    "{a}の推進に賛成します。", "{a}は{b}の観点からも望ましいと考えます。", "{a}によって{b}が便利になるので期待しています。", "{a}を早く進めてほしいです。",
    "私は{a}に賛成です。{b}も合わせて進めるべきです。",
    // 反対
    "{a}には反対です。", "{a}を急ぐ必要はないと思います。", "{a}を前提とした{b}には賛成できません。", "拙速な{a}に強く反対します。",
    // 懸念
    "{a}について{b}の面で不安があります。", "{a}で{b}が起きないか心配です。", "{a}に伴う{b}が懸念されます。", "{a}と{b}の関係が分かりにくいです。",
    // 要望
    "{a}については{b}を丁寧に説明してください。", "{a}の前に{b}を整えてほしい。", "{a}に関して{b}の改善を要望します。",
    "{a}を進めるなら{b}への支援を手厚くしてください。",
];

/// One-sentence opinions.
#[rustfmt::skip]
const SHORT_FRAMES: &[&str] = &[
    "{a}に反対。", "{a}に賛成。", "{a}は不要です。", "{a}を急いでほしい。", "{a}と{b}が心配。", "{a}より{b}を優先して。",
    "{a}の{b}を見直して。", "{a}、{b}について再検討を。",
];

/// Remarks any opinion may contain, whatever its theme.
#[rustfmt::skip]
const GENERIC_REMARKS: &[&str] = &[
    "国民への丁寧な説明をお願いします。", "パブリックコメントの期間が短すぎます。", "十分な周知期間を設けてください。", "現場の声をよく聞いてほしい。",
    "予算の使い方を明らかにしてください。", "以上、よろしくお願いいたします。", "地方の実情にも配慮してほしいです。", "いつまでに実施するのか分かりません。",
    "費用対効果を示してください。", "誰一人取り残さない社会にしてください。",
];

/// Openings that vary the start of a text.
#[rustfmt::skip]
const OPENINGS: &[&str] = &[
    "", "", "", "私は", "個人的には、", "正直なところ、", "一市民として、", "現場で働く者として、",
];

/// English sentence frames.
#[rustfmt::skip]
const ENGLISH_FRAMES: &[&str] = &[
    "I support {a}.", "I am worried about {a}.", "{a} and {b} need more attention.",
    "Please explain how {a} will affect {b}.", "The plan for {a} is too rushed.",
    "We need better {a} before {b}.", "Thank you for the chance to comment on {a}.",
    "Without {b}, {a} will not work.",
];

/// A section of the synthetic draft, one per theme.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntheticSection {
    /// Key of the section.
    pub key: String,
    /// Number as printed ("1.1").
    pub number: String,
    /// Title (the theme's name).
    pub title: String,
    /// Body made of the theme's vocabulary.
    pub body: String,
    /// Pages of the section.
    pub pages: (u32, u32),
}

/// One generated opinion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntheticDoc {
    /// Unique id.
    pub id: u64,
    /// The text.
    pub text: String,
    /// Submissions it stands for.
    pub weight: u32,
    /// Index in [`THEMES`] of its main theme.
    pub theme: usize,
    /// A second theme it also touches, if any.
    pub secondary_theme: Option<usize>,
    /// Whether the text names its section (number or page).
    pub names_section: bool,
    /// Whether the text is in English.
    pub english: bool,
}

/// Share (per mille) of texts that mix in a second theme.
const MIXED_PER_MILLE: u64 = 120;
/// Share (per mille) of one-sentence texts.
const SHORT_PER_MILLE: u64 = 100;
/// Share (per mille) of English texts.
const ENGLISH_PER_MILLE: u64 = 30;
/// Share (per mille) of texts naming their section.
const NAMES_SECTION_PER_MILLE: u64 = 60;
/// Share (per mille) of texts typed in full-width characters.
const FULL_WIDTH_PER_MILLE: u64 = 50;
/// Tries to make a distinct text before a short text becomes a long one.
const DISTINCT_TRIES: usize = 20;

/// SplitMix64, so that the generator needs no dependency and is the same everywhere.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        ((u128::from(self.next()) * bound as u128) >> 64) as usize
    }

    fn per_mille(&mut self, chance: u64) -> bool {
        self.next() % 1000 < chance
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The sections of the synthetic draft: theme `t` is section "c.s" with c = t/2 + 1, s = t%2 + 1.
pub fn sections() -> Vec<SyntheticSection> {
    THEMES
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let first_page = 5 + 4 * t as u32;
            SyntheticSection {
                key: section_key(t),
                number: format!("{}.{}", t / 2 + 1, t % 2 + 1),
                title: theme.name.to_owned(),
                body: format!(
                    "{}{}本節では{}について定める。",
                    theme.sentences[0],
                    theme.sentences[1],
                    theme.terms[..6].join("、")
                ),
                pages: (first_page, first_page + 3),
            }
        })
        .collect()
}

/// The key of theme `theme`'s section.
pub fn section_key(theme: usize) -> String {
    format!("section-{theme}")
}

fn fill(frame: &str, a: &str, b: &str) -> String {
    frame.replace("{a}", a).replace("{b}", b)
}

fn two_terms<'a>(random: &mut Random, terms: &[&'a str]) -> (&'a str, &'a str) {
    let a = random.below(terms.len());
    let b = (a + 1 + random.below(terms.len() - 1)) % terms.len();
    (terms[a], terms[b])
}

fn pick_theme(random: &mut Random) -> usize {
    let total: u32 = THEMES.iter().map(|t| t.share).sum();
    let mut target = random.below(total as usize) as u32;
    for (i, theme) in THEMES.iter().enumerate() {
        if target < theme.share {
            return i;
        }
        target -= theme.share;
    }
    THEMES.len() - 1
}

fn stance_sentence(random: &mut Random, theme: usize) -> String {
    let (a, b) = two_terms(random, THEMES[theme].terms);
    fill(random.pick(STANCE_FRAMES), a, b)
}

fn theme_sentence(random: &mut Random, theme: usize) -> String {
    if random.below(2) == 0 {
        random.pick(THEMES[theme].sentences).to_owned()
    } else {
        stance_sentence(random, theme)
    }
}

fn english_text(random: &mut Random, theme: usize) -> String {
    let count = 1 + random.below(3);
    let mut sentences = Vec::new();
    for _ in 0..count {
        let (a, b) = two_terms(random, THEMES[theme].english_terms);
        let mut sentence = fill(random.pick(ENGLISH_FRAMES), a, b);
        if let Some(first) = sentence.get(..1) {
            let upper = first.to_uppercase();
            sentence.replace_range(..1, &upper);
        }
        sentences.push(sentence);
    }
    sentences.join(" ")
}

fn reference_to_section(random: &mut Random, theme: usize) -> String {
    let (chapter, section) = (theme / 2 + 1, theme % 2 + 1);
    let page = 5 + 4 * theme + random.below(4);
    match random.below(4) {
        0 => format!("第{chapter}章第{section}節について。"),
        1 => format!("{chapter}.{section}について意見します。"),
        2 => format!("p.{page}の記述について。"),
        _ => format!("資料{page}ページについて。"),
    }
}

fn long_text(random: &mut Random, theme: usize, secondary: Option<usize>) -> String {
    let count = 4 + random.below(6);
    let mut sentences: Vec<String> = vec![format!(
        "{}{}",
        random.pick(OPENINGS),
        theme_sentence(random, theme)
    )];
    for _ in 1..count {
        if random.below(6) == 0 {
            sentences.push(random.pick(GENERIC_REMARKS).to_owned());
        } else {
            sentences.push(theme_sentence(random, theme));
        }
    }
    if let Some(other) = secondary {
        let at = 1 + random.below(sentences.len());
        sentences.insert(at, stance_sentence(random, other));
    }
    let separator = match random.below(4) {
        0 => "\n",
        1 => " ",
        _ => "",
    };
    sentences.join(separator)
}

fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn weight(random: &mut Random) -> u32 {
    match random.below(1000) {
        0..=4 => 500 + random.below(4_500) as u32,
        5..=19 => 11 + random.below(190) as u32,
        20..=59 => 2 + random.below(9) as u32,
        _ => 1,
    }
}

/// `count` distinct labelled opinions, the same for the same `seed`; ids are 1..=count.
pub fn generate(count: usize, seed: u64) -> Vec<SyntheticDoc> {
    let mut random = Random(seed);
    let mut seen: HashSet<String> = HashSet::with_capacity(count);
    let mut docs = Vec::with_capacity(count);
    while docs.len() < count {
        let theme = pick_theme(&mut random);
        let english = random.per_mille(ENGLISH_PER_MILLE);
        let short = !english && random.per_mille(SHORT_PER_MILLE);
        let secondary = (!english && !short && random.per_mille(MIXED_PER_MILLE))
            .then(|| (theme + 1 + random.below(THEMES.len() - 1)) % THEMES.len());
        let names_section = !english && random.per_mille(NAMES_SECTION_PER_MILLE);
        let mut text = String::new();
        for attempt in 0..DISTINCT_TRIES {
            let body = if english {
                english_text(&mut random, theme)
            } else if short && attempt + 1 < DISTINCT_TRIES {
                let (a, b) = two_terms(&mut random, THEMES[theme].terms);
                fill(random.pick(SHORT_FRAMES), a, b)
            } else {
                long_text(&mut random, theme, secondary)
            };
            text = if names_section {
                format!("{}{}", reference_to_section(&mut random, theme), body)
            } else {
                body
            };
            if random.per_mille(FULL_WIDTH_PER_MILLE) {
                text = full_width(&text);
            }
            if !seen.contains(&text) {
                break;
            }
        }
        if !seen.insert(text.clone()) {
            continue;
        }
        docs.push(SyntheticDoc {
            id: docs.len() as u64 + 1,
            text,
            weight: weight(&mut random),
            theme,
            secondary_theme: secondary,
            names_section,
            english,
        });
    }
    docs
}

fn entropy(counts: impl Iterator<Item = usize>, total: f64) -> f64 {
    counts
        .filter(|&c| c > 0)
        .map(|c| {
            let p = c as f64 / total;
            -p * p.ln()
        })
        .sum()
}

/// Homogeneity and completeness of `predicted` groups against `truth` classes (same length).
///
/// Homogeneity = 1 − H(class | group) / H(class): each group holds one class.
/// Completeness = 1 − H(group | class) / H(group): each class sits in one group.
/// Both are 1 when the entropy they divide by is zero. Their harmonic mean is the V-measure.
pub fn homogeneity_completeness(truth: &[usize], predicted: &[usize]) -> (f64, f64) {
    let n = truth.len().min(predicted.len());
    if n == 0 {
        return (1.0, 1.0);
    }
    let total = n as f64;
    let mut joint: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    let mut classes: BTreeMap<usize, usize> = BTreeMap::new();
    let mut groups: BTreeMap<usize, usize> = BTreeMap::new();
    for (&c, &g) in truth.iter().zip(predicted).take(n) {
        *joint.entry((c, g)).or_insert(0) += 1;
        *classes.entry(c).or_insert(0) += 1;
        *groups.entry(g).or_insert(0) += 1;
    }
    let h_class = entropy(classes.values().copied(), total);
    let h_group = entropy(groups.values().copied(), total);
    // H(C|K) = −Σ n_ck/n · ln(n_ck / n_k), and symmetrically for H(K|C).
    let mut h_class_given_group = 0.0;
    let mut h_group_given_class = 0.0;
    for (&(c, g), &count) in &joint {
        let p = count as f64 / total;
        h_class_given_group -= p * (count as f64 / groups[&g] as f64).ln();
        h_group_given_class -= p * (count as f64 / classes[&c] as f64).ln();
    }
    let homogeneity = if h_class == 0.0 {
        1.0
    } else {
        1.0 - h_class_given_group / h_class
    };
    let completeness = if h_group == 0.0 {
        1.0
    } else {
        1.0 - h_group_given_class / h_group
    };
    (homogeneity, completeness)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_distinct_and_labelled() {
        let a = generate(2_000, 5);
        let b = generate(2_000, 5);
        assert_eq!(a, b);
        let distinct: HashSet<&str> = a.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(distinct.len(), a.len());
        assert!(a.iter().all(|d| d.theme < THEMES.len() && d.weight >= 1));
        assert!(a.iter().any(|d| d.english));
        assert!(a.iter().any(|d| d.secondary_theme.is_some()));
        assert!(a.iter().any(|d| d.names_section));
        assert!(a.iter().any(|d| d.weight >= 500));
        assert_ne!(generate(50, 6), generate(50, 5));
    }

    #[test]
    fn sections_follow_the_themes() {
        let sections = sections();
        assert_eq!(sections.len(), THEMES.len());
        assert_eq!(sections[3].number, "2.2");
        assert_eq!(sections[3].title, THEMES[3].name);
    }

    #[test]
    fn scores_match_known_cases() {
        let truth = [0, 0, 1, 1];
        assert_eq!(homogeneity_completeness(&truth, &[5, 5, 7, 7]), (1.0, 1.0));
        // Every text alone: perfectly homogeneous, far from complete.
        let (h, c) = homogeneity_completeness(&truth, &[0, 1, 2, 3]);
        assert!((h - 1.0).abs() < 1e-12 && (c - 0.5).abs() < 1e-12);
        // One group for all: complete, not homogeneous.
        let (h, c) = homogeneity_completeness(&truth, &[0, 0, 0, 0]);
        assert!(h.abs() < 1e-12 && (c - 1.0).abs() < 1e-12);
        assert_eq!(homogeneity_completeness(&[], &[]), (1.0, 1.0));
    }
}
