ALTER TABLE service_requests DROP COLUMN labour_cents, DROP COLUMN parts_cents;
