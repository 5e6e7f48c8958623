DROP TABLE job_runs;
DROP TABLE display_number_sequences;
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE mechanics;
DROP TABLE sites;
