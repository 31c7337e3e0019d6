create or replace function stardust.fairness(p_user_id bigint)
returns table (seed_id integer, commitment text, client_seed text, nonce bigint,
               rate_ssr double precision, rate_sr double precision, pity_hard integer,
               ten_pull_guarantee boolean)
language plpgsql stable security definer
set search_path = pg_catalog, pg_temp
as $$
-- What a player needs before pulling to check the pulls afterwards: the active seed's
-- commitment (never the seed), the client seed and the next nonce (a player not seen yet
-- starts with the user id and 0), and the draw's current parameters.
begin
  perform stardust._valid_id(p_user_id);
  return query
  select s.id, s.commitment, coalesce(u.client_seed, p_user_id::text), coalesce(u.nonce, 0),
         (c.cfg ->> 'rate_ssr')::double precision, (c.cfg ->> 'rate_sr')::double precision,
         (c.cfg ->> 'pity_hard')::integer, (c.cfg ->> 'ten_pull_guarantee')::boolean
    from (select stardust._gacha_config() as cfg) c
    left join stardust.users u on u.user_id = p_user_id
    left join lateral (select x.id, x.commitment from stardust.server_seeds x
                        where x.revealed_at is null order by x.id desc limit 1) s on true;
end
$$;
revoke all on function stardust.fairness(bigint) from public;
grant execute on function stardust.fairness(bigint) to stardust_bot;
comment on function stardust.fairness(bigint) is
  E'Provably fair pulls: the active server seed''s id and commitment (hex sha256 of the '
  'seed, revealed by the next rotation), the player''s client seed and next nonce, and the '
  'draw''s rates, hard pity and 10-pull guarantee. Each unit drawn uses HMAC-SHA256(seed, '
  'client_seed || '':'' || nonce); see docs/FAIRNESS.md. SDARG bad user id.\n'
  'select * from stardust.fairness(p_user_id => 42);';
