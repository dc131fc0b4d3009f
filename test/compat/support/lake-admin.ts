// A lake topic's tables as one broker's admin port shows them (GET /api/topics/:name): each table's
// bookmark per partition and the commits this broker made to it.

import type { TestBroker } from "../../support/broker.ts";

export interface TableView {
  format: string;
  error: string | null;
  commits: number;
  partitions: { tableOffset: number; offsetsBehind: number }[];
}

export async function tableViews(broker: TestBroker, topic: string): Promise<TableView[]> {
  const response = await fetch(`${broker.adminUrl}/api/topics/${topic}`);
  return response.ok ? ((await response.json()) as { lake: TableView[] }).lake : [];
}

/** Records the table holds by its bookmarks: offsets 0 … tableOffset of each partition. */
export const held = (t: TableView): number => t.partitions.reduce((n, p) => n + p.tableOffset + 1, 0);

/** Waits (up to 30 s) until every table of the topic holds `count` records and is not stopped; returns the last look. */
export async function waitForTables(broker: TestBroker, topic: string, count: number): Promise<TableView[]> {
  const done = (views: TableView[]) => views.length > 0 && views.every((t) => t.error === null && held(t) === count && t.partitions.every((p) => p.offsetsBehind === 0));
  let views = await tableViews(broker, topic);
  for (const until = Date.now() + 30_000; !done(views) && Date.now() < until; views = await tableViews(broker, topic)) await Bun.sleep(100);
  return views;
}
