import type { MediaDeps } from './deps';
import { markMediaPurged, unpurgedRecordings, type Recording } from './repository';

/**
 * Removes the stored objects of recordings already marked deleted (retention or erasure). The database is
 * changed first, so access stops at once even if storage is briefly unreachable; a recording whose objects
 * could not be removed stays unpurged and the daily retention sweep tries again.
 */
export async function purgeRecordingMedia(
  deps: MediaDeps,
  recordings: Recording[],
): Promise<{ purged: number; objects: number; failed: number }> {
  let purged = 0;
  let objects = 0;
  let failed = 0;
  for (const r of recordings) {
    try {
      objects += await deps.storage.deletePrefix(r.storagePrefix);
      await markMediaPurged(deps.db, r.recordingSid, deps.now());
      purged++;
    } catch (err) {
      failed++;
      deps.log.error(
        { err, recordingSid: r.recordingSid },
        'could not remove recording media; the retention sweep will retry',
      );
    }
  }
  return { purged, objects, failed };
}

/** Retries every deleted recording whose objects are still stored. */
export async function purgePendingMedia(
  deps: MediaDeps,
  batch = 200,
): Promise<{ purged: number; objects: number; failed: number }> {
  const total = { purged: 0, objects: 0, failed: 0 };
  for (;;) {
    const pending = await unpurgedRecordings(deps.db, batch);
    if (pending.length === 0) return total;
    const r = await purgeRecordingMedia(deps, pending);
    total.purged += r.purged;
    total.objects += r.objects;
    total.failed += r.failed;
    if (r.purged === 0) return total; // storage is failing: stop, try again next sweep
  }
}
