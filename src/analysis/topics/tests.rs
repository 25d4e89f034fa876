//! Tests of the whole topic computation.

use super::*;

fn docs_of(texts: &[&'static str]) -> Vec<Document<'static>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, &text)| Document {
            id: i as u64 + 1,
            text,
            weight: 1,
        })
        .collect()
}

fn run(docs: &[Document<'_>], options: &Options) -> TopicMap {
    compute_topics(docs, options, &mut |_, _| true).unwrap_or_else(|_| panic!("not cancelled"))
}

const INSURANCE: &[&str] = &[
    "健康保険証の廃止に反対です。マイナ保険証の誤登録が不安です。",
    "マイナ保険証の紐付けの誤りが心配。健康保険証を残してほしい。",
    "健康保険証の廃止は延期すべき。顔認証の受付が使いにくい。",
    "マイナ保険証の誤登録と紐付けの確認をしてください。",
    "健康保険証とマイナンバーカードの一体化に反対。",
    "顔認証の受付でマイナ保険証が読めない。健康保険証が必要です。",
];
const CLOUD: &[&str] = &[
    "ガバメントクラウドの運用経費が高すぎる。円安で利用料も上がった。",
    "ガバメントクラウドへの移行で運用経費が増えた。国産クラウドを使うべき。",
    "外資系クラウドへの依存はデータ主権の問題。国産クラウドを育ててほしい。",
    "クラウド移行の運用経費を国が負担してください。",
    "ガバメントクラウドの障害対応とデータ主権が心配です。",
    "国産クラウドの育成と運用経費の削減を。ガバメントクラウドは高い。",
];

fn two_theme_docs() -> Vec<Document<'static>> {
    let texts: Vec<&'static str> = INSURANCE.iter().chain(CLOUD).copied().collect();
    docs_of(&texts)
}

fn primary_of(map: &TopicMap, id: u64) -> Option<usize> {
    map.primary_assignments()
        .into_iter()
        .find(|&(d, _)| d == id)
        .map(|(_, t)| t)
}

#[test]
fn no_documents_give_an_empty_map() {
    let map = run(&[], &Options::default());
    assert!(map.topics.is_empty() && map.unassigned.is_empty());
    assert_eq!(map.total_texts, 0);
}

#[test]
fn one_document_is_one_topic() {
    let docs = docs_of(&["マイナ保険証の誤登録が不安です。"]);
    let map = run(&docs, &Options::default());
    assert_eq!(map.topics.len(), 1);
    assert_eq!(map.topics[0].distinct_texts, 1);
    assert_eq!(map.topics[0].representatives, vec![1]);
    assert!(!map.topics[0].label.is_empty());
}

#[test]
fn two_documents_are_all_accounted_for() {
    let docs = docs_of(&[
        "マイナ保険証の誤登録が不安です。",
        "ガバメントクラウドの運用経費が高い。",
    ]);
    let map = run(&docs, &Options::default());
    let placed: usize =
        map.topics.iter().map(|t| t.distinct_texts).sum::<usize>() + map.unassigned.len();
    assert_eq!(placed, 2);
}

#[test]
fn identical_texts_form_one_topic_and_empty_texts_none() {
    let mut docs = docs_of(&["健康保険証の廃止に反対。"; 5]);
    docs.push(Document {
        id: 99,
        text: "",
        weight: 3,
    });
    docs.push(Document {
        id: 100,
        text: "。。！",
        weight: 1,
    });
    let map = run(&docs, &Options::default());
    assert_eq!(map.topics.len(), 1);
    assert_eq!(map.topics[0].distinct_texts, 5);
    assert_eq!(map.unassigned, vec![99, 100]);
    assert_eq!(map.total_submissions, 9);
}

#[test]
fn separates_themes_with_readable_labels() {
    let map = run(&two_theme_docs(), &Options::default());
    assert_eq!(
        map.topics.len(),
        2,
        "{:?}",
        map.topics.iter().map(|t| &t.label).collect::<Vec<_>>()
    );
    let insurance = primary_of(&map, 1);
    assert!((1..=6).all(|id| primary_of(&map, id) == insurance));
    assert!((7..=12).all(|id| primary_of(&map, id) != insurance && primary_of(&map, id).is_some()));
    let labels: Vec<&str> = map.topics.iter().map(|t| t.label.as_str()).collect();
    assert!(
        labels
            .iter()
            .any(|l| l.contains("マイナ保険証") || l.contains("健康保険証")),
        "{labels:?}"
    );
    assert!(labels.iter().any(|l| l.contains("クラウド")), "{labels:?}");
    for topic in &map.topics {
        assert!(topic.representatives.len() <= REPRESENTATIVES);
        assert!(!topic.representatives.is_empty());
        assert!(topic.terms.len() <= TOPIC_TERMS);
    }
    assert!(map.topic_similarity(0, 1) < MERGE_SIMILARITY);
}

