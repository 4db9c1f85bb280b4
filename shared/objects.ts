/**
 * Reading plain JSON objects (documents, parsed request bodies, rows) field by field without type assertions:
 * a guard that proves a value is an object, after which any field can be read as `unknown` and narrowed.
 */

/** Whether `value` is a non-null object (a JSON object or array), so that its fields can be read by name. */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

/** A field of a value by name; `undefined` when the value is not an object or has no such field. */
export function fieldOf(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

/** The `code` a thrown error carries (Node's errno codes such as ENOENT, commander's codes), if it is a string. */
export function errorCode(err: unknown): string | undefined {
  const code = fieldOf(err, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** What was thrown, as a message for people: an Error's message, anything else as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
