-- The player's team and preset functions take p_request_id (the Discord interaction id) as
-- their last parameter, like every other mutating function: a retried /team set, /lock or
-- /preset answers the first call's result and changes nothing. The new signatures are
-- deployed from sql/functions/ after the migrations; the old ones go (no overloads).
drop function if exists stardust.set_team(bigint, bigint[]);
drop function if exists stardust.set_locked(bigint, bigint[], boolean);
drop function if exists stardust.save_preset(bigint, text);
drop function if exists stardust.load_preset(bigint, text);
drop function if exists stardust.delete_preset(bigint, text);
