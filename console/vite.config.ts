import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The web console and the offline GraphiQL page, built into dist/console-app/ and served by the
// hub under /console (src/console/console-pages.ts). Everything they load is bundled here:
// no font, icon, script or map data from the internet.
const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  build: {
    outDir: resolve(here, '../dist/console-app'),
    emptyOutDir: true,
    // Fonts and images as files of their own, never data: URLs the policy would have to allow.
    assetsInlineLimit: 0,
    // GraphiQL's editor is large; it is loaded only by the GraphiQL page.
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      input: { index: resolve(here, 'index.html'), graphiql: resolve(here, 'graphiql.html') },
      // GraphiQL's dependencies mark modules "use client" for React Server Components: meaningless in a browser bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
