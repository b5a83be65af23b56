-- Tables, keys and column types users and analysts depend on (docs/interface.md § Tables and
-- views).
begin;
set local search_path = public, extensions;
select plan(26);

select has_table('public', t, format('table %s exists', t))
from unnest(array[
  'lightspeed_outlets', 'lightspeed_registers', 'lightspeed_customers', 'lightspeed_products',
  'lightspeed_sales', 'lightspeed_sale_line_items', 'lightspeed_sale_payments',
  'lightspeed_inventory', 'sync_state', 'sync_settings', 'sync_log', 'sync_rejects',
  'staff_members'
]) as t;

select col_type_is('public', t, 'version', 'bigint', format('%s.version is bigint', t))
from unnest(array[
  'lightspeed_outlets', 'lightspeed_registers', 'lightspeed_customers', 'lightspeed_products',
  'lightspeed_sales', 'lightspeed_inventory'
]) as t;

select col_type_is('public', 'lightspeed_sales', 'id', 'uuid', 'sale ids are uuid');
select col_type_is('public', 'lightspeed_sales', 'total_price', 'numeric', 'money is numeric');
select col_type_is('public', 'lightspeed_sales', 'sale_date', 'timestamp with time zone',
  'timestamps are timestamptz');
select col_type_is('public', 'lightspeed_sale_line_items', 'quantity', 'numeric',
  'quantities are numeric');
select col_type_is('public', 'lightspeed_customers', 'raw', 'jsonb', 'raw payload is jsonb');
select col_is_pk('public', 'lightspeed_sale_line_items', array['sale_id', 'id'],
  'line items are keyed by sale and line id');

-- Ids that break RFC 4122 version/variant bits still fit the uuid type.
select lives_ok(
  $$ select 'f9e8d7c6-b5a4-ff38-9e8d-7c6b5a4f3e2d'::uuid $$,
  'non-RFC-4122 Lightspeed ids are accepted by uuid');

select * from finish();
rollback;
