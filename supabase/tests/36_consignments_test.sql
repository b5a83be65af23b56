-- Consignments and their products: keyed by consignment and product (the products carry no
-- id), counts and costs numeric, products going with their consignment, staff-only like the rest.
begin;
set local search_path = public, extensions;
select plan(8);

select col_is_pk('public', 'lightspeed_consignment_products',
  array['consignment_id', 'product_id'], 'consignment products are keyed by consignment and product');
select hasnt_column('public', 'lightspeed_consignment_products', 'id',
  'consignment products have no id of their own');
select col_type_is('public', 'lightspeed_consignment_products', 'cost', 'numeric',
  'decimal-string costs are numeric');
select col_type_is('public', 'lightspeed_consignments', 'received_at', 'timestamp with time zone',
  'received_at is timestamptz');
select ok(not has_table_privilege('anon', 'public.lightspeed_consignment_products', 'select'),
  'anon cannot read consignment products');
select ok(not has_table_privilege('authenticated', 'public.lightspeed_consignments',
  'insert, update, delete'), 'authenticated cannot write consignments');

insert into public.lightspeed_consignments (id, version, raw)
values ('36000000-0000-4000-8000-000000000001', 1, '{}');
insert into public.lightspeed_consignment_products (consignment_id, product_id, count, raw)
values ('36000000-0000-4000-8000-000000000001', '36000000-0000-4000-8000-0000000000aa', '12.00000',
  '{}');
select is((select count::text from public.lightspeed_consignment_products
  where consignment_id = '36000000-0000-4000-8000-000000000001'), '12.00000',
  'a decimal string keeps its scale');
delete from public.lightspeed_consignments where id = '36000000-0000-4000-8000-000000000001';
select is_empty($$ select 1 from public.lightspeed_consignment_products
  where consignment_id = '36000000-0000-4000-8000-000000000001' $$,
  'products go with their consignment');

select * from finish();
rollback;
