-- The migrator's own statements (see migrate.ts).

-- name: lock
select pg_advisory_xact_lock(1, 0)

-- name: create-schema
create schema if not exists tansu

-- name: create-schema-version
create table if not exists tansu.schema_version (
  version integer primary key,
  name text not null,
  applied_at timestamptz not null default now()
)

-- name: version
select coalesce(max(version), 0) as version from tansu.schema_version

-- name: record-version
insert into tansu.schema_version (version, name) values ($1::integer, $2)
