import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. Standard roles give the platform's own labels, shortcuts and behaviour (copy and
 * paste in text fields, zoom for people who need larger text). Developer tools are only offered in an
 * unpackaged build.
 */

export interface MenuActions {
  openServerInBrowser(): void;
  showRecordingCache(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  isPackaged: boolean;
  /** Whether a server is configured (the "open in browser" item needs one). */
  hasServer: boolean;
  actions: MenuActions;
}

export function buildMenuTemplate(opts: MenuOptions): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: opts.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: 'File',
    submenu: [
      {
        label: 'Show Recording Cache Folder',
        click: () => opts.actions.showRecordingCache(),
      },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  });
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!opts.isPackaged) view.push({ type: 'separator' }, { role: 'toggleDevTools' });
  template.push({ label: 'View', submenu: view });
  template.push({
    label: 'Window',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  template.push({
    role: 'help',
    submenu: [
      {
        label: 'Open the Sync Server in the Browser',
        enabled: opts.hasServer,
        click: () => opts.actions.openServerInBrowser(),
      },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'about' as const }]),
    ],
  });
  return template;
}
