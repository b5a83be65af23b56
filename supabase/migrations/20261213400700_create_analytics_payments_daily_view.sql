-- Payment-type mix per outlet and outlet-local day (README "Analyst views"): the payments of
-- sales neither VOIDED nor deleted, on the day the money was taken (payment_date, else the
-- sale's date) in the outlet's zone (the payment's outlet, else its sale's), labelled by the
-- payment's own name with its retailer_payment_type_id. A layby paid off weeks later counts on
-- the day it was paid.
create or replace view public.analytics_payments_daily
  with (security_invoker = true)
as
select
  (coalesce(pay.payment_date, s.sale_date) at time zone coalesce(o.time_zone, z.time_zone))::date
    as day,
  coalesce(pay.outlet_id, s.outlet_id) as outlet_id,
  o.outlet_name,
  pay.retailer_payment_type_id,
  pay.name as payment_name,
  count(*) as payments,
  coalesce(sum(pay.amount), 0) as amount,
  coalesce(o.time_zone, z.time_zone) as time_zone
from public.lightspeed_sale_payments as pay
join public.lightspeed_sales as s on s.id = pay.sale_id
cross join public.sync_store_time_zone as z
left join public.analytics_outlet_time_zones as o
  on o.outlet_id = coalesce(pay.outlet_id, s.outlet_id)
where s.deleted_at is null and s.status is distinct from 'VOIDED'
group by 1, 2, o.outlet_name, pay.retailer_payment_type_id, pay.name,
  coalesce(o.time_zone, z.time_zone);

revoke all on table public.analytics_payments_daily from public, anon, authenticated, service_role;
grant select on table public.analytics_payments_daily to authenticated, service_role;
