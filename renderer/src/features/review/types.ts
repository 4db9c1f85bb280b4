import type { Role } from '../../../../shared/roles';
import type { RecordingCache } from './offline/recording-cache';

export interface ReviewUser {
  id: string;
  name: string;
  role: Role;
}

/** Answer of `POST /api/calls/:id/media-url`: short-lived signed URLs an <audio> element can use. */
export interface MediaUrls {
  audioUrl: string;
  /** Overview peaks (the levels the player starts with). */
  peaksUrl: string;
  /** Finer peaks, fetched only when a reviewer zooms in far. */
  detailPeaksUrl?: string;
  /** ISO 8601. */
  expiresAt: string;
  mimeType?: string;
  durationSec?: number | null;
  bytes?: number | null;
}

/** Why the app asks for media URLs: recorded in the listening audit trail. */
export type MediaPurpose = 'playback' | 'offline';

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: Role;
}

/** The server calls the workspace makes outside replication. */
export interface ReviewApi {
  mediaUrl(callId: string, purpose: MediaPurpose): Promise<MediaUrls>;
  /** Staff who can be assigned calls (admins only; others get an empty list). */
  listReviewers(): Promise<StaffMember[]>;
}

/** The database comes from db/hooks (DatabaseContext); the rest of what the workspace needs is here. */
export interface ReviewEnv {
  user: ReviewUser;
  api: ReviewApi;
  cache: RecordingCache;
}
