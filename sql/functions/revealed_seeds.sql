create or replace function stardust.revealed_seeds(
  p_limit  integer default 10,
  p_before integer default null)
returns table (id integer, seed text, commitment text, created_at timestamptz,
               revealed_at timestamptz)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- Revealed seeds only, newest first (an unrevealed seed never leaves this table).
begin
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception 'Pages hold 1-1000 seeds, got %', coalesce(p_limit::text, 'NULL')
      using errcode = 'SDARG',
            hint = 'p_limit => 10; next page with p_before => the smallest id shown.';
  end if;
  return query
  select s.id, encode(s.seed, 'hex'), s.commitment, s.created_at, s.revealed_at
    from stardust.server_seeds s
   where s.revealed_at is not null and (p_before is null or s.id < p_before)
   order by s.id desc
   limit p_limit;
end
$$;
revoke all on function stardust.revealed_seeds(integer, integer) from public;
grant execute on function stardust.revealed_seeds(integer, integer) to stardust_bot;
comment on function stardust.revealed_seeds(integer, integer) is
  E'The revealed server seeds (hex), newest first, with their commitments: with one, anyone '
  'can recompute every pull drawn with it (see pull_history and stardust verify). Next page '
  'with p_before => the smallest id shown. SDARG for a page size outside 1-1000.\n'
  'select * from stardust.revealed_seeds(p_limit => 5);';
