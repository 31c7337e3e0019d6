-- Drop the signatures with p_request_id; the function files of the version rolled back to
-- redeploy the old ones on the next migrate.
drop function if exists stardust.set_team(bigint, bigint[], text);
drop function if exists stardust.set_locked(bigint, bigint[], boolean, text);
drop function if exists stardust.save_preset(bigint, text, text);
drop function if exists stardust.load_preset(bigint, text, text);
drop function if exists stardust.delete_preset(bigint, text, text);
