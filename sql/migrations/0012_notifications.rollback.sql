drop function if exists stardust.take_notifications(bigint);
drop function if exists stardust._achieve(bigint, text[], text, boolean);
drop table stardust.notifications;
