-- Master data: customers (global), vehicles, the product catalogue (global), stock per site and
-- its movement log. Anything with history is ON DELETE RESTRICT, never CASCADE.

CREATE TABLE customers (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    first_name                 TEXT    NOT NULL,
    last_name                  TEXT    NOT NULL,
    phone                      TEXT    NOT NULL DEFAULT '',
    email                      TEXT    NULL,
    preferred_channel          TEXT    NOT NULL DEFAULT 'sms' CHECK (preferred_channel IN ('sms', 'whatsapp', 'email')),
    receive_service_reminders  BOOLEAN NOT NULL DEFAULT TRUE,
    receive_marketing          BOOLEAN NOT NULL DEFAULT FALSE,
    is_walk_in                 BOOLEAN NOT NULL DEFAULT FALSE,
    notes                      TEXT    NOT NULL DEFAULT '',
    created_by                 INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at                 TEXT    NOT NULL,
    updated_at                 TEXT    NOT NULL
);
-- At most one shared walk-in customer.
CREATE UNIQUE INDEX customers_one_walk_in ON customers (is_walk_in) WHERE is_walk_in;
CREATE INDEX customers_phone ON customers (phone);
CREATE INDEX customers_email ON customers (email);
CREATE INDEX customers_name ON customers (lower(last_name), lower(first_name));
CREATE INDEX customers_created_at ON customers (created_at);

CREATE TABLE vehicles (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id              INTEGER NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    site_id                  INTEGER NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    make                     TEXT    NOT NULL,
    model                    TEXT    NOT NULL,
    year                     INTEGER NOT NULL,
    license_plate            TEXT    NOT NULL,
    plate_key                TEXT    NOT NULL UNIQUE,
    vin                      TEXT    NULL,
    odometer_km              INTEGER NULL CHECK (odometer_km >= 0),
    last_serviced            TEXT    NULL,
    service_interval_days    INTEGER NOT NULL DEFAULT 180 CHECK (service_interval_days > 0),
    service_interval_km      INTEGER NULL CHECK (service_interval_km > 0),
    last_reminder_sent       TEXT    NULL,
    reminders_sent_in_cycle  INTEGER NOT NULL DEFAULT 0 CHECK (reminders_sent_in_cycle >= 0),
    created_at               TEXT    NOT NULL,
    updated_at               TEXT    NOT NULL
);
CREATE INDEX vehicles_customer_id ON vehicles (customer_id);
CREATE INDEX vehicles_site_id ON vehicles (site_id, id);
CREATE INDEX vehicles_site_created_at ON vehicles (site_id, created_at);
CREATE INDEX vehicles_created_at ON vehicles (created_at);
CREATE INDEX vehicles_last_serviced ON vehicles (last_serviced);
CREATE INDEX vehicles_vin ON vehicles (vin);

CREATE TABLE products (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL,
    sku               TEXT    NULL UNIQUE,
    fmsi_number       TEXT    NOT NULL DEFAULT '',
    product_type      TEXT    NOT NULL DEFAULT '',
    position          TEXT    NOT NULL DEFAULT '',
    application       TEXT    NOT NULL DEFAULT '',
    description       TEXT    NOT NULL DEFAULT '',
    brand             TEXT    NOT NULL DEFAULT '',
    part_number       TEXT    NOT NULL DEFAULT '',
    category          TEXT    NOT NULL DEFAULT 'spare_part' CHECK (category IN ('spare_part', 'accessory', 'consumable', 'fluid', 'other')),
    unit_of_measure   TEXT    NOT NULL DEFAULT 'each' CHECK (unit_of_measure IN ('each', 'litre', 'kg', 'metre', 'box', 'set', 'pair')),
    unit_price_cents  BIGINT  NOT NULL CHECK (unit_price_cents >= 0),
    cost_price_cents  BIGINT  NULL CHECK (cost_price_cents >= 0),
    is_active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX products_name ON products (name);
CREATE INDEX products_fmsi_number ON products (fmsi_number);
CREATE INDEX products_part_number ON products (part_number);
CREATE INDEX products_product_type ON products (product_type);

CREATE TABLE inventory (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id         INTEGER NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    site_id            INTEGER NOT NULL REFERENCES sites (id) ON DELETE RESTRICT,
    quantity_on_hand   INTEGER NOT NULL DEFAULT 0 CHECK (quantity_on_hand >= 0),
    quantity_reserved  INTEGER NOT NULL DEFAULT 0 CHECK (quantity_reserved >= 0),
    reorder_level      INTEGER NOT NULL DEFAULT 0 CHECK (reorder_level >= 0),
    reorder_quantity   INTEGER NOT NULL DEFAULT 0 CHECK (reorder_quantity >= 0),
    bin_location       TEXT    NOT NULL DEFAULT '',
    restricted         BOOLEAN NOT NULL DEFAULT FALSE,
    last_counted_at    TEXT    NULL,
    last_restocked_at  TEXT    NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL,
    CHECK (quantity_reserved <= quantity_on_hand),
    UNIQUE (product_id, site_id)
);
CREATE INDEX inventory_site_product ON inventory (site_id, product_id);
-- Low-stock scans only look at rows with a reorder level.
CREATE INDEX inventory_reorder ON inventory (site_id) WHERE reorder_level > 0;

CREATE TABLE inventory_transactions (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    inventory_id     INTEGER NOT NULL REFERENCES inventory (id) ON DELETE RESTRICT,
    kind             TEXT    NOT NULL CHECK (kind IN ('in', 'out', 'adjust', 'return', 'count')),
    quantity         INTEGER NOT NULL,
    quantity_after   INTEGER NOT NULL CHECK (quantity_after >= 0),
    unit_cost_cents  BIGINT  NULL CHECK (unit_cost_cents >= 0),
    reason           TEXT    NOT NULL DEFAULT '',
    reference_type   TEXT    NOT NULL DEFAULT '',
    reference_id     INTEGER NULL,
    created_by       INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at       TEXT    NOT NULL
);
CREATE INDEX inventory_transactions_inventory_created_at ON inventory_transactions (inventory_id, created_at);
CREATE INDEX inventory_transactions_reference ON inventory_transactions (reference_type, reference_id);
CREATE INDEX inventory_transactions_created_at ON inventory_transactions (created_at);
