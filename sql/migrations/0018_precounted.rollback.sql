drop function if exists stardust._award(bigint, text, stardust.banners, text, jsonb, text[], boolean[], integer[], double precision[], integer, bigint, text, integer[], integer[], boolean);
alter table stardust.inventory drop column if exists precounted;
