/** Staff roles. An API key for the marketplace integration acts as the pseudo-role `marketplace`. */
export const ROLES = ['admin', 'reviewer', 'author'] as const;
export type Role = (typeof ROLES)[number];
export type Principal = Role | 'marketplace';

export function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}
