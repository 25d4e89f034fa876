//! Table definitions shared by SQLite and PostgreSQL (portable column types only).

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamp>,
        display_name -> Nullable<Text>,
        password_hash -> Nullable<Text>,
        role -> Text,
        language -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        suspended_until -> Nullable<Timestamp>,
        banned_at -> Nullable<Timestamp>,
        suspension_reason -> Nullable<Text>,
        system_name -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        csrf_token -> Text,
        user_agent -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        new_email -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        token_prefix -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        failed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rate_limit_counters (name, key_hash, window_start) {
        name -> Text,
        key_hash -> Text,
        window_start -> BigInt,
        hits -> Integer,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        slug -> Text,
        name_ja -> Text,
        name_en -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        slug -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        status -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        body_html -> Text,
        premoderation -> Bool,
        disposition_published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    responses (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        status -> Text,
        body -> Text,
        body_html -> Text,
        section_key -> Nullable<Text>,
        author_id -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    idea_responses (idea_id, response_id) {
        idea_id -> BigInt,
        response_id -> BigInt,
    }
}

diesel::table! {
    disposition_rows (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        position -> Integer,
        section_key -> Nullable<Text>,
        tag_id -> Nullable<BigInt>,
        summary -> Text,
        view -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    disposition_row_ideas (row_id, idea_id) {
        row_id -> BigInt,
        idea_id -> BigInt,
    }
}

diesel::table! {
    sections (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        key -> Text,
        heading -> Text,
        level -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    ideas (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        author_id -> BigInt,
        section_key -> Nullable<Text>,
        receipt -> Text,
        title -> Text,
        body -> Text,
        body_html -> Text,
        status -> Text,
        response_status -> Nullable<Text>,
        support_count -> Integer,
        oppose_count -> Integer,
        comment_count -> Integer,
        trend_score -> Double,
        controversy -> Double,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        visibility -> Text,
        hidden_reason -> Nullable<Text>,
        locked_at -> Nullable<Timestamp>,
        pinned_at -> Nullable<Timestamp>,
        merged_into_id -> Nullable<BigInt>,
        channel -> Text,
        received_at -> Nullable<Timestamp>,
        text_key -> Nullable<BigInt>,
        campaign_id -> Nullable<BigInt>,
        import_id -> Nullable<BigInt>,
        import_line -> Nullable<BigInt>,
    }
}

diesel::table! {
    idea_submitters (idea_id) {
        idea_id -> BigInt,
        name -> Nullable<Text>,
        email -> Nullable<Text>,
        organisation -> Nullable<Text>,
        recorded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        template_idea_id -> BigInt,
        template_key -> BigInt,
        size -> BigInt,
        distinct_texts -> BigInt,
        first_at -> Timestamp,
        last_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    campaign_decisions (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        kind -> Text,
        idea_id -> BigInt,
        other_idea_id -> Nullable<BigInt>,
        actor_id -> Nullable<BigInt>,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        consultation_id -> Nullable<BigInt>,
        status -> Text,
        dedupe_key -> Nullable<Text>,
        progress_done -> BigInt,
        progress_total -> BigInt,
        payload -> Text,
        result -> Nullable<Text>,
        error -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        run_after -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
        locked_until -> Nullable<Timestamp>,
        attempts -> Integer,
    }
}

diesel::table! {
    import_files (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        format -> Text,
        sha256 -> Text,
        size -> BigInt,
        job_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    import_chunks (import_id, seq) {
        import_id -> BigInt,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::table! {
    idea_revisions (id) {
        id -> BigInt,
        idea_id -> BigInt,
        title -> Text,
        body -> Text,
        section_key -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    comments (id) {
        id -> BigInt,
        idea_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> BigInt,
        body -> Text,
        body_html -> Text,
        reply_count -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        visibility -> Text,
        hidden_reason -> Nullable<Text>,
        moved_from_idea_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        target_type -> Text,
        target_id -> BigInt,
        consultation_id -> BigInt,
        reporter_id -> BigInt,
        reason -> Text,
        note -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    moderation_actions (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> BigInt,
        consultation_id -> Nullable<BigInt>,
        reason -> Text,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    moderation_filters (id) {
        id -> BigInt,
        pattern -> Text,
        is_regex -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    votes (user_id, idea_id) {
        user_id -> BigInt,
        idea_id -> BigInt,
        value -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        consultation_id -> BigInt,
        slug -> Text,
        name_ja -> Text,
        name_en -> Text,
        color -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idea_tags (idea_id, tag_id) {
        idea_id -> BigInt,
        tag_id -> BigInt,
    }
}

diesel::table! {
    known_devices (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    access_revocations (id) {
        id -> Integer,
        generation -> BigInt,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(known_devices -> users (user_id));
diesel::joinable!(idea_submitters -> ideas (idea_id));
diesel::joinable!(import_chunks -> import_files (import_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(consultations -> organisations (organisation_id));
diesel::joinable!(sections -> consultations (consultation_id));
diesel::joinable!(ideas -> consultations (consultation_id));
diesel::joinable!(ideas -> users (author_id));
diesel::joinable!(idea_revisions -> ideas (idea_id));
diesel::joinable!(comments -> ideas (idea_id));
diesel::joinable!(comments -> users (author_id));
diesel::joinable!(votes -> ideas (idea_id));
diesel::joinable!(votes -> users (user_id));
diesel::joinable!(tags -> consultations (consultation_id));
diesel::joinable!(idea_tags -> ideas (idea_id));
diesel::joinable!(idea_tags -> tags (tag_id));
diesel::joinable!(reports -> consultations (consultation_id));
diesel::joinable!(reports -> users (reporter_id));
diesel::joinable!(moderation_actions -> consultations (consultation_id));
diesel::joinable!(responses -> consultations (consultation_id));
diesel::joinable!(idea_responses -> ideas (idea_id));
diesel::joinable!(idea_responses -> responses (response_id));
diesel::joinable!(disposition_rows -> consultations (consultation_id));
diesel::joinable!(disposition_row_ideas -> disposition_rows (row_id));
diesel::joinable!(disposition_row_ideas -> ideas (idea_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    known_devices,
    email_tokens,
    api_tokens,
    email_outbox,
    rate_limit_counters,
    organisations,
    consultations,
    sections,
    ideas,
    idea_revisions,
    comments,
    votes,
    tags,
    idea_tags,
    reports,
    moderation_actions,
    moderation_filters,
    responses,
    idea_responses,
    disposition_rows,
    disposition_row_ideas,
    idea_submitters,
    campaigns,
    campaign_decisions,
    jobs,
    import_files,
    import_chunks,
);
