-- Vehicle search without a full scan: every term of a search word is a range an index answers
-- (plate key and VIN already have one; make and model get these), and the owner's surname goes
-- through `customers_name`.
CREATE INDEX vehicles_make_lower ON vehicles (lower(make));
CREATE INDEX vehicles_model_lower ON vehicles (lower(model));
