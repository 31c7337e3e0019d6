create or replace function stardust.erase_user(
  p_user_id    bigint,
  p_request_id text default null)
returns table (table_name text, deleted bigint, anonymised bigint)
language plpgsql volatile security definer
set search_path = pg_catalog, pg_temp
as $$
-- Erase a player (privacy; /forget-me). Every row that is theirs alone is deleted, ledger
-- included; what other players keep is anonymised, never deleted:
--   battles       their own NPC/bounty battles are deleted; a PvP battle (the other side's
--                 record) and a raid battle (it explains a raid attack) stay with the
--                 erased player's id set to null, the request id cleared and names taken
--                 out of the context (stardust._forget_in), as does any battle whose
--                 context holds the player's id;
--   raid_attacks  stay with user_id null: the damage is part of the boss's HP arithmetic
--                 (boss_hp - hp = the sum of damage), and end_raid pays no one for it;
--   raids         killed_by set to null (the boss stays killed);
--   admin_grants  the grants audit keeps amounts and times with the player (recipient or
--                 acting admin) set to null: the bot role's daily caps stay spent;
--   requests      other players' idempotency records that name the player (a PvP
--                 opponent) get the id set to null (a retry of such a record then answers
--                 SDIDM instead of fighting again).
-- A player who drew with the active server seed makes it rotate (revealed, replaced): one
-- who comes back restarts at nonce 0 and must not draw again what they already saw.
-- Gift codes keep their use counts: a limited code is not re-opened by an erasure.
-- The call is recorded in stardust.erasures under sha256 of the decimal id, with the counts
-- it returns; a retry with the same request id returns those counts and does nothing (the
-- player's own request records are gone with them). A player who does not exist is no
-- error: zero counts, recorded all the same (proof that the request was handled).
-- Locks: the users row first (FOR UPDATE: the row is deleted), then the raid rows it
-- un-names, then the player's rows. A command of the player's racing the erase either
-- finished first (and is erased) or waits and then finds no player: it creates a fresh one,
-- as for anyone new.
declare
  -- Tables whose rows belong to the player alone, deleted by user_id, in this order (a row
  -- that references another goes first: bounty_clears before the battles below). A new
  -- table of per-player rows needs its name added here, nothing else; tests/sql/test_erase.py
  -- names every table where an erase leaves a row that refers to the player.
  v_owned   text[] := array['requests', 'pulls', 'scrap_log', 'user_items', 'team_presets',
                            'bounty_clears', 'task_claims', 'expeditions', 'shop_purchases',
                            'code_redemptions', 'user_achievements', 'raid_rewards',
                            'notifications', 'inventory'];
  v_hash    text;
  v_exists  boolean;
  v_stored  jsonb;
  v_counts  jsonb;
  v_table   text;
  v_del     bigint;
  v_anon    bigint;
  v_n       bigint;
  v_ids     jsonb := jsonb_build_object('n', p_user_id, 's', p_user_id::text);
  v_rotate  boolean := false;
begin
  perform stardust._valid_id(p_user_id);
  if p_request_id is not null and length(p_request_id) not between 1 and 100 then
    raise exception 'Request id must be 1-100 characters' using errcode = 'SDARG',
      hint = 'Pass the Discord interaction id.';
  end if;
  v_hash := encode(sha256(convert_to(p_user_id::text, 'UTF8')), 'hex');

  perform 1 from stardust.users u where u.user_id = p_user_id for update;
  v_exists := found;
  if p_request_id is not null then
    select e.counts into v_stored from stardust.erasures e
     where e.user_hash = v_hash and e.request_id = p_request_id;
  end if;

  if v_stored is null then
    select jsonb_object_agg(t, jsonb_build_object('deleted', 0, 'anonymised', 0))
      into v_counts
      from unnest(v_owned || array['battles', 'raid_attacks', 'raids', 'admin_grants',
                                   'ledger', 'users']) t;
    if v_exists then
      -- A player who comes back starts again at nonce 0 with their id as client seed: under
      -- the same server seed they would draw exactly what they drew before, and know it in
      -- advance. If they drew with the active seed, it is revealed and replaced (below).
      v_rotate := exists (select 1 from stardust.pulls p cross join unnest(p.units) x
                            join stardust.server_seeds s on s.id = x.seed_id
                           where p.user_id = p_user_id and s.revealed_at is null);
      foreach v_table in array v_owned loop
        execute format('delete from stardust.%I t where t.user_id = $1', v_table)
          using p_user_id;
        get diagnostics v_n = row_count;
        v_counts := jsonb_set(v_counts, array[v_table, 'deleted'], to_jsonb(v_n));
      end loop;

      update stardust.requests r
         set args = stardust._forget_in(r.args, p_user_id),
             result = stardust._forget_in(r.result, p_user_id)
       where jsonb_path_exists(r.args, '$.* ? (@ == $n || @ == $s)', v_ids)
          or jsonb_path_exists(r.result, '$.* ? (@ == $n || @ == $s)', v_ids);
      get diagnostics v_n = row_count;
      v_counts := jsonb_set(v_counts, '{requests,anonymised}', to_jsonb(v_n));

      delete from stardust.battles b
       where b.attacker_id = p_user_id and b.defender_id is null
         and not exists (select 1 from stardust.raid_attacks a where a.battle_id = b.id);
      get diagnostics v_del = row_count;
      update stardust.battles b
         set attacker_id = null, request_id = null,
             context = stardust._forget_in(b.context, p_user_id)
       where b.attacker_id = p_user_id;
      get diagnostics v_anon = row_count;
      update stardust.battles b
         set defender_id = nullif(b.defender_id, p_user_id),
             context = stardust._forget_in(b.context, p_user_id)
       where b.defender_id = p_user_id
          or jsonb_path_exists(b.context, '$.* ? (@ == $n || @ == $s)', v_ids);
      get diagnostics v_n = row_count;
      v_counts := jsonb_set(v_counts, '{battles}',
                            jsonb_build_object('deleted', v_del, 'anonymised', v_anon + v_n));

      update stardust.raids r set killed_by = null where r.killed_by = p_user_id;
      get diagnostics v_n = row_count;
      v_counts := jsonb_set(v_counts, '{raids,anonymised}', to_jsonb(v_n));
      update stardust.raid_attacks a set user_id = null where a.user_id = p_user_id;
      get diagnostics v_n = row_count;
      v_counts := jsonb_set(v_counts, '{raid_attacks,anonymised}', to_jsonb(v_n));
      -- the grants audit keeps amounts and times (the bot's daily caps stay spent)
      update stardust.admin_grants g
         set user_id = nullif(g.user_id, p_user_id), admin_id = nullif(g.admin_id, p_user_id)
       where g.user_id = p_user_id or g.admin_id = p_user_id;
      get diagnostics v_n = row_count;
      v_counts := jsonb_set(v_counts, '{admin_grants,anonymised}', to_jsonb(v_n));

      -- the ledger's append-only trigger lets exactly this player's rows go (see
      -- stardust._ledger_append_only); the marker lives only for this statement
      perform set_config('stardust.erasing', p_user_id::text, true);
      delete from stardust.ledger l where l.user_id = p_user_id;
      get diagnostics v_n = row_count;
      perform set_config('stardust.erasing', '', true);
      v_counts := jsonb_set(v_counts, '{ledger,deleted}', to_jsonb(v_n));

      delete from stardust.users u where u.user_id = p_user_id;
      get diagnostics v_n = row_count;
      v_counts := jsonb_set(v_counts, '{users,deleted}', to_jsonb(v_n));
      if v_rotate then
        -- the seed table's lock comes after the users row, as in pull (users, then seed)
        perform 1 from stardust.rotate_seed();
      end if;
    end if;
    insert into stardust.erasures (user_hash, request_id, counts)
    values (v_hash, p_request_id, v_counts)
    on conflict (user_hash, request_id) do nothing;
    if found then
      v_stored := v_counts;
    else                  -- the same request, run at the same time, recorded first
      select e.counts into v_stored from stardust.erasures e
       where e.user_hash = v_hash and e.request_id = p_request_id;
    end if;
  end if;
  return query
  select e.key, (e.value ->> 'deleted')::bigint, (e.value ->> 'anonymised')::bigint
    from jsonb_each(v_stored) e
   order by e.key;
end
$$;
revoke all on function stardust.erase_user(bigint, text) from public;
grant execute on function stardust.erase_user(bigint, text) to stardust_bot;
comment on function stardust.erase_user(bigint, text) is
  E'Erase a player (privacy, /forget-me): delete every row that is theirs alone (units, '
  'ledger, history, items, presets, claims, purchases, redemptions, achievements, …) and '
  'anonymise what other players keep (PvP battles, raid attacks and kills: the id set to '
  'null). Returns rows deleted/anonymised per table, recorded in stardust.erasures under '
  'sha256 of the id; a retry with the same request id returns the first counts. A player '
  'who does not exist gets zero counts. Cannot be undone. SDARG for a bad id.\n'
  'select * from stardust.erase_user(p_user_id => 42);';
