// Operator console build (issue 17): its own bundle, everything local (no CDN, no network fonts), served
// by the cloud at GET /console/ from cloud-api/dist-console (cloud-api/src/routes/console-static.ts).
// base '/console/' because the cloud serves the assets under that path.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../cloud-api/dist-console', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
