import type { Config } from '../../config';
import { LocalMediaStorage } from './local';
import { S3MediaStorage } from './s3';
import type { MediaStorage } from './types';

export * from './types';
export { LocalMediaStorage, S3MediaStorage };

/** S3-compatible storage when S3_BUCKET is set, otherwise the local recordings directory. */
export function createMediaStorage(config: Config): MediaStorage {
  if (config.S3_BUCKET) {
    // config.ts already refuses S3_BUCKET without both keys.
    return new S3MediaStorage({
      endpoint: config.S3_ENDPOINT,
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: config.S3_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
  }
  return new LocalMediaStorage(config.recordingsDir);
}
