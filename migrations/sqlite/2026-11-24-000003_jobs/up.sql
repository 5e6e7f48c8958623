-- Jobs and money: service catalogue (seeded), promotions (here, not in messaging, because
-- invoices reference them), service requests and their part/labour lines, invoices with frozen
-- lines, and payments. History is ON DELETE RESTRICT throughout.

CREATE TABLE service_categories (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    name      TEXT    NOT NULL UNIQUE,
    position  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE service_types (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    category_id  INTEGER NOT NULL REFERENCES service_categories (id) ON DELETE RESTRICT,
    name         TEXT    NOT NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (category_id, name)
);

-- Seed: the original's 5 service categories and their types, in its order (reference §1.9).
INSERT INTO service_categories (id, name, position) VALUES
    (1, 'Mechanical', 1),
    (2, 'Electrical', 2),
    (3, 'Bodywork', 3),
    (4, 'Tyres & wheels', 4),
    (5, 'General maintenance', 5);

INSERT INTO service_types (id, category_id, name, position) VALUES
    (1, 1, 'Brake repair', 1),
    (2, 1, 'Engine repair', 2),
    (3, 1, 'Suspension', 3),
    (4, 1, 'Transmission', 4),
    (5, 1, 'Clutch', 5),
    (6, 1, 'Steering', 6),
    (7, 1, 'Exhaust system', 7),
    (8, 1, 'Cooling system', 8),
    (9, 1, 'Oil change', 9),
    (10, 1, 'Tune-up', 10),
    (11, 1, 'Timing belt', 11),
    (12, 1, 'Alternator', 12),
    (13, 1, 'Starter motor', 13),
    (14, 1, 'Fuel system', 14),
    (15, 2, 'Battery replacement', 1),
    (16, 2, 'Wiring repair', 2),
    (17, 2, 'Lighting', 3),
    (18, 2, 'Alternator', 4),
    (19, 2, 'Starter', 5),
    (20, 2, 'Fuse replacement', 6),
    (21, 2, 'Dashboard instruments', 7),
    (22, 2, 'Power windows', 8),
    (23, 2, 'Central locking', 9),
    (24, 2, 'Air conditioning', 10),
    (25, 2, 'Audio system', 11),
    (26, 3, 'Panel beating', 1),
    (27, 3, 'Painting', 2),
    (28, 3, 'Dent removal', 3),
    (29, 3, 'Rust repair', 4),
    (30, 3, 'Windscreen replacement', 5),
    (31, 3, 'Bumper repair', 6),
    (32, 3, 'Frame straightening', 7),
    (33, 4, 'Tyre replacement', 1),
    (34, 4, 'Wheel alignment', 2),
    (35, 4, 'Wheel balancing', 3),
    (36, 4, 'Puncture repair', 4),
    (37, 4, 'Tyre rotation', 5),
    (38, 4, 'Valve replacement', 6),
    (39, 5, 'Service', 1),
    (40, 5, 'Pre-purchase inspection', 2),
    (41, 5, 'Diagnostics', 3),
    (42, 5, 'Fluid top-up', 4),
    (43, 5, 'Filter replacement', 5),
    (44, 5, 'Wiper replacement', 6);

CREATE TABLE promotions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    title                  TEXT    NOT NULL,
    description            TEXT    NOT NULL DEFAULT '',
    start_date             TEXT    NOT NULL,
    end_date               TEXT    NOT NULL,
    discount_percent_bp    INTEGER NULL CHECK (discount_percent_bp BETWEEN 1 AND 10000),
    discount_amount_cents  BIGINT  NULL CHECK (discount_amount_cents > 0),
    is_active              BOOLEAN NOT NULL DEFAULT TRUE,
    created_by             INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    CHECK (end_date >= start_date),
    CHECK ((discount_percent_bp IS NULL) <> (discount_amount_cents IS NULL))
);
CREATE INDEX promotions_dates ON promotions (start_date, end_date);

CREATE TABLE service_requests (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    display_number        TEXT    NOT NULL UNIQUE,
    transaction_type      TEXT    NOT NULL CHECK (transaction_type IN ('service', 'sale')),
    customer_id           INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    vehicle_id            INTEGER NULL REFERENCES vehicles (id) ON DELETE RESTRICT,
    site_id               INTEGER NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    service_type_id       INTEGER NULL REFERENCES service_types (id) ON DELETE SET NULL,
    assigned_mechanic_id  INTEGER NULL REFERENCES mechanics (id) ON DELETE SET NULL,
    description           TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL DEFAULT 'Pending' CHECK (status IN ('Draft', 'Pending', 'In Progress', 'Completed', 'Cancelled')),
    cancel_reason         TEXT    NULL,
    odometer_km           INTEGER NULL CHECK (odometer_km >= 0),
    created_by            INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    completed_at          TEXT    NULL,
    cancelled_at          TEXT    NULL,
    CHECK ((transaction_type = 'sale' AND vehicle_id IS NULL AND service_type_id IS NULL AND assigned_mechanic_id IS NULL)
        OR (transaction_type = 'service' AND vehicle_id IS NOT NULL)),
    CHECK (status <> 'Completed' OR completed_at IS NOT NULL),
    CHECK (status <> 'Cancelled' OR cancelled_at IS NOT NULL)
);
CREATE INDEX service_requests_site_created_at ON service_requests (site_id, created_at);
CREATE INDEX service_requests_site_status_created_at ON service_requests (site_id, status, created_at);
CREATE INDEX service_requests_site_type_created_at ON service_requests (site_id, transaction_type, created_at);
CREATE INDEX service_requests_site_completed_at ON service_requests (site_id, completed_at);
CREATE INDEX service_requests_customer_id ON service_requests (customer_id);
CREATE INDEX service_requests_vehicle_id ON service_requests (vehicle_id);
CREATE INDEX service_requests_assigned_mechanic_id ON service_requests (assigned_mechanic_id);
CREATE INDEX service_requests_service_type_id ON service_requests (service_type_id);
CREATE INDEX service_requests_type_created_at ON service_requests (transaction_type, created_at);
CREATE INDEX service_requests_status ON service_requests (status);
CREATE INDEX service_requests_created_at ON service_requests (created_at);
CREATE INDEX service_requests_completed_at ON service_requests (completed_at);

