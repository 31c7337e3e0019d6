create or replace function stardust._characters_renumber()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Keeps characters.pool_idx dense (0..n-1 per rarity) after any insert, delete or rarity
-- change, so that a uniform pick is "random index, one index lookup". Touches only rows
-- whose index is wrong.
begin
  update stardust.characters c
     set pool_idx = n.idx
    from (select ch.anilist_id,
                 (row_number() over (partition by ch.rarity order by ch.anilist_id) - 1)::integer
                   as idx
            from stardust.characters ch) n
   where c.anilist_id = n.anilist_id
     and c.pool_idx is distinct from n.idx;
  return null;
end
$$;
revoke all on function stardust._characters_renumber() from public;
comment on function stardust._characters_renumber() is
  'Trigger: renumbers characters.pool_idx densely per rarity after catalogue changes.';

create or replace trigger characters_renumber
  after insert or delete or update of rarity on stardust.characters
  for each statement execute function stardust._characters_renumber();
