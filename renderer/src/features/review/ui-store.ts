import { create } from 'zustand';
import { DEFAULT_FILTERS, type QueueFilters, type QueueSort } from './queue/queue-model';

/** UI state of the review workspace only (documents live in RxDB): filters, selection, player preferences. */
export interface ReviewUiState {
  filters: QueueFilters;
  sort: QueueSort;
  /** The call open in the workspace. */
  openCallId: string | null;
  /** Calls ticked in the queue for bulk actions (make available offline, assign). */
  checked: ReadonlySet<string>;
  /** The calls the queue shows now, in order (filters applied), for "make the whole list available offline". */
  listIds: readonly string[];
  /** Where the open call last stood in that list: after it leaves the list (submitted), the call now there is next. */
  openIndex: number | null;
  speed: number;
  /** Pixels per second; 0 fits the whole call. */
  zoom: number;
  helpOpen: boolean;
  setFilters(patch: Partial<QueueFilters>): void;
  resetFilters(): void;
  setSort(sort: QueueSort): void;
  openCall(id: string | null): void;
  toggleChecked(id: string): void;
  setChecked(ids: Iterable<string>): void;
  setSpeed(speed: number): void;
  setZoom(zoom: number): void;
  setHelpOpen(open: boolean): void;
}

export const useReviewUi = create<ReviewUiState>((set) => ({
  filters: DEFAULT_FILTERS,
  sort: 'newest',
  openCallId: null,
  checked: new Set(),
  listIds: [],
  openIndex: null,
  speed: 1,
  zoom: 0,
  helpOpen: false,
  setFilters: (patch) => set((s) => ({ filters: { ...s.filters, ...patch } })),
  resetFilters: () => set({ filters: DEFAULT_FILTERS }),
  setSort: (sort) => set({ sort }),
  openCall: (openCallId) => set({ openCallId }),
  toggleChecked: (id) =>
    set((s) => {
      const checked = new Set(s.checked);
      if (checked.has(id)) checked.delete(id);
      else checked.add(id);
      return { checked };
    }),
  setChecked: (ids) => set({ checked: new Set(ids) }),
  setSpeed: (speed) => set({ speed }),
  setZoom: (zoom) => set({ zoom }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}));
