// Placeholder until the desktop main process lands (see electron/ in ARCHITECTURE.md).
import { app } from 'electron';
app.whenReady().then(() => app.quit());
