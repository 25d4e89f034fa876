//! Synthetic public-consultation opinions with planted personal data and
//! look-alikes, for measuring the personal-data detector.
//!
//! Output is fully determined by the seed (a built-in SplitMix64 generator, so
//! results never change with a dependency's version). Most opinions are in
//! Japanese, some in English; each carries the ground truth of what was planted
//! (kind names as stored by the engine: `email`, `phone`, …), the look-alikes
//! that must not be reported, and the hints an application would pass (the
//! submitter's names, the ministry's public contacts). Formats are varied on
//! purpose: widths, separators, spacing, kanji numerals, era dates, line breaks,
//! obfuscations, and a share of forms that simple rules miss.

/// Language of a synthetic opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Japanese text.
    Japanese,
    /// English text.
    English,
}

/// Kinds of text that resemble personal data but are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LookAlike {
    /// Article numbers of laws (第12条第3項).
    LawArticle,
    /// 12-digit numbers failing the Individual Number check digit.
    FailingTwelveDigits,
    /// The ministry's public phone numbers, passed as public contacts.
    PublicPhone,
    /// Place names in policy sentences (東京都の施策).
    PlaceName,
    /// Years, fiscal years, amounts and percentages.
    YearOrAmount,
    /// Section, page and annex references.
    SectionReference,
    /// URLs of public sites.
    PublicUrl,
    /// Dates of enforcement, deadlines and other non-birth dates.
    PolicyDate,
    /// Company names containing a surname.
    CompanyName,
    /// Public officials and historical cabinets in policy text.
    OfficialName,
    /// Other long figures: corporate numbers, order numbers, opening hours, standards.
    OtherNumber,
    /// Sentences that talk about personal data without containing any (氏名、住所…).
    PersonalDataVocabulary,
}

impl LookAlike {
    /// Every look-alike type, in reporting order.
    pub const ALL: [LookAlike; 12] = [
        LookAlike::LawArticle,
        LookAlike::FailingTwelveDigits,
        LookAlike::PublicPhone,
        LookAlike::PlaceName,
        LookAlike::YearOrAmount,
        LookAlike::SectionReference,
        LookAlike::PublicUrl,
        LookAlike::PolicyDate,
        LookAlike::CompanyName,
        LookAlike::OfficialName,
        LookAlike::OtherNumber,
        LookAlike::PersonalDataVocabulary,
    ];

    /// A short snake_case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            LookAlike::LawArticle => "law_article",
            LookAlike::FailingTwelveDigits => "failing_12_digits",
            LookAlike::PublicPhone => "public_phone",
            LookAlike::PlaceName => "place_name",
            LookAlike::YearOrAmount => "year_or_amount",
            LookAlike::SectionReference => "section_reference",
            LookAlike::PublicUrl => "public_url",
            LookAlike::PolicyDate => "policy_date",
            LookAlike::CompanyName => "company_name",
            LookAlike::OfficialName => "official_name",
            LookAlike::OtherNumber => "other_number",
            LookAlike::PersonalDataVocabulary => "pii_vocabulary",
        }
    }
}

/// A planted personal datum: `start..end` in chars of the text, end exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedSpan {
    /// Stable kind name (`email`, `url`, `phone`, `postal_code`, `address`,
    /// `my_number`, `card_number`, `birth_date`, `person_name`).
    pub kind: &'static str,
    /// First char (inclusive).
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

/// A planted look-alike: `start..end` in chars of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookAlikeSpan {
    /// What it resembles.
    pub look_alike: LookAlike,
    /// First char (inclusive).
    pub start: usize,
    /// One past the last char.
    pub end: usize,
}

/// One synthetic opinion with its ground truth and hints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticOpinion {
    /// The opinion body.
    pub text: String,
    /// Its language.
    pub language: Language,
    /// Personal data planted in the text.
    pub planted: Vec<PlantedSpan>,
    /// Look-alikes planted in the text.
    pub look_alikes: Vec<LookAlikeSpan>,
    /// The submitter's names as an application would know them from the form.
    pub known_names: Vec<String>,
    /// Public contact details an application would pass as not personal.
    pub public_contacts: Vec<String>,
}

/// Generates `count` opinions from `seed`; the same seed always gives the same opinions.
pub fn generate(seed: u64, count: usize) -> Vec<SyntheticOpinion> {
    let mut rng = SplitMix64::new(seed);
    (0..count).map(|_| generate_one(&mut rng)).collect()
}

/// Generates one opinion from the generator state.
pub fn generate_one(rng: &mut SplitMix64) -> SyntheticOpinion {
    if rng.chance(ENGLISH_SHARE) {
        english_opinion(rng)
    } else {
        japanese_opinion(rng)
    }
}

/// Share of opinions written in English.
const ENGLISH_SHARE: f64 = 0.18;
/// Share of opinions with no personal data at all.
const CLEAN_SHARE: f64 = 0.12;
/// Share of opinions whose submitter name is passed in the hints when planted.
const KNOWN_NAME_SHARE: f64 = 0.8;

/// A small, fast, deterministic pseudo-random generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound.max(1) as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A random element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random string of a non-empty slice of strings.
    pub fn pick_str<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Accumulates text and records spans in chars.
struct Builder {
    text: String,
    chars: usize,
    planted: Vec<PlantedSpan>,
    look_alikes: Vec<LookAlikeSpan>,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            text: String::new(),
            chars: 0,
            planted: Vec::new(),
            look_alikes: Vec::new(),
        }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.chars += s.chars().count();
    }

    fn plant(&mut self, kind: &'static str, s: &str) {
        let start = self.chars;
        self.push(s);
        self.planted.push(PlantedSpan {
            kind,
            start,
            end: self.chars,
        });
    }

    fn look_alike(&mut self, look_alike: LookAlike, s: &str) {
        let start = self.chars;
        self.push(s);
        self.look_alikes.push(LookAlikeSpan {
            look_alike,
            start,
            end: self.chars,
        });
    }

    /// Appends a template: `{x}` runs `fill('x')`, other text is copied.
    fn template(&mut self, template: &str, fill: &mut dyn FnMut(&mut Builder, &str)) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            self.push(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                self.push(&rest[open..]);
                return;
            };
            fill(self, &rest[open + 1..open + close]);
            rest = &rest[open + close + 1..];
        }
        self.push(rest);
    }

    fn finish(
        self,
        language: Language,
        known_names: Vec<String>,
        public_contacts: Vec<String>,
    ) -> SyntheticOpinion {
        SyntheticOpinion {
            text: self.text,
            language,
            planted: self.planted,
            look_alikes: self.look_alikes,
            known_names,
            public_contacts,
        }
    }
}

// ---------------------------------------------------------------------------
// Vocabulary.

/// Surnames: kanji, hiragana reading, romanisation. The last ones are rare.
const SURNAMES: &[(&str, &str, &str)] = &[
    ("佐藤", "さとう", "Sato"),
    ("鈴木", "すずき", "Suzuki"),
    ("高橋", "たかはし", "Takahashi"),
    ("田中", "たなか", "Tanaka"),
    ("伊藤", "いとう", "Ito"),
    ("渡辺", "わたなべ", "Watanabe"),
    ("山本", "やまもと", "Yamamoto"),
    ("中村", "なかむら", "Nakamura"),
    ("小林", "こばやし", "Kobayashi"),
    ("加藤", "かとう", "Kato"),
    ("吉田", "よしだ", "Yoshida"),
    ("山田", "やまだ", "Yamada"),
    ("佐々木", "ささき", "Sasaki"),
    ("山口", "やまぐち", "Yamaguchi"),
    ("松本", "まつもと", "Matsumoto"),
    ("井上", "いのうえ", "Inoue"),
    ("木村", "きむら", "Kimura"),
    ("林", "はやし", "Hayashi"),
    ("斎藤", "さいとう", "Saito"),
    ("清水", "しみず", "Shimizu"),
    ("山崎", "やまざき", "Yamazaki"),
    ("森", "もり", "Mori"),
    ("池田", "いけだ", "Ikeda"),
    ("橋本", "はしもと", "Hashimoto"),
    ("阿部", "あべ", "Abe"),
    ("石川", "いしかわ", "Ishikawa"),
    ("山下", "やました", "Yamashita"),
    ("中島", "なかじま", "Nakajima"),
    ("石井", "いしい", "Ishii"),
    ("小川", "おがわ", "Ogawa"),
    ("前田", "まえだ", "Maeda"),
    ("岡田", "おかだ", "Okada"),
    ("長谷川", "はせがわ", "Hasegawa"),
    ("藤田", "ふじた", "Fujita"),
    ("後藤", "ごとう", "Goto"),
    ("近藤", "こんどう", "Kondo"),
    ("村上", "むらかみ", "Murakami"),
    ("遠藤", "えんどう", "Endo"),
    ("青木", "あおき", "Aoki"),
    ("坂本", "さかもと", "Sakamoto"),
    ("福田", "ふくだ", "Fukuda"),
    ("西村", "にしむら", "Nishimura"),
    ("藤井", "ふじい", "Fujii"),
    ("金子", "かねこ", "Kaneko"),
    ("中野", "なかの", "Nakano"),
    ("原田", "はらだ", "Harada"),
    ("松田", "まつだ", "Matsuda"),
    ("竹内", "たけうち", "Takeuchi"),
    ("和田", "わだ", "Wada"),
    ("上田", "うえだ", "Ueda"),
    ("森田", "もりた", "Morita"),
    ("柴田", "しばた", "Shibata"),
    ("宮崎", "みやざき", "Miyazaki"),
    ("横山", "よこやま", "Yokoyama"),
    ("安藤", "あんどう", "Ando"),
    ("今井", "いまい", "Imai"),
    ("工藤", "くどう", "Kudo"),
    ("丸山", "まるやま", "Maruyama"),
    ("大塚", "おおつか", "Otsuka"),
    ("菅原", "すがわら", "Sugawara"),
    ("千葉", "ちば", "Chiba"),
    ("比嘉", "ひが", "Higa"),
    ("五十嵐", "いがらし", "Igarashi"),
    ("東", "あずま", "Azuma"),
    ("関", "せき", "Seki"),
    ("望月", "もちづき", "Mochizuki"),
    ("服部", "はっとり", "Hattori"),
    ("野口", "のぐち", "Noguchi"),
    ("菊地", "きくち", "Kikuchi"),
    ("大城", "おおしろ", "Oshiro"),
    ("金城", "きんじょう", "Kinjo"),
    ("早川", "はやかわ", "Hayakawa"),
    ("勅使河原", "てしがわら", "Teshigawara"),
    ("小鳥遊", "たかなし", "Takanashi"),
    ("五百旗頭", "いおきべ", "Iokibe"),
    ("月見里", "やまなし", "Yamanashi"),
    ("百目鬼", "どうめき", "Domeki"),
    ("鬼頭", "きとう", "Kito"),
    ("漆原", "うるしばら", "Urushibara"),
    ("雲母", "きら", "Kira"),
];

