create or replace function stardust.has_played(p_user_id bigint)
returns boolean
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select stardust._valid_id(p_user_id);          -- SDARG: no user has this id
  -- unlike get_user and profile, never creates the player (looking at another player)
  select exists (select 1 from stardust.users u where u.user_id = p_user_id);
$$;
revoke all on function stardust.has_played(bigint) from public;
grant execute on function stardust.has_played(bigint) to stardust_bot;
comment on function stardust.has_played(bigint) is
  E'Whether this Discord user has a player row, without creating one (/profile user:, '
  '/team view user:, /achievements user:). Read-only; SDARG for an id that is not a '
  'positive integer.\nselect stardust.has_played(123);';