CREATE TABLE service_request_parts (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    service_request_id  INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE RESTRICT,
    product_id          INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents    BIGINT  NOT NULL CHECK (unit_price_cents >= 0),
    created_by          INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX service_request_parts_service_request_id ON service_request_parts (service_request_id);
CREATE INDEX service_request_parts_product_id ON service_request_parts (product_id);

CREATE TABLE service_request_labour (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    service_request_id  INTEGER NOT NULL REFERENCES service_requests (id) ON DELETE RESTRICT,
    description         TEXT    NOT NULL,
    hours_hundredths    INTEGER NULL CHECK (hours_hundredths >= 0),
    hourly_rate_cents   BIGINT  NULL CHECK (hourly_rate_cents >= 0),
    amount_cents        BIGINT  NOT NULL CHECK (amount_cents >= 0),
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL
);
CREATE INDEX service_request_labour_service_request_id ON service_request_labour (service_request_id);

CREATE TABLE invoices (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    display_number           TEXT    NOT NULL UNIQUE,
    service_request_id       INTEGER NOT NULL UNIQUE REFERENCES service_requests (id) ON DELETE RESTRICT,
    site_id                  INTEGER NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    customer_id              INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    parts_cents              BIGINT  NOT NULL CHECK (parts_cents >= 0),
    labour_cents             BIGINT  NOT NULL CHECK (labour_cents >= 0),
    subtotal_cents           BIGINT  NOT NULL CHECK (subtotal_cents >= 0),
    discount_cents           BIGINT  NOT NULL CHECK (discount_cents >= 0),
    tax_cents                BIGINT  NOT NULL CHECK (tax_cents >= 0),
    total_cents              BIGINT  NOT NULL CHECK (total_cents >= 0),
    paid_cents               BIGINT  NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    tax_rate_bp              INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    promotion_id             INTEGER NULL REFERENCES promotions (id) ON DELETE SET NULL,
    status                   TEXT    NOT NULL DEFAULT 'unpaid' CHECK (status IN ('unpaid', 'partially_paid', 'paid', 'void')),
    void_reason              TEXT    NULL,
    voided_at                TEXT    NULL,
    voided_by                INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    public_token             TEXT    NULL UNIQUE,
    public_token_revoked_at  TEXT    NULL,
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL,
    CHECK (subtotal_cents = parts_cents + labour_cents),
    CHECK (discount_cents <= subtotal_cents),
    CHECK (total_cents = subtotal_cents - discount_cents + tax_cents),
    CHECK (status <> 'void' OR (voided_at IS NOT NULL AND void_reason IS NOT NULL))
);
CREATE INDEX invoices_site_created_at ON invoices (site_id, created_at);
CREATE INDEX invoices_site_status_created_at ON invoices (site_id, status, created_at);
CREATE INDEX invoices_status_created_at ON invoices (status, created_at);
CREATE INDEX invoices_customer_id ON invoices (customer_id);
CREATE INDEX invoices_promotion_id ON invoices (promotion_id);
CREATE INDEX invoices_created_at ON invoices (created_at);

CREATE TABLE invoice_lines (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id        INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    kind              TEXT    NOT NULL CHECK (kind IN ('part', 'labour')),
    product_id        INTEGER NULL REFERENCES products (id) ON DELETE SET NULL,
    description       TEXT    NOT NULL,
    sku               TEXT    NOT NULL DEFAULT '',
    quantity          INTEGER NOT NULL,
    unit_price_cents  BIGINT  NOT NULL,
    line_total_cents  BIGINT  NOT NULL,
    position          INTEGER NOT NULL
);
CREATE INDEX invoice_lines_invoice_id ON invoice_lines (invoice_id);
CREATE INDEX invoice_lines_product_id ON invoice_lines (product_id);

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id      INTEGER NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    amount_cents    BIGINT  NOT NULL CHECK (amount_cents <> 0),
    method          TEXT    NOT NULL CHECK (method IN ('cash', 'mobile_money', 'card', 'bank_transfer')),
    reference       TEXT    NOT NULL DEFAULT '',
    reason          TEXT    NOT NULL DEFAULT '',
    tendered_cents  BIGINT  NULL CHECK (tendered_cents >= 0),
    received_by     INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    received_at     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    -- A reversal (negative amount) must say why.
    CHECK (amount_cents > 0 OR reason <> '')
);
CREATE INDEX payments_invoice_id ON payments (invoice_id);
CREATE INDEX payments_received_at ON payments (received_at);
