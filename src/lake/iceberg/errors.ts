// A table whose files are not what this writer can read or extend: a malformed or foreign
// metadata file, a schema this broker's types cannot express, a partition source that is missing.

export class IcebergError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IcebergError";
  }
}