#[test]
fn weights_count_in_sizes_not_in_grouping() {
    let mut docs = two_theme_docs();
    docs[7].weight = 5_000;
    let map = run(&docs, &Options::default());
    let cloud = primary_of(&map, 8).unwrap_or(usize::MAX);
    assert_eq!(cloud, 0, "the heaviest topic comes first");
    assert_eq!(map.topics[0].size_submissions, 5_005);
    assert_eq!(map.topics[0].distinct_texts, 6);
    assert_eq!(
        map.topics[0].representatives[0], 8,
        "the campaign is central and heavy"
    );
}

#[test]
fn the_same_input_in_any_order_gives_the_same_map() {
    let docs = two_theme_docs();
    let mut reversed = docs.clone();
    reversed.reverse();
    let options = Options {
        seed: 42,
        ..Options::default()
    };
    assert_eq!(run(&docs, &options), run(&reversed, &options));
}

#[test]
fn a_text_on_two_themes_belongs_to_both() {
    let mut texts: Vec<&'static str> = INSURANCE.iter().chain(CLOUD).copied().collect();
    texts.push("マイナ保険証の誤登録が不安。ガバメントクラウドの運用経費も高すぎる。");
    let docs = docs_of(&texts);
    let map = run(&docs, &Options::default());
    let memberships: Vec<(usize, bool)> = map
        .topics
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            t.members
                .iter()
                .find(|m| m.doc_id == 13)
                .map(|m| (i, m.primary))
        })
        .collect();
    let strengths: Vec<Vec<(u64, f32, bool)>> = map
        .topics
        .iter()
        .map(|t| {
            t.members
                .iter()
                .map(|m| (m.doc_id, m.strength, m.primary))
                .collect()
        })
        .collect();
    assert_eq!(memberships.len(), 2, "{memberships:?} {strengths:?}");
    assert_eq!(memberships.iter().filter(|(_, p)| *p).count(), 1);
    let secondary_topic = memberships
        .iter()
        .find(|(_, p)| !*p)
        .map(|(i, _)| *i)
        .unwrap_or(usize::MAX);
    assert_eq!(map.topics[secondary_topic].secondary_texts, 1);
    // Secondary members do not count in sizes: sizes add up to the total.
    let sizes: u64 = map.topics.iter().map(|t| t.size_submissions).sum();
    assert_eq!(sizes, map.total_submissions - map.unassigned.len() as u64);
}

#[test]
fn pinned_texts_end_up_together_under_their_key() {
    let docs = two_theme_docs();
    let pinned = [1, 2, 7]
        .iter()
        .map(|&doc_id| Pin {
            doc_id,
            key: "drafter-1".into(),
        })
        .collect();
    let options = Options {
        pinned,
        ..Options::default()
    };
    let map = run(&docs, &options);
    let keyed = map.topic_with_key("drafter-1").unwrap_or(usize::MAX);
    for id in [1, 2, 7] {
        assert_eq!(primary_of(&map, id), Some(keyed));
    }
    assert_eq!(
        map.topics[keyed].fingerprint.key.as_deref(),
        Some("drafter-1")
    );
}

#[test]
fn excluded_texts_never_rejoin_the_topic() {
    let docs = two_theme_docs();
    let pinned = (1..=5)
        .map(|doc_id| Pin {
            doc_id,
            key: "insurance".into(),
        })
        .collect();
    let excluded = vec![Pin {
        doc_id: 6,
        key: "insurance".into(),
    }];
    let options = Options {
        pinned,
        excluded,
        ..Options::default()
    };
    let map = run(&docs, &options);
    let keyed = map.topic_with_key("insurance").unwrap_or(usize::MAX);
    assert!(map.topics[keyed].members.iter().all(|m| m.doc_id != 6));
    assert!((1..=5).all(|id| primary_of(&map, id) == Some(keyed)));
}

