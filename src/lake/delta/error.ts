/** A Delta table this writer cannot read or must not write: a corrupt log, or features it does not implement. */
export class DeltaTableError extends Error {
  override readonly name = "DeltaTableError";
}
