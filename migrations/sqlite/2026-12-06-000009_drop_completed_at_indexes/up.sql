-- No page, list or job filters or sorts jobs by their completion time (reminders find a
-- vehicle's last service through its vehicle index), yet both indexes took a new entry at
-- every completion, which changes `completed_at`. Reports that need them will add their own.
DROP INDEX service_requests_completed_at;
DROP INDEX service_requests_site_completed_at;
