import { createContext, useContext } from 'react';
import type { ReviewEnv } from './types';

/**
 * What the review workspace needs besides the database (which comes from db/hooks' DatabaseContext):
 * the signed-in user, the server calls outside replication, and the offline recording cache.
 */
export const ReviewEnvContext = createContext<ReviewEnv | null>(null);

export function useReviewEnv(): ReviewEnv {
  const env = useContext(ReviewEnvContext);
  if (!env) throw new Error('the review workspace needs a ReviewEnvContext provider');
  return env;
}
