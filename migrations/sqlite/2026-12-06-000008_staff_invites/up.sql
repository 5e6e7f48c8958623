-- Invitations: a staff account created without a password gets a one-time link by email to
-- choose one. Only the token's SHA-256 is stored.
CREATE TABLE staff_invites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    expires_at  TEXT    NOT NULL,
    used_at     TEXT    NULL,
    created_by  INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX staff_invites_user_id ON staff_invites (user_id);

-- The invitation email is a new kind of outbox message. SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt with the same columns, rows and indexes.
CREATE TABLE outbox_messages_rebuilt (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    kind                TEXT    NOT NULL CHECK (kind IN ('welcome', 'mechanic_assigned', 'invoice', 'ready_for_pickup', 'receipt', 'service_reminder', 'promotion', 'sms_blast', 'low_stock', 'test', 'staff_invite')),
    channel             TEXT    NOT NULL CHECK (channel IN ('console', 'sms', 'whatsapp', 'email')),
    recipient           TEXT    NOT NULL,
    subject             TEXT    NOT NULL DEFAULT '',
    body_text           TEXT    NOT NULL,
    body_html           TEXT    NULL,
    status              TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts        INTEGER NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    next_attempt_at     TEXT    NOT NULL,
    claimed_by          TEXT    NULL,
    claimed_until       TEXT    NULL,
    last_error          TEXT    NULL,
    provider_id         TEXT    NULL,
    dedupe_key          TEXT    NOT NULL UNIQUE,
    customer_id         INTEGER NULL REFERENCES customers (id) ON DELETE SET NULL,
    site_id             INTEGER NULL REFERENCES sites (id) ON DELETE SET NULL,
    service_request_id  INTEGER NULL REFERENCES service_requests (id) ON DELETE SET NULL,
    invoice_id          INTEGER NULL REFERENCES invoices (id) ON DELETE SET NULL,
    sms_blast_id        INTEGER NULL REFERENCES sms_blasts (id) ON DELETE SET NULL,
    created_at          TEXT    NOT NULL,
    sent_at             TEXT    NULL
);
INSERT INTO outbox_messages_rebuilt SELECT * FROM outbox_messages;
DROP TABLE outbox_messages;
ALTER TABLE outbox_messages_rebuilt RENAME TO outbox_messages;
CREATE INDEX outbox_messages_status_next_attempt_at ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_messages_customer_id ON outbox_messages (customer_id);
CREATE INDEX outbox_messages_created_at ON outbox_messages (created_at);
CREATE INDEX outbox_messages_site_created_at ON outbox_messages (site_id, created_at);
CREATE INDEX outbox_messages_sms_blast_status ON outbox_messages (sms_blast_id, status);
CREATE INDEX outbox_messages_kind_created_at ON outbox_messages (kind, created_at);
CREATE INDEX outbox_messages_service_request_id ON outbox_messages (service_request_id);
CREATE INDEX outbox_messages_invoice_id ON outbox_messages (invoice_id);
