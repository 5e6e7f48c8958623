-- The extension stays: other objects may have come to use it.
DROP INDEX customers_name;
CREATE INDEX customers_name ON customers (lower(last_name), lower(first_name));
DROP INDEX customers_phone_trgm;
DROP INDEX customers_search_trgm;
