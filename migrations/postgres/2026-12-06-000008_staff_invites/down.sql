DROP TABLE staff_invites;
DELETE FROM outbox_messages WHERE kind = 'staff_invite';
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check
    CHECK (kind IN ('welcome', 'mechanic_assigned', 'invoice', 'ready_for_pickup', 'receipt', 'service_reminder', 'promotion', 'sms_blast', 'low_stock', 'test'));
