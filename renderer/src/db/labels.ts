import type { CollectionName } from '../../../shared/schemas';

/** What each collection is called on screen. */
export const COLLECTION_LABELS: Record<CollectionName, string> = {
  leads: 'Leads',
  assessors: 'Assessors',
  calls: 'Calls',
  messages: 'Text messages',
  insights: 'Call analyses',
  reviews: 'Reviews',
  clips: 'Clips',
  courses: 'Courses',
  areas: 'Areas and prices',
  tierChanges: 'Tier changes',
  scorecards: 'Scorecards',
};
