import { useState } from 'react';
import type { ReviewRegion } from '../../../../../shared/schemas';
import { putRegion, removeRegion } from '../review-doc';
import type { ReviewEditing } from './use-review-editing';

/**
 * The review's moments (regions of the recording) and which one is selected. A new moment is selected and
 * its label focused, and `onCreated` shows the moments tab.
 */
export function useMoments(
  { edit, readOnly, regions }: Pick<ReviewEditing, 'edit' | 'readOnly' | 'regions'>,
  onCreated: () => void,
) {
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);

  const create = (start: number, end: number) => {
    if (readOnly) return;
    const id = crypto.randomUUID();
    void edit(putRegion({ id, start, end, label: '', comment: '' }));
    setSelectedId(id);
    setFocusId(id);
    onCreated();
  };
  const move = (id: string, start: number, end: number) => {
    const r = regions.find((x) => x.id === id);
    if (r && !readOnly) void edit(putRegion({ ...r, start, end }));
  };
  const change = (r: ReviewRegion) => void edit(putRegion(r));
  const remove = (id: string) => {
    void edit(removeRegion(id));
    if (selectedId === id) setSelectedId(null);
  };

  return { regions, selectedId, focusId, select: setSelectedId, create, move, change, remove };
}

export type Moments = ReturnType<typeof useMoments>;
