// Which manifests a commit merges, the way Iceberg's own writers decide: data manifests of one
// partition spec are packed, oldest first, into bins of up to commit.manifest.target-size-bytes
// (a bin closes when the next manifest does not fit, so the order is kept and the newest bin is
// the under-filled one). A bin of several manifests is merged into one, except the bin holding
// the newest manifest, which is merged only once it holds commit.manifest.min-count-to-merge.
// Delete manifests, and manifests of specs this writer cannot write, are kept as they are.

import type { ManifestFile } from "./manifest-list.ts";
import type { TableSettings } from "./properties.ts";

export type MergeStep = { readonly kind: "keep"; readonly manifest: ManifestFile } | { readonly kind: "merge"; readonly manifests: readonly ManifestFile[] };

function pack(group: readonly ManifestFile[], targetBytes: number): ManifestFile[][] {
  const bins: ManifestFile[][] = [];
  let bin: ManifestFile[] = [];
  let bytes = 0;
  for (const manifest of group) {
    const length = Number(manifest.manifest_length);
    if (bin.length > 0 && bytes + length > targetBytes) {
      bins.push(bin);
      bin = [];
      bytes = 0;
    }
    bin.push(manifest);
    bytes += length;
  }
  if (bin.length > 0) bins.push(bin);
  return bins;
}

/** `manifests` in manifest-list order, oldest first: the last is the newest. */
export function planMerge(manifests: readonly ManifestFile[], mergeable: (m: ManifestFile) => boolean, settings: TableSettings): MergeStep[] {
  const keep = (manifest: ManifestFile): MergeStep => ({ kind: "keep", manifest });
  const newest = manifests.at(-1);
  if (!settings.manifestMergeEnabled || newest === undefined) return manifests.map(keep);
  const steps = manifests.filter((m) => !mergeable(m)).map(keep);
  const groups = Map.groupBy(manifests.filter(mergeable), (m) => m.partition_spec_id);
  for (const group of groups.values()) {
    for (const bin of pack(group, settings.manifestTargetSizeBytes)) {
      if (bin.length === 1 || (bin.includes(newest) && bin.length < settings.minCountToMerge)) steps.push(...bin.map(keep));
      else steps.push({ kind: "merge", manifests: bin });
    }
  }
  return steps;
}
