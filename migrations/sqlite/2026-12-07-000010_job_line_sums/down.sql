ALTER TABLE service_requests DROP COLUMN labour_cents;
ALTER TABLE service_requests DROP COLUMN parts_cents;
