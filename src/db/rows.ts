import type { z } from 'zod';

/**
 * The rows of a raw `db.execute()` result, each checked and typed by its model. Raw SQL is kept
 * where one statement does several things atomically (one round trip); its result is not trusted
 * blindly: postgres.js and PGlite differ on numbers and timestamps (the models coerce them), and a
 * renamed column fails here, loudly, instead of reaching a resolver as `undefined`.
 */
export function parseRows<T extends z.ZodType>(result: unknown, model: T): z.infer<T>[] {
  // db.execute() answers an array on postgres.js and `{ rows }` on PGlite.
  const rows: unknown[] = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  return rows.map((row) => model.parse(row));
}

/** The one row a statement always returns (a CTE ending in `SELECT … FROM (one row)`). */
export function parseRow<T extends z.ZodType>(result: unknown, model: T): z.infer<T> {
  const [row, ...rest] = parseRows(result, model);
  if (!row || rest.length > 0) throw new Error(`expected exactly one row, got ${rest.length + (row ? 1 : 0)}`);
  return row;
}
