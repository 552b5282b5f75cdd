import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is served by `loupe server` at `/`; in `npm run dev -w @loupe/ui` Vite proxies the API to a
// server on :5000. Hashed file names under assets/ let the server cache them for good.
export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { '@loupe/protocol': fileURLToPath(new URL('../protocol/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: { '/ajax-api': 'http://127.0.0.1:5000', '/api': 'http://127.0.0.1:5000', '/get-artifact': 'http://127.0.0.1:5000' },
  },
});
