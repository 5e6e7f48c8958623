-- Customer search without a full scan: trigram GIN indexes, so `LIKE '%…%'` on any substring
-- of three or more characters is answered from an index. `customers_search_trgm` covers one
-- lower-cased text of names, email and phone (words typed in the search box);
-- `customers_phone_trgm` only the phone, for a number typed on its own. pg_trgm ships with
-- PostgreSQL and is a trusted extension (13+): the database owner may create it. Queries must
-- use exactly these expressions (src/db/customer_search.rs).
--
-- GIN collects new entries in a pending list that every search scans until (auto)vacuum
-- merges it; after a bulk import run VACUUM (`workshop demo` does): a 100,000-customer import
-- left a phone search at 3.5 ms instead of 0.1 ms until then.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX customers_search_trgm ON customers USING gin (
    (lower(first_name || ' ' || last_name || ' ' || coalesce(email, '') || ' ' || phone)) gin_trgm_ops
);

CREATE INDEX customers_phone_trgm ON customers USING gin (phone gin_trgm_ops);

-- The register's order (last name, first name, id) read straight from one index: with the id
-- in it, PostgreSQL stops after a page of rows instead of sorting every name in a range (on
-- SQLite the rowid already ends every index). The names themselves are included so that
-- counting a range of surnames reads the index only.
DROP INDEX customers_name;
CREATE INDEX customers_name ON customers (lower(last_name), lower(first_name), id)
    INCLUDE (last_name, first_name);
