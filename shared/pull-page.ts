/**
 * Headers of a pull response (sync-server/src/replication/SPEC.md, R1): the page's checkpoint and number of
 * documents, also in the body. A client catching up reads them to ask for the next page as soon as the headers
 * arrive, while the body of this one is still being read and parsed.
 */
export const PAGE_CHECKPOINT_HEADER = 'Ringside-Page-Checkpoint';
export const PAGE_COUNT_HEADER = 'Ringside-Page-Count';
