import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Production and dev config. The app is fully static: everything it needs at run time (JS, CSS,
 * TF.js WASM binaries, icons, firmware images) is served from its own origin and precached by the
 * service worker, so after one online load it works offline.
 */
// No cross-origin isolation headers: threaded WASM gave no gain on the 2-core machines measured, and
// without SharedArrayBuffer TF.js picks the single-threaded SIMD binary, which also survives minification
// and works on any static host.

export default defineConfig({
  plugins: [
    svelte(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'TinyML Studio',
        short_name: 'TinyML',
        description: 'Record sensor data, train and deploy tiny ML models to microcontrollers, offline.',
        theme_color: '#16324f',
        background_color: '#f6f8fa',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512-maskable.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,ico,webmanifest,json,uf2,bin}'],
        // Only the non-threaded WASM binaries are used; the threaded one is left out of the precache.
        globIgnores: ['**/*threaded*'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: {
    format: 'es',
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  optimizeDeps: {
    // Pre-bundled up front so the dev server does not reload the page when a worker first imports them.
    include: ['@tensorflow/tfjs', 'comlink', 'idb', 'uplot', 'fflate', 'flatbuffers', 'workbox-window'],
    exclude: ['@tensorflow/tfjs-backend-wasm'],
  },
});
