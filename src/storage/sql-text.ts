// Named statements in a .sql file: each starts at a line `-- name: <name>` and runs to the next.

export type NamedStatements<N extends string> = Readonly<Record<N, string>>;

/** Splits `text` into its named statements; throws if any of `names` is missing (a build error). */
export function namedStatements<N extends string>(text: string, names: readonly N[]): NamedStatements<N> {
  const found = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null) found.set(current, lines.join("\n").trim());
  };
  for (const line of text.split("\n")) {
    const m = /^--\s*name:\s*([\w-]+)\s*$/.exec(line);
    if (m === null) {
      lines.push(line);
      continue;
    }
    flush();
    current = m[1] ?? null;
    lines = [];
  }
  flush();
  const out: Partial<Record<N, string>> = {};
  for (const name of names) {
    const statement = found.get(name);
    if (statement === undefined || statement === "") throw new Error(`SQL statement "${name}" is missing`);
    out[name] = statement;
  }
  return out as NamedStatements<N>;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migrations sorted by version; throws unless versions are 1, 2, 3 … without gaps. */
export function orderedMigrations(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  return sorted;
}
