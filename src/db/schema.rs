//! Diesel table definitions, written by hand to match migrations/{sqlite,postgres}. Keep them in step.
//!
//! Types as Diesel maps them on both backends: ids, foreign keys and counters are `Integer`;
//! money (`*_cents`) is `BigInt`; rates (`*_bp`) are `Integer` basis points; timestamps are UTC
//! `Timestamp` (TIMESTAMP on PostgreSQL, TEXT on SQLite); dates are `Date` (DATE / TEXT).

diesel::table! {
    /// A workshop location. `tax_rate_bp` is basis points (1500 = 15.00%).
    sites (id) {
        id -> Integer,
        name -> Text,
        address -> Text,
        phone -> Text,
        timezone -> Text,
        tax_rate_bp -> Integer,
        tax_applies_to -> Text,
        invoice_footer -> Text,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A mechanic of one site (in migration 1 so `users.mechanic_id` can reference it).
    mechanics (id) {
        id -> Integer,
        site_id -> Integer,
        name -> Text,
        phone -> Text,
        email -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Staff login. `email` is stored lower-cased; `site_id` is NULL exactly for `superuser` and `hq`.
    users (id) {
        id -> Integer,
        email -> Text,
        name -> Text,
        phone -> Text,
        password_hash -> Text,
        role -> Text,
        site_id -> Nullable<Integer>,
        mechanic_id -> Nullable<Integer>,
        is_active -> Bool,
        session_version -> Integer,
        last_login_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One-time links that let an invited staff member choose their password (hash only).
    staff_invites (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Opaque API bearer tokens, stored as hashes; `family` links a refresh chain.
    api_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        family -> Text,
        kind -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Login throttle, shared by every instance.
    login_attempts (id) {
        id -> Integer,
        ip -> Text,
        succeeded -> Bool,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    /// Append-only audit trail; `changes` is JSON text.
    audit_log (id) {
        id -> Integer,
        action -> Text,
        entity -> Text,
        entity_id -> Integer,
        entity_repr -> Text,
        changes -> Text,
        user_id -> Nullable<Integer>,
        via -> Text,
        site_id -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Per-(prefix, year) counters for `SR-`, `SALE-` and `INV-` display numbers.
    display_number_sequences (prefix, year) {
        prefix -> Text,
        year -> Integer,
        last_value -> Integer,
    }
}

diesel::table! {
    /// One row per scheduled job run; UNIQUE (job, scheduled_for) makes a run claimable once.
    job_runs (id) {
        id -> Integer,
        job -> Text,
        scheduled_for -> Timestamp,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        status -> Text,
        counts -> Text,
        error -> Nullable<Text>,
        instance -> Text,
    }
}

diesel::table! {
    /// Customers are global (shared by all sites). At most one row has `is_walk_in`.
    customers (id) {
        id -> Integer,
        first_name -> Text,
        last_name -> Text,
        phone -> Text,
        email -> Nullable<Text>,
        preferred_channel -> Text,
        receive_service_reminders -> Bool,
        receive_marketing -> Bool,
        is_walk_in -> Bool,
        notes -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// `plate_key` is the normalised plate (upper-case, no spaces or hyphens), unique.
    vehicles (id) {
        id -> Integer,
        customer_id -> Integer,
        site_id -> Integer,
        make -> Text,
        model -> Text,
        year -> Integer,
        license_plate -> Text,
        plate_key -> Text,
        vin -> Nullable<Text>,
        odometer_km -> Nullable<Integer>,
        last_serviced -> Nullable<Date>,
        service_interval_days -> Integer,
        service_interval_km -> Nullable<Integer>,
        last_reminder_sent -> Nullable<Date>,
        reminders_sent_in_cycle -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Central catalogue. Money in cents.
    products (id) {
        id -> Integer,
        name -> Text,
        sku -> Nullable<Text>,
        fmsi_number -> Text,
        product_type -> Text,
        position -> Text,
        application -> Text,
        description -> Text,
        brand -> Text,
        part_number -> Text,
        category -> Text,
        unit_of_measure -> Text,
        unit_price_cents -> BigInt,
        cost_price_cents -> Nullable<BigInt>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Stock of one product at one site.
    inventory (id) {
        id -> Integer,
        product_id -> Integer,
        site_id -> Integer,
        quantity_on_hand -> Integer,
        quantity_reserved -> Integer,
        reorder_level -> Integer,
        reorder_quantity -> Integer,
        bin_location -> Text,
        restricted -> Bool,
        last_counted_at -> Nullable<Timestamp>,
        last_restocked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Stock movement log; `quantity` is signed.
    inventory_transactions (id) {
        id -> Integer,
        inventory_id -> Integer,
        kind -> Text,
        quantity -> Integer,
        quantity_after -> Integer,
        unit_cost_cents -> Nullable<BigInt>,
        reason -> Text,
        reference_type -> Text,
        reference_id -> Nullable<Integer>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Seeded by migration 3.
    service_categories (id) {
        id -> Integer,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    /// Seeded by migration 3.
    service_types (id) {
        id -> Integer,
        category_id -> Integer,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    /// Exactly one of `discount_percent_bp` / `discount_amount_cents` is set.
    promotions (id) {
        id -> Integer,
        title -> Text,
        description -> Text,
        start_date -> Date,
        end_date -> Date,
        discount_percent_bp -> Nullable<Integer>,
        discount_amount_cents -> Nullable<BigInt>,
        is_active -> Bool,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// A job (`service`, with a vehicle) or a parts sale (`sale`, no vehicle).
    service_requests (id) {
        id -> Integer,
        display_number -> Text,
        transaction_type -> Text,
        customer_id -> Integer,
        vehicle_id -> Nullable<Integer>,
        site_id -> Integer,
        service_type_id -> Nullable<Integer>,
        assigned_mechanic_id -> Nullable<Integer>,
        description -> Text,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        odometer_km -> Nullable<Integer>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        /// The sum of the part lines (quantity × unit price), kept with every line change.
        parts_cents -> BigInt,
        /// The sum of the labour lines, kept with every line change.
        labour_cents -> BigInt,
    }
}

diesel::table! {
    /// Part lines of a service request; `unit_price_cents` is a snapshot.
    service_request_parts (id) {
        id -> Integer,
        service_request_id -> Integer,
        product_id -> Integer,
        quantity -> Integer,
        unit_price_cents -> BigInt,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Labour lines; `hours_hundredths` is hours x 100, `amount_cents` the line total.
    service_request_labour (id) {
        id -> Integer,
        service_request_id -> Integer,
        description -> Text,
        hours_hundredths -> Nullable<Integer>,
        hourly_rate_cents -> Nullable<BigInt>,
        amount_cents -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One per completed service request; amounts frozen at creation.
    invoices (id) {
        id -> Integer,
        display_number -> Text,
        service_request_id -> Integer,
        site_id -> Integer,
        customer_id -> Integer,
        parts_cents -> BigInt,
        labour_cents -> BigInt,
        subtotal_cents -> BigInt,
        discount_cents -> BigInt,
        tax_cents -> BigInt,
        total_cents -> BigInt,
        paid_cents -> BigInt,
        tax_rate_bp -> Integer,
        promotion_id -> Nullable<Integer>,
        status -> Text,
        void_reason -> Nullable<Text>,
        voided_at -> Nullable<Timestamp>,
        voided_by -> Nullable<Integer>,
        public_token -> Nullable<Text>,
        public_token_revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Frozen copy of the request's lines at completion.
    invoice_lines (id) {
        id -> Integer,
        invoice_id -> Integer,
        kind -> Text,
        product_id -> Nullable<Integer>,
        description -> Text,
        sku -> Text,
        quantity -> Integer,
        unit_price_cents -> BigInt,
        line_total_cents -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    /// Payments of an invoice; a reversal is a negative row with a reason.
    payments (id) {
        id -> Integer,
        invoice_id -> Integer,
        amount_cents -> BigInt,
        method -> Text,
        reference -> Text,
        reason -> Text,
        tendered_cents -> Nullable<BigInt>,
        received_by -> Nullable<Integer>,
        received_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// A bulk message to an audience, delivered through the outbox.
    sms_blasts (id) {
        id -> Integer,
        promotion_id -> Nullable<Integer>,
        message -> Text,
        audience -> Text,
        site_id -> Nullable<Integer>,
        status -> Text,
        total_count -> Integer,
        sent_count -> Integer,
        failed_count -> Integer,
        skipped_count -> Integer,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Every outgoing message; `dedupe_key` makes each logical message at most once.
    outbox_messages (id) {
        id -> Integer,
        kind -> Text,
        channel -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        provider_id -> Nullable<Text>,
        dedupe_key -> Text,
        customer_id -> Nullable<Integer>,
        site_id -> Nullable<Integer>,
        service_request_id -> Nullable<Integer>,
        invoice_id -> Nullable<Integer>,
        sms_blast_id -> Nullable<Integer>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(mechanics -> sites (site_id));
diesel::joinable!(users -> sites (site_id));
diesel::joinable!(users -> mechanics (mechanic_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(staff_invites -> users (user_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::joinable!(audit_log -> sites (site_id));
diesel::joinable!(customers -> users (created_by));
diesel::joinable!(vehicles -> customers (customer_id));
diesel::joinable!(vehicles -> sites (site_id));
diesel::joinable!(inventory -> products (product_id));
diesel::joinable!(inventory -> sites (site_id));
diesel::joinable!(inventory_transactions -> inventory (inventory_id));
diesel::joinable!(inventory_transactions -> users (created_by));
diesel::joinable!(service_types -> service_categories (category_id));
diesel::joinable!(promotions -> users (created_by));
diesel::joinable!(service_requests -> customers (customer_id));
diesel::joinable!(service_requests -> vehicles (vehicle_id));
diesel::joinable!(service_requests -> sites (site_id));
diesel::joinable!(service_requests -> service_types (service_type_id));
diesel::joinable!(service_requests -> mechanics (assigned_mechanic_id));
diesel::joinable!(service_requests -> users (created_by));
diesel::joinable!(service_request_parts -> service_requests (service_request_id));
diesel::joinable!(service_request_parts -> products (product_id));
diesel::joinable!(service_request_parts -> users (created_by));
diesel::joinable!(service_request_labour -> service_requests (service_request_id));
diesel::joinable!(invoices -> service_requests (service_request_id));
diesel::joinable!(invoices -> sites (site_id));
diesel::joinable!(invoices -> customers (customer_id));
diesel::joinable!(invoices -> promotions (promotion_id));
diesel::joinable!(invoices -> users (voided_by));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoice_lines -> products (product_id));
diesel::joinable!(payments -> invoices (invoice_id));
diesel::joinable!(payments -> users (received_by));
diesel::joinable!(sms_blasts -> promotions (promotion_id));
diesel::joinable!(sms_blasts -> sites (site_id));
diesel::joinable!(sms_blasts -> users (created_by));
diesel::joinable!(outbox_messages -> customers (customer_id));
diesel::joinable!(outbox_messages -> sites (site_id));
diesel::joinable!(outbox_messages -> service_requests (service_request_id));
diesel::joinable!(outbox_messages -> invoices (invoice_id));
diesel::joinable!(outbox_messages -> sms_blasts (sms_blast_id));

diesel::allow_tables_to_appear_in_same_query!(
    sites,
    mechanics,
    users,
    api_tokens,
    staff_invites,
    login_attempts,
    audit_log,
    display_number_sequences,
    job_runs,
    customers,
    vehicles,
    products,
    inventory,
    inventory_transactions,
    service_categories,
    service_types,
    promotions,
    service_requests,
    service_request_parts,
    service_request_labour,
    invoices,
    invoice_lines,
    payments,
    sms_blasts,
    outbox_messages,
);
