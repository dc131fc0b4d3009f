// Prometheus text exposition format 0.0.4: # HELP and # TYPE lines, then one line per series.

import type { Histogram } from "./histogram.ts";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = readonly (readonly [string, string])[];

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

function labels(pairs: Labels): string {
  return pairs.length === 0 ? "" : `{${pairs.map(([k, v]) => `${k}="${escape(v)}"`).join(",")}}`;
}

export class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: "counter" | "gauge" | "histogram", help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, pairs: Labels = []): this {
    this.lines.push(`${name}${labels(pairs)} ${Number.isFinite(value) ? value : value > 0 ? "+Inf" : "-Inf"}`);
    return this;
  }

  histogram(name: string, h: Histogram, pairs: Labels): this {
    let cumulative = 0;
    h.buckets.forEach((le, i) => {
      cumulative += h.counts[i]!;
      this.sample(`${name}_bucket`, cumulative, [...pairs, ["le", String(le)]]);
    });
    this.sample(`${name}_bucket`, h.count, [...pairs, ["le", "+Inf"]]);
    this.sample(`${name}_sum`, h.sum, pairs);
    return this.sample(`${name}_count`, h.count, pairs);
  }

  /** The process's memory, CPU time and start time, under Prometheus's standard names. */
  process(): this {
    this.family("process_resident_memory_bytes", "gauge", "Resident set size in bytes.").sample("process_resident_memory_bytes", process.memoryUsage.rss());
    const cpu = process.cpuUsage();
    this.family("process_cpu_seconds_total", "counter", "User and system CPU time in seconds.").sample("process_cpu_seconds_total", (cpu.user + cpu.system) / 1e6);
    return this.family("process_start_time_seconds", "gauge", "Start time of the process since the epoch, in seconds.").sample("process_start_time_seconds", performance.timeOrigin / 1000);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
