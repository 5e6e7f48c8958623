DROP TABLE outbox_messages;
DROP TABLE sms_blasts;