/// Given names: kanji (or kana), hiragana reading, romanisation.
const GIVEN_NAMES: &[(&str, &str, &str)] = &[
    ("太郎", "たろう", "Taro"),
    ("花子", "はなこ", "Hanako"),
    ("一郎", "いちろう", "Ichiro"),
    ("健太", "けんた", "Kenta"),
    ("翔太", "しょうた", "Shota"),
    ("大輔", "だいすけ", "Daisuke"),
    ("直人", "なおと", "Naoto"),
    ("陽菜", "ひな", "Hina"),
    ("結衣", "ゆい", "Yui"),
    ("美咲", "みさき", "Misaki"),
    ("さくら", "さくら", "Sakura"),
    ("由美子", "ゆみこ", "Yumiko"),
    ("恵子", "けいこ", "Keiko"),
    ("和子", "かずこ", "Kazuko"),
    ("誠", "まこと", "Makoto"),
    ("学", "まなぶ", "Manabu"),
    ("浩", "ひろし", "Hiroshi"),
    ("隆", "たかし", "Takashi"),
    ("聡子", "さとこ", "Satoko"),
    ("真由美", "まゆみ", "Mayumi"),
    ("拓也", "たくや", "Takuya"),
    ("蓮", "れん", "Ren"),
    ("悠真", "ゆうま", "Yuma"),
    ("葵", "あおい", "Aoi"),
    ("凛", "りん", "Rin"),
    ("美穂", "みほ", "Miho"),
    ("裕子", "ゆうこ", "Yuko"),
    ("智子", "ともこ", "Tomoko"),
    ("健一", "けんいち", "Kenichi"),
    ("修", "おさむ", "Osamu"),
    ("茂", "しげる", "Shigeru"),
    ("勇気", "ゆうき", "Yuki"),
    ("翼", "つばさ", "Tsubasa"),
    ("彩", "あや", "Aya"),
    ("亮", "りょう", "Ryo"),
    ("千尋", "ちひろ", "Chihiro"),
    ("雅人", "まさと", "Masato"),
    ("和也", "かずや", "Kazuya"),
    ("秀樹", "ひでき", "Hideki"),
    ("明美", "あけみ", "Akemi"),
    ("久美子", "くみこ", "Kumiko"),
    ("幸子", "さちこ", "Sachiko"),
    ("洋子", "ようこ", "Yoko"),
    ("純一", "じゅんいち", "Junichi"),
    ("康弘", "やすひろ", "Yasuhiro"),
    ("ひかり", "ひかり", "Hikari"),
    ("みどり", "みどり", "Midori"),
    ("奈々", "なな", "Nana"),
    ("大和", "やまと", "Yamato"),
    ("陽翔", "はると", "Haruto"),
];

/// Names of foreign residents, in katakana and in Latin letters.
const FOREIGN_NAMES: &[(&str, &str)] = &[
    ("ジョン・スミス", "John Smith"),
    ("グエン・ヴァン・アン", "Nguyen Van An"),
    ("マリア・ガルシア", "Maria Garcia"),
    ("エミリー・クラーク", "Emily Clark"),
    ("チャン・ウェイ", "Zhang Wei"),
    ("アナ・シルバ", "Ana Silva"),
    ("キム・ミンジュン", "Kim Minjun"),
    ("デビッド・ミラー", "David Miller"),
];

/// Prefecture, municipality (city/ward/district), towns in it, and romanisations.
const PLACES: &[(&str, &str, &[&str], &str)] = &[
    (
        "東京都",
        "千代田区",
        &["霞が関", "永田町", "一番町", "九段南", "丸の内"],
        "Chiyoda-ku, Tokyo",
    ),
    (
        "東京都",
        "渋谷区",
        &["神宮前", "恵比寿西", "代々木"],
        "Shibuya-ku, Tokyo",
    ),
    (
        "東京都",
        "新宿区",
        &["西新宿", "四谷", "高田馬場"],
        "Shinjuku-ku, Tokyo",
    ),
    (
        "東京都",
        "八王子市",
        &["旭町", "元本郷町", "南大沢"],
        "Hachioji-shi, Tokyo",
    ),
    (
        "東京都",
        "三鷹市",
        &["下連雀", "井の頭"],
        "Mitaka-shi, Tokyo",
    ),
    (
        "東京都",
        "港区",
        &["六本木", "麻布十番", "芝公園"],
        "Minato-ku, Tokyo",
    ),
    (
        "神奈川県",
        "横浜市港北区",
        &["日吉本町", "新横浜", "綱島西"],
        "Kohoku-ku, Yokohama-shi, Kanagawa",
    ),
    (
        "神奈川県",
        "川崎市中原区",
        &["小杉町", "新丸子町"],
        "Nakahara-ku, Kawasaki-shi, Kanagawa",
    ),
    (
        "神奈川県",
        "藤沢市",
        &["鵠沼海岸", "湘南台"],
        "Fujisawa-shi, Kanagawa",
    ),
    (
        "大阪府",
        "大阪市北区",
        &["梅田", "中之島", "天神橋"],
        "Kita-ku, Osaka-shi, Osaka",
    ),
    (
        "大阪府",
        "堺市堺区",
        &["南瓦町", "大浜北町"],
        "Sakai-ku, Sakai-shi, Osaka",
    ),
    (
        "京都府",
        "京都市左京区",
        &["下鴨宮河町", "吉田本町", "一乗寺"],
        "Sakyo-ku, Kyoto-shi, Kyoto",
    ),
    (
        "北海道",
        "札幌市中央区",
        &["北3条西", "南1条西", "大通西"],
        "Chuo-ku, Sapporo-shi, Hokkaido",
    ),
    (
        "北海道",
        "旭川市",
        &["六条通", "神楽"],
        "Asahikawa-shi, Hokkaido",
    ),
    (
        "宮城県",
        "仙台市青葉区",
        &["国分町", "一番町", "本町"],
        "Aoba-ku, Sendai-shi, Miyagi",
    ),
    (
        "愛知県",
        "名古屋市中村区",
        &["名駅", "太閤"],
        "Nakamura-ku, Nagoya-shi, Aichi",
    ),
    (
        "愛知県",
        "豊田市",
        &["元城町", "若宮町"],
        "Toyota-shi, Aichi",
    ),
    (
        "福岡県",
        "福岡市博多区",
        &["博多駅前", "中洲", "住吉"],
        "Hakata-ku, Fukuoka-shi, Fukuoka",
    ),
    (
        "埼玉県",
        "さいたま市浦和区",
        &["高砂", "常盤", "岸町"],
        "Urawa-ku, Saitama-shi, Saitama",
    ),
    (
        "千葉県",
        "柏市",
        &["若柴", "柏の葉", "豊四季"],
        "Kashiwa-shi, Chiba",
    ),
    (
        "兵庫県",
        "神戸市中央区",
        &["三宮町", "加納町", "港島"],
        "Chuo-ku, Kobe-shi, Hyogo",
    ),
    (
        "広島県",
        "広島市中区",
        &["基町", "大手町", "紙屋町"],
        "Naka-ku, Hiroshima-shi, Hiroshima",
    ),
    (
        "長野県",
        "北安曇郡白馬村",
        &["大字北城", "大字神城"],
        "Hakuba-mura, Kitaazumi-gun, Nagano",
    ),
    (
        "沖縄県",
        "那覇市",
        &["泉崎", "久茂地", "おもろまち"],
        "Naha-shi, Okinawa",
    ),
    (
        "静岡県",
        "浜松市中央区",
        &["元城町", "砂山町"],
        "Chuo-ku, Hamamatsu-shi, Shizuoka",
    ),
    (
        "新潟県",
        "新潟市中央区",
        &["学校町通", "万代"],
        "Chuo-ku, Niigata-shi, Niigata",
    ),
    (
        "茨城県",
        "つくば市",
        &["研究学園", "竹園", "吾妻"],
        "Tsukuba-shi, Ibaraki",
    ),
    (
        "奈良県",
        "奈良市",
        &["登大路町", "三条本町"],
        "Nara-shi, Nara",
    ),
    (
        "熊本県",
        "熊本市中央区",
        &["水前寺", "手取本町"],
        "Chuo-ku, Kumamoto-shi, Kumamoto",
    ),
    ("岩手県", "盛岡市", &["内丸", "大通"], "Morioka-shi, Iwate"),
    (
        "鹿児島県",
        "鹿児島市",
        &["山下町", "天文館通"],
        "Kagoshima-shi, Kagoshima",
    ),
    (
        "福島県",
        "いわき市",
        &["平字梅本", "小名浜"],
        "Iwaki-shi, Fukushima",
    ),
];

/// Building names for addresses.
const BUILDINGS: &[&str] = &[
    "サンハイツ",
    "グランドメゾン",
    "コーポ山田",
    "ABCビル",
    "パークタワー",
    "レジデンス桜",
    "ハイム若葉",
    "第二ビル",
    "メゾン・ド・ソレイユ",
    "シティハウス",
    "緑荘",
    "県営住宅",
    "柏の葉キャンパス",
    "ライオンズマンション",
];

