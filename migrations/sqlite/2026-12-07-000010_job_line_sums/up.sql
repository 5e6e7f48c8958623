-- A job's parts and labour so far, kept on the job by every change of its lines (in the same
-- transaction, with the job locked), so a list shows an open job's running total without two
-- correlated sums per row: those were a third of the job list's query.
ALTER TABLE service_requests ADD COLUMN parts_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE service_requests ADD COLUMN labour_cents BIGINT NOT NULL DEFAULT 0;

UPDATE service_requests SET
  parts_cents = (SELECT COALESCE(SUM(p.quantity * p.unit_price_cents), 0)
                 FROM service_request_parts p WHERE p.service_request_id = service_requests.id),
  labour_cents = (SELECT COALESCE(SUM(l.amount_cents), 0)
                  FROM service_request_labour l WHERE l.service_request_id = service_requests.id)
WHERE id IN (SELECT service_request_id FROM service_request_parts
             UNION SELECT service_request_id FROM service_request_labour);
