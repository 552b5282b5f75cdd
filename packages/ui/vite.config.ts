import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { viteAliases } from '../../scripts/workspace-packages.mjs';

const PROTOCOL_SRC = fileURLToPath(new URL('../protocol/src/', import.meta.url));

/**
 * The protocol's modules have no side effects, but its zod schemas are built at module level, which a
 * bundler must assume might have some. Saying so lets the UI's bundle drop the schemas (and zod) it
 * never uses: the UI takes types, ApiError and the search grammar from the protocol.
 */
function protocolWithoutSideEffects(): Plugin {
  return {
    name: 'loupe-protocol-without-side-effects',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source !== '@loupe/protocol' && !importer?.startsWith(PROTOCOL_SRC)) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved && resolved.id.startsWith(PROTOCOL_SRC) ? { ...resolved, moduleSideEffects: false } : resolved;
    },
  };
}

// The UI is served by `loupe server` at `/`; in `npm run dev -w @loupe/ui` Vite proxies the API to a
// server on :5000. Hashed file names under assets/ let the server cache them for good.
export default defineConfig({
  plugins: [protocolWithoutSideEffects(), react(), tailwindcss()],
  resolve: {
    alias: viteAliases({ consumer: 'packages/ui' }),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      '/ajax-api': 'http://127.0.0.1:5000',
      '/api': 'http://127.0.0.1:5000',
      '/get-artifact': 'http://127.0.0.1:5000',
      '/auth': 'http://127.0.0.1:5000',
    },
  },
});
