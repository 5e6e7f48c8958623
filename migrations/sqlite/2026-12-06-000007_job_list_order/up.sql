-- Job and invoice lists come newest first. Each filter gets an index that hands its rows over
-- in that order, so a page reads its 25 rows instead of collecting and sorting every match (a
-- mechanic's 8,000 jobs, every pending job).
DROP INDEX service_requests_customer_id;
DROP INDEX service_requests_vehicle_id;
DROP INDEX service_requests_assigned_mechanic_id;
DROP INDEX invoices_customer_id;
CREATE INDEX service_requests_customer_created_at ON service_requests (customer_id, created_at);
CREATE INDEX service_requests_vehicle_created_at ON service_requests (vehicle_id, created_at);
CREATE INDEX service_requests_mechanic_created_at ON service_requests (assigned_mechanic_id, created_at);
CREATE INDEX service_requests_type_status_created_at ON service_requests (transaction_type, status, created_at);
CREATE INDEX service_requests_site_type_status_created_at ON service_requests (site_id, transaction_type, status, created_at);
CREATE INDEX invoices_customer_created_at ON invoices (customer_id, created_at);
-- Open jobs (the "Open" filter, a mechanic's "My jobs"), in date order. The condition is
-- written exactly as `db::job_list::OPEN` so the planner can prove a query is covered; `|| ''`
-- keeps the status indexes from answering it (they would collect every open job and sort).
CREATE INDEX service_requests_open_type_created_at ON service_requests (transaction_type, created_at) WHERE (status || '') IN ('Draft', 'Pending', 'In Progress');
CREATE INDEX service_requests_open_site_type_created_at ON service_requests (site_id, transaction_type, created_at) WHERE (status || '') IN ('Draft', 'Pending', 'In Progress');
CREATE INDEX service_requests_open_mechanic_created_at ON service_requests (assigned_mechanic_id, created_at) WHERE (status || '') IN ('Draft', 'Pending', 'In Progress');
-- Invoices still owed (the "Owing" filter), newest first; written exactly as
-- `db::invoice_list::OWING`, for the same reasons.
CREATE INDEX invoices_owing_created_at ON invoices (created_at) WHERE (status || '') IN ('unpaid', 'partially_paid');
CREATE INDEX invoices_owing_site_created_at ON invoices (site_id, created_at) WHERE (status || '') IN ('unpaid', 'partially_paid');
-- The list sorted by total.
CREATE INDEX invoices_total ON invoices (total_cents);
CREATE INDEX invoices_site_total ON invoices (site_id, total_cents);
-- The running totals of open jobs on the lists, read from the index alone.
DROP INDEX service_request_parts_service_request_id;
DROP INDEX service_request_labour_service_request_id;
CREATE INDEX service_request_parts_job_totals ON service_request_parts (service_request_id, quantity, unit_price_cents);
CREATE INDEX service_request_labour_job_totals ON service_request_labour (service_request_id, amount_cents);
