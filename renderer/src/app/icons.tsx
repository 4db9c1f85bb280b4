/**
 * A handful of 16 px line icons for the navigation, drawn inline so the app needs no icon font or network.
 * Decorative: the link text carries the meaning, so icons are hidden from assistive technology.
 */
const PATHS = {
  contacts: 'M3 4.5h10M3 8h10M3 11.5h6M1.5 2.5h13v11h-13z',
  review: 'M2 9.5V8a6 6 0 0 1 12 0v1.5M2 9.5h2.5v4H2zM14 9.5h-2.5v4H14z',
  courses: 'M2 3h4.5A1.5 1.5 0 0 1 8 4.5V13a1 1 0 0 0-1-1H2zM14 3H9.5A1.5 1.5 0 0 0 8 4.5V13a1 1 0 0 1 1-1h5z',
  clips: 'M4.5 3.5a1.5 1.5 0 1 0 0 .01M4.5 12.5a1.5 1.5 0 1 0 0 .01M5.8 4.6 14 12M5.8 11.4 14 4',
  approvals: 'M3 8.5l3 3 7-7',
  pricing: 'M8.5 2H14v5.5L7.5 14 2 8.5zM11 5a.5.5 0 1 0 0 .01',
  dashboards: 'M2 13.5h12M4 11V7M7 11V3.5M10 11V6M13 11V9',
  audit: 'M4 2.5h6l3 3v8H4zM10 2.5v3h3M6 8h5M6 10.5h5',
  settings:
    'M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4',
  scorecards: 'M3.5 2.5h9v11h-9zM5.5 5.5l1 1 2-2M5.5 9.5l1 1 2-2M10 6h1M10 10h1',
  calibration: 'M2 12.5h12M4 12.5V8M8 12.5V4M12 12.5V6.5M3 8h2M7 4h2M11 6.5h2',
  offline: 'M4.5 12.5h7a3 3 0 0 0 .4-6A4 4 0 0 0 4.3 6a3.25 3.25 0 0 0 .2 6.5zM8 7v3.5M6.5 9 8 10.5 9.5 9',
  signOut: 'M6 2.5H3v11h3M10 5l3 3-3 3M13 8H6',
  agreement: 'M2.5 8.5l2.5 2.5 4-4M7.5 10.5l1 1 5-5.5',
  jobs: 'M8 2.5v2M8 11.5v2M2.5 8h2M11.5 8h2M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z',
  pool: 'M6 2.5l-1 11M11 2.5l-1 11M2.5 6h11M2 10h11',
  privacy: 'M8 1.5l5 2v4c0 3-2.2 5.3-5 6.5-2.8-1.2-5-3.5-5-6.5v-4zM6 8l1.5 1.5L10.5 6.5',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.4}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
