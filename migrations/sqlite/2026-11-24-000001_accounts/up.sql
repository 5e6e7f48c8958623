-- Accounts: sites, mechanics (here so users.mechanic_id can carry a real foreign key),
-- users, API tokens, login throttle, audit trail, display-number sequences, scheduled-job runs.
-- Timestamps are TEXT written by the application (UTC, no SQL defaults); booleans are 0/1.

CREATE TABLE sites (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    address         TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    timezone        TEXT    NOT NULL DEFAULT 'UTC',
    tax_rate_bp     INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_applies_to  TEXT    NOT NULL DEFAULT 'both' CHECK (tax_applies_to IN ('parts', 'labour', 'both')),
    invoice_footer  TEXT    NOT NULL DEFAULT '',
    is_active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE UNIQUE INDEX sites_name_unique ON sites (name COLLATE NOCASE);

CREATE TABLE mechanics (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id     INTEGER NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    name        TEXT    NOT NULL,
    phone       TEXT    NOT NULL DEFAULT '',
    email       TEXT    NULL,
    is_active   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX mechanics_site_name ON mechanics (site_id, name);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    email            TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    phone            TEXT    NOT NULL DEFAULT '',
    password_hash    TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('superuser', 'hq', 'manager', 'advisor', 'mechanic')),
    site_id          INTEGER NULL REFERENCES sites (id) ON DELETE RESTRICT,
    mechanic_id      INTEGER NULL REFERENCES mechanics (id) ON DELETE SET NULL,
    is_active        BOOLEAN NOT NULL DEFAULT TRUE,
    session_version  INTEGER NOT NULL DEFAULT 1,
    last_login_at    TEXT    NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    CHECK ((role IN ('superuser', 'hq') AND site_id IS NULL)
        OR (role IN ('manager', 'advisor', 'mechanic') AND site_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_unique ON users (email);
CREATE INDEX users_site_id ON users (site_id);
-- A mechanic record is one person: at most one login per mechanic.
CREATE UNIQUE INDEX users_mechanic_id_unique ON users (mechanic_id) WHERE mechanic_id IS NOT NULL;

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family      TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('access', 'refresh')),
    token_hash  TEXT    NOT NULL UNIQUE,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT    NULL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX api_tokens_family ON api_tokens (family);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);
CREATE INDEX api_tokens_expires_at ON api_tokens (expires_at);

CREATE TABLE login_attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    ip            TEXT    NOT NULL,
    succeeded     BOOLEAN NOT NULL,
    attempted_at  TEXT    NOT NULL
);
CREATE INDEX login_attempts_ip_attempted_at ON login_attempts (ip, attempted_at);
CREATE INDEX login_attempts_attempted_at ON login_attempts (attempted_at);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    action       TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    entity       TEXT    NOT NULL,
    entity_id    INTEGER NOT NULL,
    entity_repr  TEXT    NOT NULL DEFAULT '',
    changes      TEXT    NOT NULL DEFAULT '{}',
    user_id      INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    via          TEXT    NOT NULL DEFAULT 'session' CHECK (via IN ('session', 'api', 'system')),
    site_id      INTEGER NULL REFERENCES sites (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_created_at ON audit_log (created_at);
CREATE INDEX audit_log_site_created_at ON audit_log (site_id, created_at);
CREATE INDEX audit_log_user_id ON audit_log (user_id);

CREATE TABLE display_number_sequences (
    prefix      TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    last_value  INTEGER NOT NULL CHECK (last_value >= 0),
    PRIMARY KEY (prefix, year)
);

CREATE TABLE job_runs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    job            TEXT    NOT NULL,
    scheduled_for  TEXT    NOT NULL,
    started_at     TEXT    NOT NULL,
    finished_at    TEXT    NULL,
    status         TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    counts         TEXT    NOT NULL DEFAULT '{}',
    error          TEXT    NULL,
    instance       TEXT    NOT NULL DEFAULT '',
    UNIQUE (job, scheduled_for)
);
CREATE INDEX job_runs_started_at ON job_runs (started_at);