/// E-mail domains.
const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.co.jp",
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "i.softbank.jp",
    "example.co.jp",
    "outlook.jp",
    "icloud.com",
    "nifty.com",
    "biglobe.ne.jp",
    "mail.example.org",
    "ocn.ne.jp",
    "au.com",
    "hotmail.co.jp",
];

/// Public URLs that are not personal.
const PUBLIC_URLS: &[&str] = &[
    "https://www.digital.go.jp/policies",
    "https://www.digital.go.jp/policies/mynumber",
    "https://public-comment.e-gov.go.jp/servlet/Public?CLASSNAME=PCMMSTDETAIL&id=495250001",
    "https://www.ppc.go.jp/personalinfo/",
    "https://www.kantei.go.jp/jp/singi/",
    "https://www.soumu.go.jp/kojinbango_card/",
    "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/",
    "https://www.city.yokohama.lg.jp/kurashi/koseki-zei-hoken/",
    "https://www.e-gov.go.jp/",
    "https://elaws.e-gov.go.jp/document?lawid=425AC0000000027",
    "https://ja.wikipedia.org/wiki/個人番号",
    "https://www.j-lis.go.jp/",
    "http://www.example.org/about",
    "https://www.digital.go.jp/en/policies",
];

/// The ministry's public phone numbers and how they are written in texts.
const PUBLIC_PHONES: &[(&str, &[&str])] = &[
    (
        "03-4477-6775",
        &["03-4477-6775", "０３－４４７７－６７７５", "03(4477)6775"],
    ),
    (
        "0120-95-0178",
        &["0120-95-0178", "0120－95－0178", "０１２０－９５－０１７８"],
    ),
    ("03-5253-2111", &["03-5253-2111", "03 5253 2111"]),
    ("0570-783-578", &["0570-783-578"]),
];

/// Officials and cabinets in policy text.
const OFFICIALS: &[&str] = &[
    "田中角栄内閣",
    "河野デジタル大臣",
    "岸田総理",
    "小泉内閣",
    "佐藤栄作首相",
    "石破首相",
    "平デジタル大臣",
    "鈴木知事",
];

/// Companies whose names contain a surname.
const COMPANIES: &[&str] = &[
    "株式会社山田製作所",
    "鈴木商事",
    "田中工務店",
    "佐藤建設株式会社",
    "高橋電機",
    "伊藤忠",
    "松本薬局",
    "中村屋",
    "株式会社小林システム",
    "吉田運送",
];

// ---------------------------------------------------------------------------
// Japanese opinions.

/// Policy sentences; `{…}` slots hold look-alikes.
const JA_POLICY: &[&str] = &[
    "マイナンバーカードの普及に向けた施策について意見を申し上げます。",
    "行政のデジタル化は重要ですが、高齢者への配慮が不十分だと感じます。",
    "{law}の趣旨を踏まえ、個人情報の取扱いには一層の注意が必要です。",
    "本案は{date}に施行される予定とのことですが、周知期間が短すぎます。",
    "資料の{section}に記載された方針に賛成します。",
    "予算額{amount}の根拠が示されていません。",
    "{place}の施策を参考に、窓口での支援を拡充してください。",
    "{place}における取組のように、オンライン申請を簡素化すべきです。",
    "詳細は{puburl}で確認しましたが、説明が分かりにくいです。",
    "お問い合わせ先として{pubphone}が記載されていますが、つながりにくいです。",
    "{official}の時代から議論されてきた課題だと思います。",
    "受付番号{fail12}で以前にも意見を提出しました。",
    "{company}のような中小企業にとって、システム改修の負担は大きいです。",
    "{law}に基づく第三者提供の範囲を明確にしてください。",
    "{year}以降の運用見直しについて、国民の意見を広く聞くべきです。",
    "公金受取口座の登録は任意であることを明確にしてほしい。",
    "健康保険証との一体化に伴うトラブルへの対応が不十分です。",
    "電子申請の画面が使いにくく、途中でエラーが出ることがあります。",
    "自治体ごとに手続きが異なるため、統一的な基準を設けるべきです。",
    "情報漏えいが起きた場合の責任の所在を明らかにしてください。",
    "{section}（p.{page}）の記述は、{law}との関係が不明確です。",
    "意見募集の期間は{date}までとされていますが、延長を求めます。",
    "整理番号：{fail12}の件について補足します。",
    "令和{era_year}年度の実証事業の結果を公表してください。",
    "{place}では既に同様の仕組みが導入されていると聞きました。",
    "{lawnumber}の改正に伴い、運用が変わると理解しています。",
    "法人番号{corporate}の事業者として意見を述べます。",
    "注文番号{order}のように桁数の多い番号は読み間違えやすいです。",
    "窓口の受付時間は{hours}ですが、平日に行けない人もいます。",
    "システムは{standard}に準拠して開発すべきです。",
    "{vocabulary}",
    "{company_letter}からも同様の指摘があったと聞いています。",
];

/// Closing sentences.
const JA_CLOSINGS: &[&str] = &[
    "以上、よろしくお願いいたします。",
    "ご検討をお願いします。",
    "以上です。",
    "よろしくご検討ください。",
    "",
];

fn japanese_opinion(rng: &mut SplitMix64) -> SyntheticOpinion {
    let mut b = Builder::new();
    let mut known_names = Vec::new();
    let mut public_contacts: Vec<String> = PUBLIC_PHONES
        .iter()
        .map(|(canonical, _)| (*canonical).to_owned())
        .collect();
    public_contacts.push("https://www.digital.go.jp".to_owned());
    let clean = rng.chance(CLEAN_SHARE);
    let submitter = Person::random(rng);
    let mut items: Vec<JapaneseItem> = Vec::new();
    if !clean {
        let count = rng.range(1, 4);
        for _ in 0..count {
            items.push(*rng.pick(&JapaneseItem::ALL));
        }
        if rng.chance(0.5) && !items.contains(&JapaneseItem::SelfIntroduction) {
            items.insert(0, JapaneseItem::SelfIntroduction);
        }
    }
    let introduces_self = items.contains(&JapaneseItem::SelfIntroduction);
    // Web and e-mail submissions come with the submitter's name; posted ones may not.
    if rng.chance(KNOWN_NAME_SHARE) {
        match submitter.foreign {
            Some((katakana, latin)) => known_names.extend([katakana.to_owned(), latin.to_owned()]),
            None => {
                known_names.push(format!("{} {}", submitter.surname.0, submitter.given.0));
                known_names.push(format!("{} {}", submitter.surname.1, submitter.given.1));
            }
        }
    }
    let sentences = rng.range(4, 7);
    let separator = if rng.chance(0.3) { "\n" } else { "" };
    let mut planted_items = items.into_iter();
    for index in 0..sentences {
        if index == 0
            && let Some(item) = planted_items.next()
        {
            japanese_item(rng, &mut b, item, &submitter);
            b.push(separator);
        }
        let policy = *rng.pick(JA_POLICY);
        b.template(policy, &mut |b, slot| japanese_slot(rng, b, slot));
        b.push(separator);
        if let Some(item) = planted_items.next() {
            japanese_item(rng, &mut b, item, &submitter);
            b.push(separator);
        }
    }
    for item in planted_items {
        japanese_item(rng, &mut b, item, &submitter);
        b.push(separator);
    }
    b.push(rng.pick_str(JA_CLOSINGS));
    if introduces_self && rng.chance(0.6) {
        b.push(if rng.chance(0.5) { "\n" } else { "　" });
        let full = submitter.written_name(rng);
        b.plant("person_name", &full);
    }
    b.finish(Language::Japanese, known_names, public_contacts)
}

/// Kinds of planted personal content in Japanese opinions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JapaneseItem {
    SelfIntroduction,
    ThirdPartyName,
    Phone,
    Email,
    Address,
    MyNumber,
    Card,
    BirthDate,
    Url,
    Recurrence,
}

impl JapaneseItem {
    const ALL: [JapaneseItem; 12] = [
        JapaneseItem::ThirdPartyName,
        JapaneseItem::ThirdPartyName,
        JapaneseItem::Phone,
        JapaneseItem::Phone,
        JapaneseItem::Email,
        JapaneseItem::Address,
        JapaneseItem::Address,
        JapaneseItem::MyNumber,
        JapaneseItem::Card,
        JapaneseItem::BirthDate,
        JapaneseItem::Url,
        JapaneseItem::Recurrence,
    ];
}

