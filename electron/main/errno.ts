/**
 * The `code` of a failed Node file-system call (ENOENT, EISDIR …), or undefined when what was thrown is not
 * such an error: lets catch blocks tell "missing" from "broken" without assuming what they caught.
 */
export function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