#[test]
fn pins_to_unknown_texts_are_ignored() {
    let docs = two_theme_docs();
    let options = Options {
        pinned: vec![Pin {
            doc_id: 999,
            key: "gone".into(),
        }],
        ..Options::default()
    };
    let map = run(&docs, &options);
    assert!(map.topic_with_key("gone").is_none());
}

#[test]
fn topics_are_recognised_after_recomputation() {
    let docs = two_theme_docs();
    let before = run(&docs, &Options::default());
    let stored = before.fingerprints();
    let json = serde_json::to_string(&stored).unwrap_or_default();
    let restored: Vec<TopicFingerprint> = serde_json::from_str(&json).unwrap_or_default();
    assert_eq!(restored, stored);

    let mut grown = docs.clone();
    grown.push(Document {
        id: 50,
        text: "国産クラウドの運用経費を公開してください。",
        weight: 1,
    });
    let mut reordered = grown.clone();
    reordered.rotate_left(5);
    let after = run(
        &reordered,
        &Options {
            seed: 7,
            ..Options::default()
        },
    );
    let matched = match_topics(&restored, &after);
    assert_eq!(matched.len(), after.topics.len());
    for (new_index, old_index) in matched.iter().enumerate() {
        let old_index = old_index.unwrap_or(usize::MAX);
        let new_first = after.topics[new_index].fingerprint.members[0];
        assert!(
            before.topics[old_index]
                .fingerprint
                .members
                .contains(&new_first)
        );
    }
}

#[test]
fn a_target_gives_that_many_topics() {
    let docs = two_theme_docs();
    let map = run(
        &docs,
        &Options {
            target_topics: Some(3),
            min_topic_size: 1,
            ..Options::default()
        },
    );
    assert_eq!(map.topics.len(), 3);
}

#[test]
fn progress_is_reported_and_can_cancel() {
    let docs = two_theme_docs();
    let mut calls = 0;
    let mut last = (0, 0);
    let result = compute_topics(&docs, &Options::default(), &mut |done, total| {
        calls += 1;
        last = (done, total);
        true
    });
    assert!(result.is_ok());
    assert!(calls > 3);
    assert_eq!(last.0, last.1);
    let cancelled = compute_topics(&docs, &Options::default(), &mut |done, _| done == 0);
    assert_eq!(cancelled, Err(Cancelled));
}

#[test]
fn minority_views_list_small_distinct_topics() {
    let mut texts: Vec<&'static str> = INSURANCE.iter().chain(CLOUD).copied().collect();
    texts.extend([
        "職員研修の時間とリスキリング講座を増やして。",
        "リスキリング講座と職員研修の充実を。",
        "職員研修とリスキリングの予算を。",
    ]);
    let mut docs = docs_of(&texts);
    for doc in docs.iter_mut().take(12) {
        doc.weight = 20;
    }
    let map = run(&docs, &Options::default());
    // The small topic holds 3 of 15 texts and 3 of 243 submissions.
    let views = minority_views(&map, 0.25);
    assert_eq!(views.len(), 1, "{views:?}");
    assert!(views[0].label.contains("職員研修") || views[0].label.contains("リスキリング"));
    assert_eq!(views[0].distinct_texts, 3);
}

#[test]
fn a_drafters_split_survives_recomputation() {
    let docs = two_theme_docs();
    let mut pinned: Vec<Pin> = (1..=3)
        .map(|doc_id| Pin {
            doc_id,
            key: "part-a".into(),
        })
        .collect();
    pinned.extend((4..=6).map(|doc_id| Pin {
        doc_id,
        key: "part-b".into(),
    }));
    let map = run(
        &docs,
        &Options {
            pinned,
            ..Options::default()
        },
    );
    let (a, b) = (map.topic_with_key("part-a"), map.topic_with_key("part-b"));
    assert!(a.is_some() && b.is_some() && a != b);
    assert!((1..=3).all(|id| primary_of(&map, id) == a));
    assert!((4..=6).all(|id| primary_of(&map, id) == b));
}

#[test]
fn a_drafters_merge_survives_recomputation() {
    let docs = two_theme_docs();
    let pinned = (1..=12)
        .map(|doc_id| Pin {
            doc_id,
            key: "merged".into(),
        })
        .collect();
    let map = run(
        &docs,
        &Options {
            pinned,
            ..Options::default()
        },
    );
    assert_eq!(map.topics.len(), 1);
    assert_eq!(map.topics[0].key.as_deref(), Some("merged"));
    assert_eq!(map.topics[0].distinct_texts, 12);
}
