import { contextBridge, ipcRenderer } from 'electron';
import { createKioskBridge } from './bridge';

// Sandboxed preload (bundled to dist-electron/electron/preload.cjs, CommonJS as the sandbox requires).
// It exposes `window.kioskBridge` with `call` and `onState`, and nothing else.
contextBridge.exposeInMainWorld('kioskBridge', createKioskBridge(ipcRenderer));
