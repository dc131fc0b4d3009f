-- Transactional outbox: tansu.produce appends one record inside the caller's transaction, with
-- the broker's offset discipline (the partition's watermark row is locked until the caller
-- commits or rolls back). The record becomes visible to consumers, and wakes long polls, only
-- when the caller commits.
--
--   begin;
--   insert into orders (id, total) values (42, 99.50);
--   select tansu.produce('orders', 0, '42'::bytea, convert_to('{"total":99.5}', 'UTF8'),
--                        '[{"key": "type", "value": "order-created"}]');
--   commit;

-- Bytes of a zigzag varint holding n (record batch v2 encoding).
create function tansu.varint_size(n bigint) returns integer
language sql immutable strict parallel safe as $$
  select case
    when z < 128 then 1 when z < 16384 then 2 when z < 2097152 then 3 when z < 268435456 then 4
    when z < 34359738368 then 5 when z < 4398046511104 then 6 when z < 562949953421312 then 7
    when z < 72057594037927936 then 8 else 9 end
  from (select case when n >= 0 then n * 2 else -n * 2 - 1 end as z) zigzag
$$;

create function tansu.nullable_size(b bytea) returns integer
language sql immutable parallel safe as $$
  select case when b is null then 1 else tansu.varint_size(length(b)) + length(b) end
$$;

create function tansu.produce(
  topic text,
  "partition" integer,
  key bytea,
  value bytea,
  headers jsonb default null
) returns bigint
language plpgsql as $$
#variable_conflict use_column
declare
  topic_uuid uuid;
  next_offset bigint;
  now_ms bigint := floor(extract(epoch from clock_timestamp()) * 1000);
  header jsonb;
  header_size integer := 0;
  body integer;
begin
  if produce.headers is not null and jsonb_typeof(produce.headers) <> 'array' then
    raise exception 'tansu.produce: headers must be a JSON array of {"key": text, "value": text or null}';
  end if;
  for header in select * from jsonb_array_elements(coalesce(produce.headers, '[]'))
  loop
    if jsonb_typeof(header -> 'key') is distinct from 'string'
       or coalesce(jsonb_typeof(header -> 'value'), 'null') not in ('string', 'null') then
      raise exception 'tansu.produce: header % is not {"key": text, "value": text or null}', header;
    end if;
    header_size := header_size
      + tansu.varint_size(octet_length(header ->> 'key')) + octet_length(header ->> 'key')
      + tansu.nullable_size(convert_to(header ->> 'value', 'UTF8'));
  end loop;

  select w.topic_id, w.high_watermark into topic_uuid, next_offset
  from tansu.topic t join tansu.watermark w on w.topic_id = t.topic_id and w.partition = produce."partition"
  where t.name = produce.topic
  for update of w;
  if not found then
    raise exception 'tansu.produce: unknown topic or partition %/%', produce.topic, produce."partition"
      using errcode = 'undefined_object';
  end if;

  -- attributes, timestampDelta 0, offsetDelta 0, key, value, header count, headers
  body := 3 + tansu.nullable_size(produce.key) + tansu.nullable_size(produce.value)
    + tansu.varint_size(jsonb_array_length(coalesce(produce.headers, '[]'))) + header_size;

  insert into tansu.record (topic_id, partition, "offset", "timestamp", key, value, headers)
  values (topic_uuid, produce."partition", next_offset, timestamptz 'epoch' + now_ms * interval '1 millisecond',
          produce.key, produce.value, nullif(produce.headers, '[]'::jsonb));
  insert into tansu.batch (topic_id, partition, base_offset, last_offset, size, partition_leader_epoch,
                           attributes, last_offset_delta, base_timestamp, max_timestamp, producer_id,
                           producer_epoch, base_sequence, record_count, bytes)
  values (topic_uuid, produce."partition", next_offset, next_offset, 61 + tansu.varint_size(body) + body, -1,
          0, 0, now_ms, now_ms, -1, -1, -1, 1, null);
  update tansu.watermark set high_watermark = next_offset + 1
  where tansu.watermark.topic_id = topic_uuid and tansu.watermark.partition = produce."partition";
  perform pg_notify('tansu_append', produce."partition" || ':' || produce.topic);
  return next_offset;
end
$$;
