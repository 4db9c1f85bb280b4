import { lazy, type ComponentType } from 'react';
import type { Role } from '../../../shared/roles';
import { frame } from './Frame';
import type { IconName } from './icons';

/**
 * The feature registry: every screen of the app, in navigation order, with the roles that see it.
 * To plug a feature in, change one line: point `component` at your screen, e.g.
 *   component: lazy(() => import('../features/review/ReviewQueueScreen')),
 * (a default export). Screens are loaded lazily so the first screen after sign-in does not wait for the
 * code of the others. A screen receives no props; it reads its sub-path with `useSubPath(path)`.
 */
export interface ScreenDef {
  id: string;
  /** Hash path, e.g. `/review`; sub-paths (`/review/call/123`) belong to the same screen. */
  path: string;
  /** Navigation label, optionally per role (a reviewer's "Review queue" is an admin's "Review"). */
  label: string;
  labelFor?: Partial<Record<Role, string>>;
  icon: IconName;
  roles: readonly Role[];
  component: ComponentType;
}

export const SCREENS: readonly ScreenDef[] = [
  {
    id: 'contacts',
    path: '/contacts',
    label: 'Contacts',
    icon: 'contacts',
    roles: ['admin'],
    component: lazy(() => import('../features/contacts/ContactsScreen')),
  },
  {
    id: 'review',
    path: '/review',
    label: 'Review',
    labelFor: { reviewer: 'Review queue' },
    icon: 'review',
    roles: ['admin', 'reviewer'],
    component: lazy(() => import('../features/review/ReviewRoute')),
  },
  {
    id: 'scorecards',
    path: '/scorecards',
    label: 'Scorecards',
    icon: 'scorecards',
    roles: ['admin'],
    component: lazy(() => import('../features/scorecards/ScorecardsRoute')),
  },
  {
    id: 'calibration',
    path: '/calibration',
    label: 'Calibration',
    icon: 'calibration',
    roles: ['admin'],
    component: lazy(() => import('../features/scorecards/CalibrationRoute')),
  },
  {
    id: 'agreement',
    path: '/agreement',
    label: 'AI agreement',
    icon: 'agreement',
    roles: ['admin'],
    component: lazy(() => import('../features/agreement/AgreementScreen')),
  },
  {
    id: 'jobs',
    path: '/jobs',
    label: 'Jobs',
    icon: 'jobs',
    roles: ['admin'],
    component: lazy(() => import('../features/jobs/JobsScreen')),
  },
  {
    id: 'offline',
    path: '/offline',
    label: 'Offline',
    icon: 'offline',
    roles: ['reviewer'],
    component: lazy(() => import('../features/offline/OfflineScreen')),
  },
  {
    id: 'courses',
    path: '/courses',
    label: 'Courses',
    icon: 'courses',
    roles: ['admin', 'author'],
    component: frame(
      'Courses',
      'Training courses built from clips of real calls (free, paid or subscription), their chapters and who completed them.',
      'Arrives with the course authoring work.',
    ),
  },
  {
    id: 'clips',
    path: '/clips',
    label: 'Clips',
    icon: 'clips',
    roles: ['author'],
    component: frame(
      'Clips',
      'Moments cut from calls for training, with personal data bleeped out, ready to arrange into courses.',
      'Arrives with the course authoring work.',
    ),
  },
  {
    id: 'approvals',
    path: '/approvals',
    label: 'Approvals',
    icon: 'approvals',
    roles: ['admin'],
    component: lazy(() => import('../features/approvals/ApprovalsScreen')),
  },
  {
    id: 'pricing',
    path: '/pricing',
    label: 'Pricing',
    icon: 'pricing',
    roles: ['admin'],
    component: lazy(() => import('../features/pricing/PricingScreen')),
  },
  {
    id: 'dashboards',
    path: '/dashboards',
    label: 'Dashboards',
    icon: 'dashboards',
    roles: ['admin'],
    component: frame(
      'Dashboards',
      'Assessor performance (response speed, contact, success and conversion rates), lead quality, area pricing and the number pool, per period, service and district.',
      'Arrives with the analytics work.',
    ),
  },
  {
    id: 'pool',
    path: '/pool',
    label: 'Pool',
    icon: 'pool',
    roles: ['admin'],
    component: lazy(() => import('../features/pool/PoolScreen')),
  },
  {
    id: 'privacy',
    path: '/privacy',
    label: 'Privacy',
    icon: 'privacy',
    roles: ['admin'],
    component: lazy(() => import('../features/privacy/PrivacyScreen')),
  },
  {
    id: 'audit',
    path: '/audit',
    label: 'Audit',
    icon: 'audit',
    roles: ['admin'],
    component: lazy(() => import('../features/audit/AuditScreen')),
  },
  {
    id: 'settings',
    path: '/settings',
    label: 'Settings',
    icon: 'settings',
    roles: ['admin'],
    component: lazy(() => import('../features/settings/SettingsScreen')),
  },
];

export function screensFor(role: Role): ScreenDef[] {
  return SCREENS.filter((s) => s.roles.includes(role));
}

export function labelFor(screen: ScreenDef, role: Role): string {
  return screen.labelFor?.[role] ?? screen.label;
}

/** The screen that owns a path for a role, or null (unknown path or not this role's). */
export function screenForPath(path: string, role: Role): ScreenDef | null {
  return screensFor(role).find((s) => path === s.path || path.startsWith(`${s.path}/`)) ?? null;
}
