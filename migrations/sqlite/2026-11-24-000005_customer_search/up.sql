-- Customer search without a full scan: FTS5 indexes of trigrams, so any substring of three or
-- more characters is found through an index, in any letter case. `customers_search` covers
-- names, email and phone (words typed in the search box); `customer_phones_search` only the
-- phone, for a number typed on its own: a smaller index, and no match in an email's digits.
-- External content: the text stays in `customers`; triggers keep both indexes in step with
-- every insert, update and delete.

CREATE VIRTUAL TABLE customers_search USING fts5(
    first_name, last_name, email, phone,
    content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);

CREATE VIRTUAL TABLE customer_phones_search USING fts5(
    phone,
    content = 'customers', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, first_name, last_name, email, phone)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.phone);
    INSERT INTO customer_phones_search (rowid, phone) VALUES (new.id, new.phone);
END;

CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, first_name, last_name, email, phone)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.phone);
    INSERT INTO customer_phones_search (customer_phones_search, rowid, phone)
    VALUES ('delete', old.id, old.phone);
END;

CREATE TRIGGER customers_search_update AFTER UPDATE OF first_name, last_name, email, phone ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, first_name, last_name, email, phone)
    VALUES ('delete', old.id, old.first_name, old.last_name, old.email, old.phone);
    INSERT INTO customers_search (rowid, first_name, last_name, email, phone)
    VALUES (new.id, new.first_name, new.last_name, new.email, new.phone);
    INSERT INTO customer_phones_search (customer_phones_search, rowid, phone)
    VALUES ('delete', old.id, old.phone);
    INSERT INTO customer_phones_search (rowid, phone) VALUES (new.id, new.phone);
END;

-- Customers registered before this migration.
INSERT INTO customers_search (customers_search) VALUES ('rebuild');
INSERT INTO customer_phones_search (customer_phones_search) VALUES ('rebuild');
