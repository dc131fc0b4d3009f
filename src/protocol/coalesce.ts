// Frames to be written together, as fewer buffers: neighbours whose sizes add up to at most
// COALESCE_BYTES are copied into one (one socket write instead of several), while a larger frame
// keeps its own buffer, since copying it costs more than the write it would save.

const COALESCE_BYTES = 64 << 10;

export function coalesce(parts: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  let runBytes = 0;
  const close = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) out.push(Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const part of parts) {
    if (runBytes + part.length > COALESCE_BYTES) close();
    run.push(part);
    runBytes += part.length;
  }
  close();
  return out;
}