/// A person: (kanji, kana, roman) of surname and given name.
struct Person {
    surname: (&'static str, &'static str, &'static str),
    given: (&'static str, &'static str, &'static str),
    foreign: Option<(&'static str, &'static str)>,
}

impl Person {
    fn random(rng: &mut SplitMix64) -> Person {
        let foreign = rng.chance(0.05).then(|| *rng.pick(FOREIGN_NAMES));
        Person {
            surname: *rng.pick(SURNAMES),
            given: *rng.pick(GIVEN_NAMES),
            foreign,
        }
    }

    /// The full name as written in a Japanese text, in one of several spacings.
    fn written_name(&self, rng: &mut SplitMix64) -> String {
        if let Some((katakana, _)) = self.foreign {
            return katakana.to_owned();
        }
        let space = *rng.pick(&["", "", " ", "　"]);
        format!("{}{}{}", self.surname.0, space, self.given.0)
    }
}

fn japanese_item(rng: &mut SplitMix64, b: &mut Builder, item: JapaneseItem, submitter: &Person) {
    match item {
        JapaneseItem::SelfIntroduction => {
            let name = submitter.written_name(rng);
            let surname_only = submitter.foreign.is_none() && rng.chance(0.15);
            let name = if surname_only {
                submitter.surname.0.to_owned()
            } else {
                name
            };
            let template = *rng.pick(&[
                "私は{n}と申します。",
                "私は{n}です。",
                "私、{n}は次のとおり意見を述べます。",
                "{n}と申します。",
                "氏名：{n}\n",
                "【氏名】{n}\n",
                "名前: {n}\n",
                "記入者：{n}\n",
                "提出者　{n}\n",
                "（署名）{n}\n",
                "ふりがな：{k}\n氏名：{n}\n",
                "横浜市在住の{n}と申します。",
                "私は{n}という者です。",
                "氏　名：{n}\n",
                "（氏名）{n}\n",
                "{n}（{k}）と申します。",
                "お名前（フリガナ）：{K}\n",
                "{n}\n",
            ]);
            let kana = format!("{} {}", submitter.surname.1, submitter.given.1);
            let katakana = hiragana_to_katakana(&kana);
            b.template(template, &mut |b, slot| match slot {
                "n" => b.plant("person_name", &name),
                "K" => b.plant("person_name", &katakana),
                _ => b.plant("person_name", &kana),
            });
        }
        JapaneseItem::ThirdPartyName => {
            let other = Person::random(rng);
            let with_given = rng.chance(0.35);
            let space = if with_given && rng.chance(0.2) {
                " "
            } else {
                ""
            };
            let name = if with_given {
                format!("{}{}{}", other.surname.0, space, other.given.0)
            } else {
                other.surname.0.to_owned()
            };
            let (template, name) = match rng.below(14) {
                // Relatives named without honorific: only context reveals a name.
                12 => (
                    "母 {n}（85歳）の代理で意見を提出します。",
                    format!("{}{}", other.surname.0, other.given.0),
                ),
                13 => (
                    "{n}ご夫妻からも同じ相談を受けました。",
                    other.surname.0.to_owned(),
                ),
                0 => (
                    "先日、窓口で対応してくださった{n}様には感謝しています。",
                    name,
                ),
                1 => ("近所の{n}さんも同じ意見です。", name),
                2 => (
                    "主治医の{n}先生に相談したところ、同様の懸念を示されました。",
                    name,
                ),
                3 => ("市役所の{n}氏の説明では不十分でした。", name),
                4 => (
                    "担当の{n}課長からは回答がありませんでした。",
                    other.surname.0.to_owned(),
                ),
                5 => (
                    "娘の{n}ちゃんの手続きで困りました。",
                    other.given.0.to_owned(),
                ),
                6 => (
                    "息子の{n}くんの学校でも説明会がありました。",
                    other.given.1.to_owned(),
                ),
                7 => (
                    "{n}さんから聞いた話では、申請に三時間かかったそうです。",
                    name,
                ),
                8 => (
                    "介護職員の{n}さん（仮名ではありません）が困っていました。",
                    name,
                ),
                9 => ("友人の{n} 様にも確認しました。", name),
                10 => (
                    "{n}君は高校生ですが、カードの申請が難しいと言っています。",
                    name,
                ),
                _ => ("隣の{n}さんのお宅では通知が届いていないそうです。", name),
            };
            b.template(template, &mut |b, _| b.plant("person_name", &name));
        }
        JapaneseItem::Phone => {
            let phone = japanese_phone(rng);
            let template = *rng.pick(&[
                "連絡先の電話番号は{p}です。",
                "TEL：{p}\n",
                "電話 {p}\n",
                "携帯：{p}\n",
                "ご不明な点は{p}までご連絡ください。",
                "日中は{p}（自宅）にお願いします。",
                "FAX {p}\n",
                "{p}（携帯）",
                "連絡先　{p}\n",
                "電話番号（{p}）に折り返しをお願いします。",
                "勤務先 {p}（内線{x}）\n",
                "電話：tel:{p}\n",
            ]);
            let extension = rng.range(100, 999).to_string();
            b.template(template, &mut |b, slot| match slot {
                "x" => b.push(&extension),
                _ => b.plant("phone", &phone),
            });
        }
        JapaneseItem::Email => {
            let email = email_address(rng, submitter);
            let template = *rng.pick(&[
                "メールアドレスは{e}です。",
                "連絡はメール（{e}）でお願いします。",
                "E-mail：{e}\n",
                "{e}までご返信ください。",
                "メール: {e}\n",
                "返信先＜{e}＞\n",
            ]);
            b.template(template, &mut |b, _| b.plant("email", &email));
        }
        JapaneseItem::Address => {
            let (postal, address) = (postal_code(rng), japanese_address(rng));
            let template = *rng.pick(&[
                "住所：〒{z} {a}\n",
                "〒{z}\n{a}\n",
                "私は{a}に住んでいます。",
                "{a}在住です。",
                "現住所は{a}です。",
                "郵便番号：{z}　住所：{a}\n",
                "{z} {a}\n",
                "送付先は{a}にお願いします。",
                "〒{z} {a} 在住の者です。",
                "（〒{z}）{a}\n",
            ]);
            b.template(template, &mut |b, slot| match slot {
                "z" => b.plant("postal_code", &postal),
                _ => b.plant("address", &address),
            });
        }
        JapaneseItem::MyNumber => {
            let number = my_number(rng);
            let template = *rng.pick(&[
                "私のマイナンバーは{m}です。",
                "個人番号：{m}\n",
                "通知カードの番号（{m}）が誤って記載されていました。",
                "個人番号 {m} の照会結果が誤っていました。",
                "番号は{m}で登録されています。",
            ]);
            b.template(template, &mut |b, _| b.plant("my_number", &number));
        }
        JapaneseItem::Card => {
            let card = card_number(rng);
            let template = *rng.pick(&[
                "クレジットカード番号 {c} で手数料を支払いました。",
                "カード番号：{c}\n",
                "登録したカード（{c}）が使えません。",
                "{c}のカードで決済しました。",
            ]);
            b.template(template, &mut |b, _| b.plant("card_number", &card));
        }
        JapaneseItem::BirthDate => {
            let (date, partial) = japanese_birth_date(rng);
            let template = if partial {
                *rng.pick(&["{d}生まれの会社員です。", "私は{d}生まれです。"])
            } else {
                *rng.pick(&[
                    "生年月日：{d}\n",
                    "生年月日 {d}\n",
                    "私は{d}生まれで、",
                    "誕生日は{d}です。",
                    "（{d}生）",
                    "{d}生まれの母の手続きで困りました。",
                ])
            };
            b.template(template, &mut |b, _| b.plant("birth_date", &date));
        }
        JapaneseItem::Url => {
            let url = personal_url(rng, submitter);
            let template = *rng.pick(&[
                "私のブログ（{u}）にも詳しく書きました。",
                "SNS: {u}\n",
                "詳しくは {u} をご覧ください。",
                "{u}\n",
            ]);
            b.template(template, &mut |b, _| b.plant("url", &url));
        }
        JapaneseItem::Recurrence => {
            if submitter.foreign.is_some() {
                return;
            }
            let template = *rng.pick(&[
                "{s}としては、制度の見直しを求めます。",
                "{s}家では家族全員がカードを取得しました。",
                "以上、{f}の意見です。",
            ]);
            let full = submitter.written_name(rng);
            b.template(template, &mut |b, slot| match slot {
                "s" => b.plant("person_name", submitter.surname.0),
                _ => b.plant("person_name", &full),
            });
        }
    }
}

fn japanese_slot(rng: &mut SplitMix64, b: &mut Builder, slot: &str) {
    match slot {
        "law" => {
            let article = rng.range(1, 80);
            let text = match rng.below(6) {
                0 => format!("第{article}条"),
                1 => format!("第{article}条第{}項", rng.range(1, 5)),
                2 => format!("個人情報保護法第{article}条"),
                3 => format!(
                    "番号法第{article}条第{}項第{}号",
                    rng.range(1, 4),
                    rng.range(1, 9)
                ),
                4 => full_width_digits(&format!("第{article}条第{}項", rng.range(1, 5))),
                _ => format!(
                    "行政手続における特定の個人を識別するための番号の利用等に関する法律第{article}条"
                ),
            };
            b.look_alike(LookAlike::LawArticle, &text);
        }
        "date" => {
            let year = rng.range(2024, 2028);
            let (month, day) = (rng.range(1, 12), rng.range(1, 28));
            let text = match rng.below(4) {
                0 => format!("{year}年{month}月{day}日"),
                1 => format!("令和{}年{month}月{day}日", year - 2018),
                2 => format!("{year}/{month:02}/{day:02}"),
                _ => full_width_digits(&format!("{year}年{month}月{day}日")),
            };
            b.look_alike(LookAlike::PolicyDate, &text);
        }
        "section" => {
            let text = match rng.below(6) {
                0 => format!("第{}章", rng.range(1, 9)),
                1 => format!("{}.{}", rng.range(1, 9), rng.range(1, 9)),
                2 => format!(
                    "{}.{}.{}項",
                    rng.range(1, 9),
                    rng.range(1, 9),
                    rng.range(1, 9)
                ),
                3 => format!("別紙{}", rng.range(1, 5)),
                4 => format!("資料{}-{}", rng.range(1, 9), rng.range(1, 9)),
                _ => format!("第{}節", rng.range(1, 9)),
            };
            b.look_alike(LookAlike::SectionReference, &text);
        }
        "page" => {
            let page = rng.range(1, 120).to_string();
            b.look_alike(LookAlike::SectionReference, &page);
        }
        "amount" => {
            let text = match rng.below(4) {
                0 => format!(
                    "{},{:03},{:03}円",
                    rng.range(1, 999),
                    rng.below(1000),
                    rng.below(1000)
                ),
                1 => format!("約{}億円", rng.range(1, 900)),
                2 => format!("{}万件", rng.range(1, 9999)),
                _ => format!("{}.{}%", rng.range(1, 99), rng.below(10)),
            };
            b.look_alike(LookAlike::YearOrAmount, &text);
        }
        "year" => {
            let text = format!("{}年度", rng.range(2024, 2030));
            b.look_alike(LookAlike::YearOrAmount, &text);
        }
        "era_year" => {
            let text = rng.range(5, 9).to_string();
            b.look_alike(LookAlike::YearOrAmount, &text);
        }
        "place" => {
            let (prefecture, city, _, _) = *rng.pick(PLACES);
            let text = if rng.chance(0.7) {
                prefecture.to_owned()
            } else {
                format!("{prefecture}{city}")
            };
            b.look_alike(LookAlike::PlaceName, &text);
        }
        "puburl" => b.look_alike(LookAlike::PublicUrl, rng.pick_str(PUBLIC_URLS)),
        "pubphone" => {
            let (_, forms) = *rng.pick(PUBLIC_PHONES);
            b.look_alike(LookAlike::PublicPhone, rng.pick_str(forms));
        }
        "official" => b.look_alike(LookAlike::OfficialName, rng.pick_str(OFFICIALS)),
        "company" => b.look_alike(LookAlike::CompanyName, rng.pick_str(COMPANIES)),
        "fail12" => {
            let text = failing_twelve_digits(rng);
            b.look_alike(LookAlike::FailingTwelveDigits, &text);
        }
        "lawnumber" => {
            let era = *rng.pick(&["平成", "令和"]);
            let text = format!("{era}{}年法律第{}号", rng.range(2, 30), rng.range(1, 120));
            b.look_alike(LookAlike::LawArticle, &text);
        }
        "corporate" => {
            let text: String = (0..13)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect();
            b.look_alike(LookAlike::OtherNumber, &text);
        }
        "order" => {
            let text = luhn_failing_sixteen_digits(rng);
            b.look_alike(LookAlike::OtherNumber, &text);
        }
        "hours" => {
            let text = *rng.pick(&[
                "9:00～17:00",
                "８：３０－１７：１５",
                "午前9時から午後5時",
                "10:00-18:00",
            ]);
            b.look_alike(LookAlike::OtherNumber, text);
        }
        "standard" => {
            let text = *rng.pick(&[
                "ISO/IEC 27001",
                "JIS X 0401",
                "JIS Q 15001:2017",
                "Ver.2.1",
                "NIST SP 800-63-3",
            ]);
            b.look_alike(LookAlike::OtherNumber, text);
        }
        "vocabulary" => {
            let text = *rng.pick(&[
                "氏名、住所、電話番号等の個人情報の取扱いについて説明が必要です。",
                "意見書には氏名 住所 生年月日の記載欄がありますが、任意であることを明記してください。",
                "名前は公表しないでください。",
                "署名 は不要とされていますが、本人確認はどうするのでしょうか。",
                "マイナンバーや電話番号、メールアドレスの漏えいが心配です。",
                "私は賛成です。",
                "私、反対です。",
            ]);
            b.look_alike(LookAlike::PersonalDataVocabulary, text);
        }
        "company_letter" => {
            let text = format!("{}様", rng.pick(COMPANIES));
            b.look_alike(LookAlike::CompanyName, &text);
        }
        other => b.push(other),
    }
}

/// A 16-digit number that fails the Luhn check (an order or tracking number).
fn luhn_failing_sixteen_digits(rng: &mut SplitMix64) -> String {
    let card = card_number_plain(rng, "4", 16);
    let mut digits: Vec<u8> = card.bytes().collect();
    let last = digits[15] - b'0';
    digits[15] = b'0' + (last + 1 + rng.below(9) as u8) % 10;
    String::from_utf8(digits).unwrap_or(card)
}

// ---------------------------------------------------------------------------
// English opinions.

const EN_POLICY: &[&str] = &[
    "I would like to comment on the draft policy for the My Number Card.",
    "The digitalisation of administrative procedures should not leave elderly residents behind.",
    "Under {law}, the handling of personal information must be strictly limited.",
    "The plan is said to take effect on {date}, which leaves too little time for preparation.",
    "I support the approach described in {section} of the draft.",
    "The budget of {amount} is not explained in the material.",
    "The initiatives of {place} should be used as a model for multilingual support.",
    "I read the explanation at {puburl} but it is hard to understand for foreign residents.",
    "The inquiry number {pubphone} listed in the notice is always busy.",
    "Online applications should be available in English and other languages.",
    "Please clarify who is responsible when a data breach occurs.",
    "Reference number {fail12} was given to my previous comment.",
    "From {year}, the review of the system should involve residents.",
];

const EN_CLOSINGS: &[&str] = &[
    "Thank you for your consideration.",
    "Thank you.",
    "Best wishes for the reform.",
    "",
];

fn english_opinion(rng: &mut SplitMix64) -> SyntheticOpinion {
    let mut b = Builder::new();
    let mut known_names = Vec::new();
    let mut public_contacts: Vec<String> = PUBLIC_PHONES
        .iter()
        .map(|(canonical, _)| (*canonical).to_owned())
        .collect();
    public_contacts.push("https://www.digital.go.jp".to_owned());
    let clean = rng.chance(CLEAN_SHARE);
    let submitter = Person::random(rng);
    let roman_name = match submitter.foreign {
        Some((_, latin)) => latin.to_owned(),
        None if rng.chance(0.2) => format!(
            "{} {}",
            submitter.surname.2.to_uppercase(),
            submitter.given.2
        ),
        None => format!("{} {}", submitter.given.2, submitter.surname.2),
    };
    let mut items: Vec<EnglishItem> = Vec::new();
    if !clean {
        for _ in 0..rng.range(1, 4) {
            items.push(*rng.pick(&EnglishItem::ALL));
        }
    }
    let introduces_self = !clean && rng.chance(0.6);
    if introduces_self {
        let template = *rng.pick(&[
            "My name is {n}. ",
            "Name: {n}\n",
            "I am {n}, a resident of Japan. ",
            "This is {n}. ",
        ]);
        b.template(template, &mut |b, _| b.plant("person_name", &roman_name));
    }
    if rng.chance(KNOWN_NAME_SHARE) {
        known_names.push(roman_name.clone());
    }
    for index in 0..rng.range(3, 5) {
        let policy = *rng.pick(EN_POLICY);
        b.template(policy, &mut |b, slot| english_slot(rng, b, slot));
        b.push(" ");
        if let Some(item) = items.get(index) {
            english_item(rng, &mut b, *item, &submitter);
            b.push(" ");
        }
    }
    for item in items.iter().skip(3) {
        english_item(rng, &mut b, *item, &submitter);
        b.push(" ");
    }
    b.push(rng.pick_str(EN_CLOSINGS));
    if introduces_self && rng.chance(0.6) {
        b.push(rng.pick_str(&[
            "\nRegards,\n",
            "\nSincerely,\n",
            "\nYours faithfully,\n",
            "\n",
            "\n— ",
        ]));
        b.plant("person_name", &roman_name);
    }
    b.finish(Language::English, known_names, public_contacts)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EnglishItem {
    ThirdPartyName,
    Phone,
    Email,
    Address,
    MyNumber,
    Card,
    BirthDate,
    Url,
}

impl EnglishItem {
    const ALL: [EnglishItem; 9] = [
        EnglishItem::ThirdPartyName,
        EnglishItem::Phone,
        EnglishItem::Phone,
        EnglishItem::Email,
        EnglishItem::Address,
        EnglishItem::MyNumber,
        EnglishItem::Card,
        EnglishItem::BirthDate,
        EnglishItem::Url,
    ];
}

fn english_item(rng: &mut SplitMix64, b: &mut Builder, item: EnglishItem, submitter: &Person) {
    match item {
        EnglishItem::ThirdPartyName => {
            let other = Person::random(rng);
            let (surname, given) = (other.surname.2, other.given.2);
            match rng.below(4) {
                0 => {
                    b.push("The staff member, Ms. ");
                    b.plant("person_name", surname);
                    b.push(", was very kind.");
                }
                1 => {
                    b.push("My neighbour ");
                    b.plant("person_name", surname);
                    b.push("-san has the same concern.");
                }
                2 => {
                    b.push("Dr. ");
                    b.plant("person_name", &format!("{given} {surname}"));
                    b.push(" advised me to comment.");
                }
                _ => {
                    b.push("Mr. ");
                    b.plant("person_name", surname);
                    b.push(" at the ward office could not answer.");
                }
            }
        }
        EnglishItem::Phone => {
            let phone = match rng.below(5) {
                0 => format!(
                    "+81-{}-{:04}-{:04}",
                    rng.pick(&["90", "80", "70"]),
                    rng.below(10000),
                    rng.below(10000)
                ),
                1 => format!("+81 3 {:04} {:04}", rng.below(10000), rng.below(10000)),
                2 => format!("+1 {}-555-{:04}", rng.range(201, 989), rng.below(10000)),
                3 => format!("+44 20 {:04} {:04}", rng.below(10000), rng.below(10000)),
                _ => japanese_phone(rng),
            };
            let template = *rng.pick(&[
                "Phone: {p}.",
                "You can call me at {p}.",
                "Tel {p}",
                "My mobile is {p}.",
            ]);
            b.template(template, &mut |b, _| b.plant("phone", &phone));
        }
        EnglishItem::Email => {
            let email = email_address(rng, submitter);
            let template = *rng.pick(&[
                "Email: {e}",
                "Please reply to {e}.",
                "Contact me at {e} if needed.",
            ]);
            b.template(template, &mut |b, _| b.plant("email", &email));
        }
        EnglishItem::Address => {
            let (_, _, towns, roman) = *rng.pick(PLACES);
            let _ = towns;
            let block = format!(
                "{}-{}-{}",
                rng.range(1, 5),
                rng.range(1, 30),
                rng.range(1, 20)
            );
            let town = *rng.pick(&[
                "Kasumigaseki",
                "Jingumae",
                "Umeda",
                "Hiyoshi",
                "Kosugi",
                "Takasago",
                "Izumizaki",
            ]);
            let address = match rng.below(10) {
                0 | 1 => format!("Room {}, {block} {town}, {roman}", rng.range(101, 905)),
                // Japanese order in Latin letters: hard for patterns that expect the block first.
                2 => {
                    let parts: Vec<&str> = roman.split(", ").collect();
                    let reversed: Vec<&str> = parts.iter().rev().copied().collect();
                    format!("{} {town} {block}", reversed.join(" "))
                }
                _ => format!("{block} {town}, {roman}"),
            };
            let postal = format!("{:03}-{:04}", rng.range(100, 999), rng.below(10000));
            if rng.chance(0.5) {
                b.push("I live at ");
                b.plant("address", &address);
                b.push(" ");
                b.plant("postal_code", &postal);
                b.push(".");
            } else {
                b.push("My address is ");
                b.plant("address", &address);
                b.push(".");
            }
        }
        EnglishItem::MyNumber => {
            let number = my_number(rng);
            let template = *rng.pick(&[
                "My My Number is {m}.",
                "Individual Number: {m}",
                "my number ({m}) was printed on the letter.",
            ]);
            b.template(template, &mut |b, _| b.plant("my_number", &number));
        }
        EnglishItem::Card => {
            let card = card_number(rng);
            let template = *rng.pick(&["I paid with card number {c}.", "Credit card: {c}"]);
            b.template(template, &mut |b, _| b.plant("card_number", &card));
        }
        EnglishItem::BirthDate => {
            let (year, month, day) = (rng.range(1940, 2008), rng.range(1, 12), rng.range(1, 28));
            let months = [
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
            let date = match rng.below(4) {
                0 => format!("{} {day}, {year}", months[month - 1]),
                1 => format!("{day} {} {year}", months[month - 1]),
                2 => format!("{year}-{month:02}-{day:02}"),
                _ => format!("{month:02}/{day:02}/{year}"),
            };
            let template = *rng.pick(&[
                "I was born on {d}.",
                "DOB: {d}",
                "Date of birth: {d}.",
                "(born {d})",
            ]);
            b.template(template, &mut |b, _| b.plant("birth_date", &date));
        }
        EnglishItem::Url => {
            let url = personal_url(rng, submitter);
            let template = *rng.pick(&[
                "My blog: {u}",
                "See my post at {u} for details.",
                "Profile: {u}",
            ]);
            b.template(template, &mut |b, _| b.plant("url", &url));
        }
    }
}

fn english_slot(rng: &mut SplitMix64, b: &mut Builder, slot: &str) {
    match slot {
        "law" => {
            let text = match rng.below(3) {
                0 => format!(
                    "Article {} of the Act on the Protection of Personal Information",
                    rng.range(1, 80)
                ),
                1 => format!(
                    "Article {}, paragraph {}",
                    rng.range(1, 80),
                    rng.range(1, 5)
                ),
                _ => format!("Article {} of the My Number Act", rng.range(1, 40)),
            };
            b.look_alike(LookAlike::LawArticle, &text);
        }
        "date" => {
            let months = ["April", "October", "January", "July"];
            let text = format!("{} 1, {}", rng.pick(&months), rng.range(2025, 2028));
            b.look_alike(LookAlike::PolicyDate, &text);
        }
        "section" => {
            let text = match rng.below(3) {
                0 => format!("Section {}.{}", rng.range(1, 9), rng.range(1, 9)),
                1 => format!("p. {}", rng.range(1, 99)),
                _ => format!("Chapter {}", rng.range(1, 9)),
            };
            b.look_alike(LookAlike::SectionReference, &text);
        }
        "amount" => {
            let text = format!(
                "JPY {},{:03},{:03}",
                rng.range(1, 999),
                rng.below(1000),
                rng.below(1000)
            );
            b.look_alike(LookAlike::YearOrAmount, &text);
        }
        "year" => {
            let text = format!("FY{}", rng.range(2025, 2030));
            b.look_alike(LookAlike::YearOrAmount, &text);
        }
        "place" => {
            let text = *rng.pick(&[
                "Tokyo",
                "Osaka Prefecture",
                "Hokkaido",
                "Yokohama City",
                "Fukuoka",
            ]);
            b.look_alike(LookAlike::PlaceName, text);
        }
        "puburl" => b.look_alike(LookAlike::PublicUrl, rng.pick_str(PUBLIC_URLS)),
        "pubphone" => {
            let (_, forms) = *rng.pick(PUBLIC_PHONES);
            b.look_alike(LookAlike::PublicPhone, forms[0]);
        }
        "fail12" => {
            let text = failing_twelve_digits(rng);
            b.look_alike(LookAlike::FailingTwelveDigits, &text);
        }
        other => b.push(other),
    }
}

// ---------------------------------------------------------------------------
// Held-out opinions: letter-style texts with formats written separately from
// the main corpus and never used while developing the detector, so that their
// scores estimate performance on unseen phrasing.

/// Generates `count` held-out opinions from `seed` (see the section comment).
pub fn generate_held_out(seed: u64, count: usize) -> Vec<SyntheticOpinion> {
    let mut rng = SplitMix64::new(seed ^ 0x005E_ED0F_4E1D_0075);
    (0..count).map(|_| held_out_opinion(&mut rng)).collect()
}

fn held_out_opinion(rng: &mut SplitMix64) -> SyntheticOpinion {
    let mut b = Builder::new();
    let person = Person::random(rng);
    let full = format!("{}{}", person.surname.0, person.given.0);
    let kana = format!("{} {}", person.surname.1, person.given.1);
    let mut known_names = Vec::new();
    if rng.chance(KNOWN_NAME_SHARE) {
        known_names.push(format!("{} {}", person.surname.0, person.given.0));
        known_names.push(kana.clone());
    }
    let public_contacts = vec!["0120-000-111".to_owned(), "03-3581-0000".to_owned()];
    let opening = *rng.pick(&[
        "{n}です。意見を提出します。",
        "投稿者：{n}\n",
        "（意見提出者）{n}\n",
        "私の名前は{n}です。",
        "",
    ]);
    b.template(opening, &mut |b, _| b.plant("person_name", &full));
    let body = [
        "本案の第5条の2及び附則第3条について意見します。",
        "令和7年度の予算2,500円の増額は妥当でしょうか。",
        "資料3-1のP.23にある図表が読み取れません。",
        "大阪府の事例や札幌市での取組も参考にしてください。",
        "詳しくは https://www.cao.go.jp/ にも掲載されていました。",
        "コールセンター（0120-000-111）は平日のみの対応です。",
        "受付番号：2024-000123として受理されました。",
        "個人情報の取扱いに関する説明が不足しています。",
        "窓口での待ち時間が長く、改善を求めます。",
    ];
    for _ in 0..rng.range(3, 5) {
        let sentence = *rng.pick(&body);
        match sentence {
            s if s.contains("第5条") => {
                b.push("本案の");
                b.look_alike(LookAlike::LawArticle, "第5条の2");
                b.push("及び");
                b.look_alike(LookAlike::LawArticle, "附則第3条");
                b.push("について意見します。");
                let _ = s;
            }
            s if s.contains("0120") => {
                b.push("コールセンター（");
                b.look_alike(LookAlike::PublicPhone, "0120-000-111");
                b.push("）は平日のみの対応です。");
                let _ = s;
            }
            s if s.contains("2024-000123") => {
                b.push("受付番号：");
                b.look_alike(LookAlike::OtherNumber, "2024-000123");
                b.push("として受理されました。");
                let _ = s;
            }
            s if s.contains("大阪府") => {
                b.look_alike(LookAlike::PlaceName, "大阪府");
                b.push("の事例や");
                b.look_alike(LookAlike::PlaceName, "札幌市");
                b.push("での取組も参考にしてください。");
                let _ = s;
            }
            s if s.contains("cao.go.jp") => {
                b.push("詳しくは ");
                b.look_alike(LookAlike::PublicUrl, "https://www.cao.go.jp/");
                b.push(" にも掲載されていました。");
                let _ = s;
            }
            s if s.contains("2,500円") => {
                b.look_alike(LookAlike::YearOrAmount, "令和7年度");
                b.push("の予算");
                b.look_alike(LookAlike::YearOrAmount, "2,500円");
                b.push("の増額は妥当でしょうか。");
                let _ = s;
            }
            s if s.contains("P.23") => {
                b.push("資料");
                b.look_alike(LookAlike::SectionReference, "3-1");
                b.push("の");
                b.look_alike(LookAlike::SectionReference, "P.23");
                b.push("にある図表が読み取れません。");
                let _ = s;
            }
            other => b.push(other),
        }
        if rng.chance(0.5) {
            b.push("\n");
        }
        match rng.below(9) {
            0 => {
                let (template, value) = *rng.pick(&[
                    ("携帯{v}にご連絡ください。", "090-2345-6789"),
                    ("TEL/FAX 0{v}\n", "3-3456-7890"),
                    ("（自宅）{v}\n", "06-6123-4567"),
                    ("電話番号は、{v}です。", "080 9876 5432"),
                    ("連絡先 {v}（平日夜間のみ）\n", "070-1111-2222"),
                    ("ＴＥＬ：{v}\n", "０４５‐６７８‐９０１２"),
                    ("Phone {v}\n", "+81-3-1234-5678"),
                ]);
                let phone = if template.starts_with("TEL/FAX") {
                    format!("0{value}")
                } else {
                    value.to_owned()
                };
                let template = template.replace("0{v}", "{v}");
                b.template(&template, &mut |b, _| b.plant("phone", &phone));
            }
            1 => {
                let (template, value) = *rng.pick(&[
                    ("Mail: {v}\n", "Taro.Yamada@Example.Co.Jp"),
                    ("返信は{v}宛にお願いします。", "yamada_t@mail.example.ne.jp"),
                    ("（{v}）", "hanako+opinion@example.jp"),
                    (
                        "メールアドレス：{v}\n",
                        "ｓａｔｏ．ｋｅｎ＠ｅｘａｍｐｌｅ．ｊｐ",
                    ),
                ]);
                b.template(template, &mut |b, _| b.plant("email", value));
            }
            2 => {
                let (postal, address) = *rng.pick(&[
                    ("060-0810", "北海道札幌市北区北十条西三丁目1-2"),
                    ("460-0001", "愛知県名古屋市中区三の丸三丁目1番2号"),
                    ("663-8152", "兵庫県西宮市甲子園町1-82"),
                    ("894-1500", "鹿児島県大島郡瀬戸内町大字古仁屋1234"),
                    ("810-0001", "福岡市中央区天神1丁目8-1 天神ビル10F"),
                    ("722-2323", "広島県尾道市因島土生町1899-25"),
                    ("164-0001", "東京都中野区中野4-8-1 中野サンプラザ 1203"),
                    ("506-0846", "岐阜県高山市上一之町1番地"),
                ]);
                let template = *rng.pick(&[
                    "【連絡先】\n住所　〒{z}　{a}\n",
                    "〒{z}\n{a}\n",
                    "住まいは{a}（〒{z}）です。",
                ]);
                b.template(template, &mut |b, slot| match slot {
                    "z" => b.plant("postal_code", postal),
                    _ => b.plant("address", address),
                });
            }
            3 => {
                let template = *rng.pick(&[
                    "個人番号(12桁)：{v}\n",
                    "私のマイナンバー {v} が漏れていないか心配です。",
                ]);
                b.template(template, &mut |b, _| b.plant("my_number", "1234 5678 9018"));
            }
            4 => {
                b.push("カード番号は");
                b.plant("card_number", "4111 1111 1111 1111");
                b.push("、有効期限は");
                b.look_alike(LookAlike::PolicyDate, "12/27");
                b.push("です。");
            }
            5 => {
                let (template, value) = *rng.pick(&[
                    ("{v}生の年金受給者です。", "平成元年1月8日"),
                    ("{v}生まれの会社員です。", "昭和39年10月10日"),
                    ("生年月日 {v}\n", "1975年 8月 15日"),
                    ("{v}生\n", "1990年（平成2年）3月3日"),
                    ("D.O.B. {v}\n", "12 March 1975"),
                    ("I was born on {v}.", "the 3rd of March, 1975"),
                ]);
                b.template(template, &mut |b, _| b.plant("birth_date", value));
            }
            6 => {
                let other = Person::random(rng);
                let (template, name) = *rng.pick(&[
                    ("担当者の{n}さんに説明を受けました。", other.surname.0),
                    ("{n}医師によれば問題ないとのことです。", other.surname.0),
                    ("{n}弁護士に相談しました。", other.surname.0),
                    ("{n}部長にも確認済みです。", other.surname.0),
                    ("{n}さんご一家も同意見です。", other.surname.0),
                    ("Regards from Mr {n}.", other.surname.2),
                    ("{n}-sensei agreed.", other.surname.2),
                ]);
                b.template(template, &mut |b, _| b.plant("person_name", name));
            }
            7 => {
                let (template, url) = *rng.pick(&[
                    ("X（旧Twitter）: {u}\n", "https://twitter.com/yamada_t"),
                    ("Instagram {u}\n", "https://www.instagram.com/hanako.s/"),
                    ("ブログ {u}\n", "http://blog.livedoor.jp/yamada_t/"),
                    (
                        "プロフィール {u}\n",
                        "https://profile.ameba.jp/ameba/hanako-s",
                    ),
                    (
                        "動画 {u}\n",
                        "https://www.youtube.com/channel/UC1234567890abcdef",
                    ),
                    ("記事 {u}\n", "https://note.com/yamada_t/n/n1234abcd"),
                    ("サイト {u}\n", "https://sites.google.com/view/yamada-taro"),
                ]);
                b.template(template, &mut |b, _| b.plant("url", url));
            }
            _ => {}
        }
    }
    if rng.chance(0.6) {
        let closing = *rng.pick(&[
            "\n以上\n{n}",
            "\n敬具\n{n}（{k}）",
            "\nSigned: {r}",
            "\n{n}拝",
        ]);
        let roman = format!("{} {}", person.given.2, person.surname.2.to_uppercase());
        b.template(closing, &mut |b, slot| match slot {
            "n" => b.plant("person_name", &full),
            "k" => b.plant("person_name", &kana),
            _ => b.plant("person_name", &roman),
        });
    }
    b.finish(Language::Japanese, known_names, public_contacts)
}

// ---------------------------------------------------------------------------
// Value generators.

/// Converts hiragana to katakana.
fn hiragana_to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| {
            if ('\u{3041}'..='\u{3096}').contains(&c) {
                char::from_u32(c as u32 + 0x60).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Replaces ASCII digits with full-width digits.
fn full_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Replaces every ASCII char with its full-width form.
fn full_width_ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            if ('!'..='~').contains(&c) {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// A Japanese phone number in one of many written forms.
fn japanese_phone(rng: &mut SplitMix64) -> String {
    let groups: Vec<String> = match rng.below(6) {
        0 | 1 => vec![
            format!("0{}0", rng.pick(&["9", "8", "7"])),
            format!("{:04}", rng.below(10000)),
            format!("{:04}", rng.below(10000)),
        ],
        2 => vec![
            rng.pick(&["03", "06"]).to_string(),
            format!("{:04}", rng.below(10000)),
            format!("{:04}", rng.below(10000)),
        ],
        3 => vec![
            rng.pick(&["045", "052", "011", "092", "022", "075", "078"])
                .to_string(),
            format!("{:03}", rng.below(1000)),
            format!("{:04}", rng.below(10000)),
        ],
        4 if rng.chance(0.2) => vec![
            rng.pick(&["01267", "04992", "09802"]).to_string(),
            rng.range(2, 9).to_string(),
            format!("{:04}", rng.below(10000)),
        ],
        4 => vec![
            rng.pick(&["0466", "0776", "0985", "0299"]).to_string(),
            format!("{:02}", rng.below(100)),
            format!("{:04}", rng.below(10000)),
        ],
        _ => vec![
            "050".to_owned(),
            format!("{:04}", rng.below(10000)),
            format!("{:04}", rng.below(10000)),
        ],
    };
    let separator = *rng.pick(&[
        "-",
        "-",
        "-",
        "‐",
        "−",
        "ー",
        "―",
        "－",
        " ",
        "",
        ".",
        " - ",
        "paren",
        "paren_mid",
        "plus",
        "plus_space",
        "plus_trunk",
        "plus_paren",
        "kanji",
    ]);
    let text = match separator {
        "paren" => format!("({}){}-{}", groups[0], groups[1], groups[2]),
        "paren_mid" => format!("{}({}){}", groups[0], groups[1], groups[2]),
        "plus" => format!("+81-{}-{}-{}", &groups[0][1..], groups[1], groups[2]),
        "plus_space" => format!("+81 {} {} {}", &groups[0][1..], groups[1], groups[2]),
        "plus_trunk" => format!("+81(0){}-{}-{}", &groups[0][1..], groups[1], groups[2]),
        "plus_paren" => format!("(+81) {}-{}-{}", &groups[0][1..], groups[1], groups[2]),
        // Vertical handwriting transcribed with kanji digits (〇九〇‐一二三四‐五六七八).
        "kanji" => groups
            .iter()
            .map(|g| {
                g.chars()
                    .map(|c| {
                        "〇一二三四五六七八九"
                            .chars()
                            .nth((c as u8 - b'0') as usize)
                            .unwrap_or(c)
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("‐"),
        sep => groups.join(sep),
    };
    if rng.chance(0.3) {
        full_width_digits(&text)
    } else {
        text
    }
}

/// An e-mail address in one of several written forms.
fn email_address(rng: &mut SplitMix64, person: &Person) -> String {
    let surname = person.surname.2.to_lowercase();
    let given = person.given.2.to_lowercase();
    let local = match rng.below(6) {
        0 => format!("{given}.{surname}"),
        1 => format!("{surname}{}", rng.range(1, 999)),
        2 => format!("{}_{surname}", &given[..1]),
        3 => format!("{given}{surname}+pc"),
        4 => format!("{surname}.{given}{}", rng.range(60, 99)),
        _ => format!("{given}-{}", rng.range(1, 99)),
    };
    let domain = *rng.pick(EMAIL_DOMAINS);
    match rng.below(16) {
        0 => full_width_ascii(&format!("{local}@{domain}")),
        1 => format!("{local}＠{domain}"),
        2 => format!("{local}(at){domain}"),
        3 => format!("{local} [at] {domain}"),
        4 => format!("{}@{}", local.to_uppercase(), domain.to_uppercase()),
        // Spelled out to avoid harvesting; rule-based detectors rarely catch these.
        5 => format!("{local} at {}", domain.replace('.', " dot ")),
        6 => format!("{local}アットマーク{domain}"),
        _ => format!("{local}@{domain}"),
    }
}

/// A seven-digit postal code in one of several written forms.
fn postal_code(rng: &mut SplitMix64) -> String {
    let (first, second) = (rng.range(100, 999), rng.below(10000));
    let text = match rng.below(6) {
        0 => format!("{first}{second:04}"),
        1 => format!("{first}−{second:04}"),
        // Typed with a Japanese input method: the long-vowel mark as a dash.
        2 => full_width_digits(&format!("{first}ー{second:04}")),
        _ => format!("{first}-{second:04}"),
    };
    if rng.chance(0.25) {
        full_width_digits(&text)
    } else {
        text
    }
}

/// Kanji numerals for 1..=99.
fn kanji_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = (n / 10, n % 10);
    let mut s = String::new();
    if tens > 1 {
        s.push_str(DIGITS[tens]);
    }
    if tens > 0 {
        s.push('十');
    }
    s.push_str(DIGITS[ones]);
    s
}

/// A Japanese street address in one of many forms.
fn japanese_address(rng: &mut SplitMix64) -> String {
    let (prefecture, city, towns, _) = *rng.pick(PLACES);
    let town = *rng.pick(towns);
    let (chome, ban, go) = (rng.range(1, 9), rng.range(1, 30), rng.range(1, 25));
    let block = match rng.below(10) {
        0 | 1 => format!("{chome}-{ban}-{go}"),
        2 => format!("{chome}丁目{ban}番{go}号"),
        3 => format!("{}丁目{ban}番{go}号", kanji_number(chome)),
        4 => format!("{}丁目{ban}-{go}", kanji_number(chome)),
        5 => format!("{}番地", rng.range(1, 2500)),
        6 => format!("{}番地の{go}", rng.range(1, 2500)),
        7 => format!(
            "{}丁目{}番{}号",
            kanji_number(chome),
            kanji_number(ban),
            kanji_number(go)
        ),
        8 => format!("{ban}-{go}"),
        9 if rng.chance(0.3) => format!("{chome}の{ban}の{go}"),
        _ => format!("{chome}-{ban}-{go}-{}", rng.range(101, 1205)),
    };
    let block = if rng.chance(0.3) {
        full_width_digits(&block)
    } else {
        block
    };
    let building = if rng.chance(0.3) {
        let room = match rng.below(3) {
            0 => format!("{}号室", rng.range(101, 1205)),
            1 => format!("{}階", rng.range(2, 9)),
            _ => rng.range(101, 905).to_string(),
        };
        format!(
            "{}{}{}",
            rng.pick(&[" ", "　", ""]),
            rng.pick(BUILDINGS),
            room
        )
    } else {
        String::new()
    };
    let with_prefecture = rng.chance(0.75);
    let spaced = rng.chance(0.15);
    let separator = if spaced { " " } else { "" };
    let line_break = !spaced && rng.chance(0.04);
    let head = if with_prefecture {
        format!("{prefecture}{separator}{city}")
    } else {
        city.to_owned()
    };
    let town_separator = if line_break { "\n" } else { separator };
    format!("{head}{town_separator}{town}{separator}{block}{building}")
}

/// Individual Number check digit of 11 digits (weights 2..7 then 2..6 from the right).
fn my_number_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = (1..=11usize)
        .map(|n| digits[11 - n] * if n <= 6 { n as u32 + 1 } else { n as u32 - 5 })
        .sum();
    let remainder = sum % 11;
    if remainder <= 1 { 0 } else { 11 - remainder }
}

/// A valid Individual Number in one of several written forms.
fn my_number(rng: &mut SplitMix64) -> String {
    let mut digits: Vec<u32> = (0..11).map(|_| rng.below(10) as u32).collect();
    digits.push(my_number_check_digit(&digits));
    let plain: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    let text = match rng.below(4) {
        0 => plain,
        1 => format!("{} {} {}", &plain[..4], &plain[4..8], &plain[8..]),
        2 => format!("{}-{}-{}", &plain[..4], &plain[4..8], &plain[8..]),
        _ => format!("{}　{}　{}", &plain[..4], &plain[4..8], &plain[8..]),
    };
    if rng.chance(0.25) {
        full_width_digits(&text)
    } else {
        text
    }
}

/// A 12-digit number whose last digit is not the Individual Number check digit.
fn failing_twelve_digits(rng: &mut SplitMix64) -> String {
    let digits: Vec<u32> = (0..11).map(|_| rng.below(10) as u32).collect();
    let wrong = (my_number_check_digit(&digits) + 1 + rng.below(9) as u32) % 10;
    let mut plain: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    plain.push(char::from(b'0' + wrong as u8));
    if rng.chance(0.3) {
        format!("{} {} {}", &plain[..4], &plain[4..8], &plain[8..])
    } else {
        plain
    }
}

/// A Luhn-valid card number (Visa, Mastercard, JCB or American Express).
fn card_number(rng: &mut SplitMix64) -> String {
    let (prefix, length): (&str, usize) =
        *rng.pick(&[("4", 16), ("51", 16), ("55", 16), ("35", 16), ("37", 15)]);
    let plain = card_number_plain(rng, prefix, length);
    let grouped = |sep: &str| {
        if length == 15 {
            format!("{}{sep}{}{sep}{}", &plain[..4], &plain[4..10], &plain[10..])
        } else {
            format!(
                "{}{sep}{}{sep}{}{sep}{}",
                &plain[..4],
                &plain[4..8],
                &plain[8..12],
                &plain[12..]
            )
        }
    };
    let text = match rng.below(3) {
        0 => plain.clone(),
        1 => grouped(" "),
        _ => grouped("-"),
    };
    if rng.chance(0.2) {
        full_width_digits(&text)
    } else {
        text
    }
}

/// Digits of a Luhn-valid number with the given prefix and length.
fn card_number_plain(rng: &mut SplitMix64, prefix: &str, length: usize) -> String {
    let mut digits: Vec<u32> = prefix.chars().filter_map(|c| c.to_digit(10)).collect();
    while digits.len() < length - 1 {
        digits.push(rng.below(10) as u32);
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum();
    digits.push((10 - sum % 10) % 10);
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// A Japanese birth date; the flag is true for year and month only.
fn japanese_birth_date(rng: &mut SplitMix64) -> (String, bool) {
    let (year, month, day) = (rng.range(1940, 2015), rng.range(1, 12), rng.range(1, 28));
    let (era, era_year) = match year {
        ..=1988 => ("昭和", year - 1925),
        1989..=2018 => ("平成", year - 1988),
        _ => ("令和", year - 2018),
    };
    let era_year_text = if era_year == 1 {
        "元".to_owned()
    } else {
        era_year.to_string()
    };
    let era_letter = match era {
        "昭和" => "S",
        "平成" => "H",
        _ => "R",
    };
    let partial = rng.chance(0.08);
    if partial {
        return (format!("{year}年{month}月"), true);
    }
    if rng.chance(0.03) {
        // Era omitted, as people often say it (60年4月1日生まれ).
        return (format!("{}年{month}月{day}日", era_year), false);
    }
    let text = match rng.below(11) {
        0 | 1 => format!("{year}年{month}月{day}日"),
        2 => format!("{year}年{month:02}月{day:02}日"),
        3 | 4 => format!("{era}{era_year_text}年{month}月{day}日"),
        5 => format!(
            "{era}{}年{}月{}日",
            kanji_number(era_year),
            kanji_number(month),
            kanji_number(day)
        ),
        6 => format!("{era_letter}{era_year}.{month}.{day}"),
        7 => format!("{year}/{month}/{day}"),
        8 => format!("{year}-{month:02}-{day:02}"),
        9 => format!("{year}年（{era}{era_year_text}年）{month}月{day}日"),
        _ => format!("{year}.{month}.{day}"),
    };
    let text = if rng.chance(0.2) {
        full_width_digits(&text)
    } else {
        text
    };
    (text, false)
}

/// A URL that points at a person.
fn personal_url(rng: &mut SplitMix64, person: &Person) -> String {
    let handle = match rng.below(3) {
        0 => format!(
            "{}_{}",
            person.given.2.to_lowercase(),
            person.surname.2.to_lowercase()
        ),
        1 => format!("{}{}", person.surname.2.to_lowercase(), rng.range(1, 9999)),
        _ => format!(
            "{}-{}",
            person.surname.2.to_lowercase(),
            person.given.2.to_lowercase()
        ),
    };
    let host_handle = handle.replace('_', "-");
    match rng.below(27) {
        0 => format!("https://twitter.com/{handle}"),
        1 => format!("https://x.com/{handle}"),
        2 => format!("https://www.facebook.com/{handle}"),
        3 => format!("https://www.instagram.com/{handle}/"),
        4 => format!("https://note.com/{handle}"),
        5 => format!("https://ameblo.jp/{host_handle}/"),
        6 => format!("https://{host_handle}.hatenablog.com/"),
        7 => format!("https://github.com/{handle}"),
        8 => format!("https://www.linkedin.com/in/{host_handle}"),
        9 => format!("https://www.youtube.com/@{handle}"),
        10 => format!("http://www.example.ne.jp/~{handle}/"),
        11 => format!("https://{host_handle}.blogspot.com/2024/05/mynumber.html"),
        12 => format!("https://mastodon.social/@{handle}"),
        13 => format!("https://bsky.app/profile/{host_handle}.bsky.social"),
        14 => format!("https://www.tiktok.com/@{handle}"),
        15 => format!("https://community.example.com/users/{handle}"),
        16 => format!("https://form.example.jp/entry?email={handle}%40example.com"),
        17 => format!("https://{host_handle}.wordpress.com/about/"),
        18 => format!("https://qiita.com/{handle}"),
        19 => format!("https://www.threads.net/@{handle}"),
        20 => format!("https://lit.link/{handle}"),
        21 => format!("https://{host_handle}-blog.jp/"),
        22 => format!(
            "https://www.facebook.com/profile.php?id={}",
            rng.range(100_000_000, 999_999_999)
        ),
        23 => format!(
            "https://twitter.com/{handle}/status/{}",
            rng.range(100_000_000, 999_999_999)
        ),
        // Written without the scheme, as people often type them.
        24 => format!("x.com/{handle}"),
        25 => format!("instagram.com/{handle}"),
        // A personal site on its own domain: nothing in the URL says it is personal.
        _ => format!("https://www.{host_handle}.jp/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_output() {
        assert_eq!(generate(7, 50), generate(7, 50));
        assert_ne!(generate(7, 50), generate(8, 50));
    }

    #[test]
    fn spans_are_in_range_and_mark_text() {
        for opinion in generate(11, 500) {
            let chars: Vec<char> = opinion.text.chars().collect();
            for span in &opinion.planted {
                assert!(
                    span.start < span.end && span.end <= chars.len(),
                    "{opinion:?}"
                );
                let planted: String = chars[span.start..span.end].iter().collect();
                assert!(!planted.trim().is_empty());
            }
            for span in &opinion.look_alikes {
                assert!(span.start < span.end && span.end <= chars.len());
            }
        }
    }

    #[test]
    fn generated_numbers_have_the_intended_check_digit() {
        // 123456789018 is a published example of a valid Individual Number.
        assert_eq!(my_number_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]), 8);
        let digits_of = |s: &str| -> Vec<u32> {
            s.chars()
                .filter_map(|c| {
                    c.to_digit(10)
                        .or_else(|| (c as u32).checked_sub(0xFF10).filter(|d| *d < 10))
                })
                .collect()
        };
        let mut rng = SplitMix64::new(3);
        for _ in 0..200 {
            let valid = digits_of(&my_number(&mut rng));
            assert_eq!(valid.len(), 12);
            assert_eq!(valid[11], my_number_check_digit(&valid[..11]));
            let failing = digits_of(&failing_twelve_digits(&mut rng));
            assert_eq!(failing.len(), 12);
            assert_ne!(failing[11], my_number_check_digit(&failing[..11]));
        }
    }

    #[test]
    fn kanji_numbers() {
        assert_eq!(kanji_number(1), "一");
        assert_eq!(kanji_number(10), "十");
        assert_eq!(kanji_number(24), "二十四");
    }
}
