-- SKUs are unique ignoring case ("bp-100" and "BP-100" are the same part); the service layer
-- trims them before storing, and this index keeps two concurrent imports or forms honest.
CREATE UNIQUE INDEX products_sku_lower ON products (lower(sku));
