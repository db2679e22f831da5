// Kiosk renderer build (ARCHITECTURE.md "Layout"): everything bundled, no fonts or CDNs, because the
// kiosk must work offline. base './' so the same build loads from file:// inside Electron and from the
// core's loopback HTTP server in browser mode.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist-renderer', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
