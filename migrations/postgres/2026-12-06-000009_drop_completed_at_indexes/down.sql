CREATE INDEX service_requests_site_completed_at ON service_requests (site_id, completed_at);
CREATE INDEX service_requests_completed_at ON service_requests (completed_at);
