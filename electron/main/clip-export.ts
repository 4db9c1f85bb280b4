import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClipExportResult } from '../preload/api';

/**
 * Clip export: the person picks where the file goes in a save dialog, so the renderer never names a path
 * on disk. The suggested name is made safe for every OS the app ships on.
 */

const EXTENSIONS: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/webm': 'webm',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/flac': 'flac',
};

export function extensionForContentType(contentType: string): string {
  return EXTENSIONS[contentType.toLowerCase()] ?? 'audio';
}

/** Names Windows refuses for a file whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const MAX_BASE_LENGTH = 120;

/**
 * A file name without folders or characters that are invalid on Windows, macOS or Linux, with the
 * extension that matches the audio type.
 */
export function sanitiseClipFileName(suggested: string, contentType: string): string {
  const extension = extensionForContentType(contentType);
  let base = suggested
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
  if (base.toLowerCase().endsWith(`.${extension}`)) base = base.slice(0, -(extension.length + 1));
  base = base
    .replace(/^[.\s-]+|[.\s]+$/g, '')
    .slice(0, MAX_BASE_LENGTH)
    .trim();
  if (!base) base = 'clip';
  if (WINDOWS_RESERVED.test(base)) base = `clip-${base}`;
  return `${base}.${extension}`;
}

export type ShowSaveDialog = (options: {
  title: string;
  defaultPath: string;
  buttonLabel: string;
  filters: { name: string; extensions: string[] }[];
}) => Promise<{ canceled: boolean; filePath?: string }>;

export interface ClipExportDeps {
  showSaveDialog: ShowSaveDialog;
  /** The folder offered first: the last export folder, else the Downloads folder. */
  defaultFolder: string;
  rememberFolder(folder: string): Promise<void>;
}

export async function exportClip(
  request: { fileName: string; data: Uint8Array; contentType: string },
  deps: ClipExportDeps,
): Promise<ClipExportResult> {
  const fileName = sanitiseClipFileName(request.fileName, request.contentType);
  const extension = extensionForContentType(request.contentType);
  const choice = await deps.showSaveDialog({
    title: 'Export clip',
    defaultPath: path.join(deps.defaultFolder, fileName),
    buttonLabel: 'Export',
    filters: [
      { name: 'Audio', extensions: [extension] },
      { name: 'All files', extensions: ['*'] },
    ],
  });
  if (choice.canceled || !choice.filePath) return { saved: false, reason: 'CANCELLED' };
  const target = path.resolve(choice.filePath);
  await writeFile(target, request.data);
  await deps.rememberFolder(path.dirname(target));
  return { saved: true, path: target };
}
