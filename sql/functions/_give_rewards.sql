create or replace function stardust._give_rewards(p_user_id bigint, p_rewards jsonb,
                                                  p_reason text, p_request_id text)
returns void
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
-- Pays a (checked) rewards object: one ledger row for gems and coins, items added. The
-- caller holds the user lock.
begin
  perform stardust._credit(p_user_id, coalesce((p_rewards ->> 'gems')::bigint, 0),
                           coalesce((p_rewards ->> 'coins')::bigint, 0), p_reason, p_request_id);
  insert into stardust.user_items as ui (user_id, item, qty)
  select p_user_id, x.key, x.value::integer
    from jsonb_each_text(coalesce(p_rewards -> 'items', '{}'::jsonb)) x
  on conflict (user_id, item) do update set qty = ui.qty + excluded.qty;
end
$$;
revoke all on function stardust._give_rewards(bigint, jsonb, text, text) from public;
comment on function stardust._give_rewards(bigint, jsonb, text, text) is
  'Internal: pay a rewards object (gems and coins in one ledger row, items).';
