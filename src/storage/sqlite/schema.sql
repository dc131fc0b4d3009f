-- The migrator's own statements (see migrate.ts).

-- name: create-schema-version
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)

-- name: has-schema-version
SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'

-- name: version
SELECT coalesce(max(version), 0) AS version FROM schema_version

-- name: record-version
INSERT INTO schema_version (version, applied_at) VALUES (?, ?)
