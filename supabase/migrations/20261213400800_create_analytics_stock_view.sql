-- Current stock per product and outlet with its reorder flag (README "Analyst views"): every
-- inventory row not deleted, of a product not deleted. needs_reorder: a reorder point above
-- zero is set (0 or none means the product's stock is not watched) and the level is at or
-- below it, as Lightspeed's stock orders pick products up.
create or replace view public.analytics_stock
  with (security_invoker = true)
as
select
  i.product_id,
  p.name as product_name,
  p.sku,
  i.outlet_id,
  o.name as outlet_name,
  i.inventory_level,
  i.reorder_point,
  i.reorder_amount,
  coalesce(i.reorder_point > 0 and i.inventory_level <= i.reorder_point, false) as needs_reorder,
  i.average_cost,
  p.supply_price
from public.lightspeed_inventory as i
left join public.lightspeed_products as p on p.id = i.product_id
left join public.lightspeed_outlets as o on o.id = i.outlet_id
where i.deleted_at is null and (p.id is null or p.deleted_at is null);

revoke all on table public.analytics_stock from public, anon, authenticated, service_role;
grant select on table public.analytics_stock to authenticated, service_role;
